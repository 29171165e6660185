/* Exercises pointer arithmetic within arrays: increments, differences, comparisons, pointers to pointers. */
#include <stdio.h>
#include <stddef.h>

static void reverse(int *lo, int *hi)
{
    while (lo < hi) { int t = *lo; *lo++ = *hi; *hi-- = t; }
}

int main(void)
{
    int a[20];
    double d[8];
    const char *words[] = { "alpha", "beta", "gamma", "delta", NULL };
    const char **w;
    int *p, *q, i;
    ptrdiff_t diff;
    long sum = 0;

    for (i = 0; i < 20; i++) a[i] = i * i;
    p = a + 5;
    q = &a[15];
    diff = q - p;
    printf("diff=%d *p=%d *q=%d p[3]=%d q[-2]=%d\n", (int)diff, *p, *q, p[3], q[-2]);
    printf("cmp=%d %d\n", p < q, a + 20 > q);
    reverse(a, a + 19);
    for (i = 0; i < 20; i += 3) sum += *(a + i);
    printf("sum stride=%ld first=%d last=%d\n", sum, a[0], a[19]);
    for (i = 0; i < 8; i++) d[i] = i * 0.5;
    {
        double *dp = d + 7, acc = 0;
        while (dp >= d + 1) { acc += *dp; dp -= 2; }
        printf("acc=%.2f\n", acc);
    }
    for (w = words; *w; w++) printf("%s:%c ", *w, *(*w + 1));
    printf("count=%d\n", (int)(w - words));
    {
        int m[3][4], *flat = &m[0][0];
        for (i = 0; i < 12; i++) flat[i] = i + 1;
        printf("m[2][1]=%d *(m[1]+3)=%d\n", m[2][1], *(m[1] + 3));
    }
    {
        char s[] = "pointer";
        char *e = s;
        while (*e) e++;
        printf("len via ptr=%d\n", (int)(e - s));
    }
    return 0;
}
