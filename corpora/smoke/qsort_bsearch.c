/* Exercises qsort and bsearch with int, string, and struct comparators (total orders so results are unique). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Item { int key; int weight; const char *name; };

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
static int cmp_item(const void *a, const void *b)
{
    const struct Item *x = a, *y = b;
    if (x->weight != y->weight) return x->weight < y->weight ? -1 : 1;
    return (x->key > y->key) - (x->key < y->key);
}

int main(void)
{
    int v[40], i, keys[] = { 17, 0, 1000, -5, 391 };
    const char *names[] = { "pear", "apple", "fig", "banana", "kiwi", "cherry", "date", "grape" };
    struct Item items[] = { { 1, 5, "a" }, { 2, 3, "b" }, { 3, 5, "c" }, { 4, 1, "d" }, { 5, 3, "e" } };
    unsigned lcg = 12345;
    for (i = 0; i < 40; i++) {
        lcg = lcg * 1103515245u + 12345u;
        v[i] = (int)((lcg >> 16) % 1000) - 100;
    }
    v[7] = 17; v[20] = 391;
    qsort(v, 40, sizeof v[0], cmp_int);
    for (i = 0; i < 40; i++) printf("%d ", v[i]);
    printf("\n");
    for (i = 0; i < 5; i++) {
        int *f = bsearch(&keys[i], v, 40, sizeof v[0], cmp_int);
        printf("bsearch %d: %s\n", keys[i], f ? "found" : "missing");
    }
    qsort(v, 40, sizeof v[0], cmp_int_desc);
    printf("desc first=%d last=%d\n", v[0], v[39]);
    qsort(names, 8, sizeof names[0], cmp_str);
    for (i = 0; i < 8; i++) printf("%s ", names[i]);
    printf("\n");
    {
        const char *key = "fig";
        const char **f = bsearch(&key, names, 8, sizeof names[0], cmp_str);
        printf("fig index=%d\n", f ? (int)(f - names) : -1);
    }
    qsort(items, 5, sizeof items[0], cmp_item);
    for (i = 0; i < 5; i++) printf("%s(%d,%d) ", items[i].name, items[i].weight, items[i].key);
    printf("\n");
    return 0;
}
