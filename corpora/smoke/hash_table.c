/* Exercises a chained hash table with malloc'd nodes and string keys; exits with (number of collisions % 5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 31

struct Entry { char key[16]; int value; struct Entry *next; };
static struct Entry *buckets[NBUCKETS];
static int collisions;

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    while (*s) { h ^= (unsigned char)*s++; h *= 16777619u; }
    return h % NBUCKETS;
}

static void put(const char *k, int v)
{
    unsigned b = hash(k);
    struct Entry *e;
    for (e = buckets[b]; e; e = e->next)
        if (strcmp(e->key, k) == 0) { e->value = v; return; }
    if (buckets[b]) collisions++;
    e = malloc(sizeof *e);
    if (!e) exit(90);
    strncpy(e->key, k, sizeof e->key - 1);
    e->key[sizeof e->key - 1] = '\0';
    e->value = v;
    e->next = buckets[b];
    buckets[b] = e;
}

static int get(const char *k, int *out)
{
    struct Entry *e;
    for (e = buckets[hash(k)]; e; e = e->next)
        if (strcmp(e->key, k) == 0) { *out = e->value; return 1; }
    return 0;
}

int main(void)
{
    char key[16];
    int i, v, found = 0, total = 0, maxlen = 0;
    for (i = 0; i < 60; i++) {
        sprintf(key, "k%d_%c", i * 7, 'a' + i % 26);
        put(key, i * i);
    }
    put("k0_a", -1);
    for (i = 0; i < 70; i++) {
        sprintf(key, "k%d_%c", i * 7, 'a' + i % 26);
        if (get(key, &v)) { found++; total += v; }
    }
    for (i = 0; i < NBUCKETS; i++) {
        int len = 0;
        struct Entry *e = buckets[i];
        while (e) { struct Entry *nx = e->next; len++; free(e); e = nx; }
        if (len > maxlen) maxlen = len;
        printf("%d", len);
    }
    printf("\nfound=%d total=%d collisions=%d maxlen=%d\n", found, total, collisions, maxlen);
    return collisions % 5;
}
