/* Exercises C99 compound literals: array/struct literals as arguments, lvalues, and at file scope. */
#include <stdio.h>

struct P { int x, y; };

static int *file_arr = (int[]){ 10, 20, 30, 40 };

static int sum(const int *a, int n)
{
    int s = 0, i;
    for (i = 0; i < n; i++) s += a[i];
    return s;
}
static int dot(struct P a, struct P b) { return a.x * b.x + a.y * b.y; }
static struct P add(const struct P *a, const struct P *b)
{
    return (struct P){ a->x + b->x, a->y + b->y };
}

int main(void)
{
    struct P *pp;
    struct P r;
    int i, total = 0;
    printf("sum=%d\n", sum((int[]){ 1, 2, 3, 4, 5 }, 5));
    printf("sum file=%d\n", sum(file_arr, 4));
    printf("dot=%d\n", dot((struct P){ 3, 4 }, (struct P){ .y = 2, .x = -1 }));
    r = add(&(struct P){ 1, 1 }, &(struct P){ 5, 7 });
    printf("add=(%d,%d)\n", r.x, r.y);
    pp = &(struct P){ 100, 200 };
    pp->x += 5;
    printf("pp=(%d,%d)\n", pp->x, pp->y);
    (struct P){ 0, 0 }.x = 9;   /* compound literal is an lvalue */
    for (i = 0; i < 3; i++) {
        int *q = (int[3]){ i, i * 2, i * 3 };
        total += q[0] + q[1] + q[2];
    }
    printf("total=%d\n", total);
    {
        const char *s = (const char[]){ "literal" };
        double *dd = (double[4]){ [2] = 2.5, [0] = 1.0 };
        printf("s=%s dd=%.1f %.1f %.1f %.1f\n", s, dd[0], dd[1], dd[2], dd[3]);
    }
    file_arr[1] = 21;
    printf("file_arr after=%d\n", sum(file_arr, 4));
    return 0;
}
