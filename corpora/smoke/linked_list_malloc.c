/* Exercises malloc/free/realloc/calloc with a singly linked list: insert, reverse, sort, delete, free everything. */
#include <stdio.h>
#include <stdlib.h>

struct Node { int val; struct Node *next; };

static struct Node *push(struct Node *head, int v)
{
    struct Node *n = malloc(sizeof *n);
    if (!n) exit(99);
    n->val = v;
    n->next = head;
    return n;
}

static struct Node *reverse(struct Node *h)
{
    struct Node *prev = NULL;
    while (h) { struct Node *nx = h->next; h->next = prev; prev = h; h = nx; }
    return prev;
}

static struct Node *insert_sorted(struct Node *h, struct Node *n)
{
    struct Node **pp = &h;
    while (*pp && (*pp)->val < n->val) pp = &(*pp)->next;
    n->next = *pp;
    *pp = n;
    return h;
}

static struct Node *remove_if_div(struct Node *h, int d, int *removed)
{
    struct Node **pp = &h;
    while (*pp) {
        if ((*pp)->val % d == 0) { struct Node *dead = *pp; *pp = dead->next; free(dead); (*removed)++; }
        else pp = &(*pp)->next;
    }
    return h;
}

static void print_list(const char *label, const struct Node *h)
{
    printf("%s:", label);
    for (; h; h = h->next) printf(" %d", h->val);
    printf("\n");
}

int main(void)
{
    struct Node *list = NULL, *sorted = NULL;
    int i, removed = 0, *arr, n = 0, cap = 2;
    for (i = 0; i < 15; i++) list = push(list, (i * 7 + 3) % 23);
    print_list("pushed", list);
    list = reverse(list);
    print_list("reversed", list);
    while (list) { struct Node *nx = list->next; sorted = insert_sorted(sorted, list); list = nx; }
    print_list("sorted", sorted);
    sorted = remove_if_div(sorted, 3, &removed);
    print_list("no mult of 3", sorted);
    printf("removed=%d\n", removed);
    arr = calloc((size_t)cap, sizeof *arr);
    for (list = sorted; list; list = list->next) {
        if (n == cap) { cap *= 2; arr = realloc(arr, (size_t)cap * sizeof *arr); if (!arr) return 98; }
        arr[n++] = list->val;
    }
    printf("array n=%d cap=%d last=%d\n", n, cap, arr[n - 1]);
    free(arr);
    while (sorted) { struct Node *nx = sorted->next; free(sorted); sorted = nx; }
    return 0;
}
