/* Exercises conditional operator (nested, mixed types, as lvalue via pointer) and the comma operator. */
#include <stdio.h>

static int calls;
static int side(int v) { calls++; return v; }

int main(void)
{
    int i, a = 3, b = 7, x, y;
    int *pm;
    double d;
    for (i = -2; i <= 2; i++)
        printf("sign(%d)=%d\n", i, i < 0 ? -1 : i > 0 ? 1 : 0);
    /* only one branch evaluated */
    calls = 0;
    x = a > b ? side(a) : side(b);
    printf("x=%d calls=%d\n", x, calls);
    /* mixed type arithmetic conversion */
    d = a > 0 ? 1 : 2.5;
    printf("d=%.2f\n", d);
    printf("unsigned conv: %d\n", (a > 0 ? -1 : 1u) > 0);
    /* pointer result as lvalue */
    pm = a < b ? &a : &b;
    *pm = 100;
    printf("a=%d b=%d\n", a, b);
    /* comma operator */
    x = (y = 5, y * 2, y + 1);
    printf("x=%d y=%d\n", x, y);
    for (i = 0, x = 10; i < x; i++, x--)
        ;
    printf("i=%d x=%d\n", i, x);
    calls = 0;
    y = (side(1), side(2), side(3));
    printf("y=%d calls=%d\n", y, calls);
    {
        const char *s = calls == 3 ? "three" : "other";
        printf("s=%s\n", s);
    }
    {
        int m = 0;
        for (i = 0; i < 20; i++) m += (i % 3 == 0) ? i : (i % 3 == 1) ? -i : 2 * i;
        printf("m=%d\n", m);
    }
    return 0;
}
