/* Exercises function pointers: tables, passing as args, returning them, and typedef'd callbacks. */
#include <stdio.h>

typedef int (*binop)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int maxi(int a, int b) { return a > b ? a : b; }

static binop pick(char c)
{
    switch (c) {
    case '+': return add;
    case '-': return sub;
    case '*': return mul;
    default: return maxi;
    }
}

static int fold(const int *v, int n, int init, binop f)
{
    int i;
    for (i = 0; i < n; i++) init = f(init, v[i]);
    return init;
}

static double apply_twice(double (*f)(double), double x) { return f(f(x)); }
static double half(double x) { return x / 2.0; }
static double sq(double x) { return x * x; }

struct Op { const char *name; binop fn; };

int main(void)
{
    int v[] = { 3, -1, 4, 1, -5, 9, 2, 6 };
    int n = (int)(sizeof v / sizeof v[0]);
    struct Op ops[] = { { "add", add }, { "sub", sub }, { "mul", mul }, { "max", maxi } };
    const char *expr = "+-*m";
    int i;
    for (i = 0; i < 4; i++)
        printf("%s fold=%d\n", ops[i].name, fold(v, n, i == 2 ? 1 : 0, ops[i].fn));
    for (i = 0; expr[i]; i++)
        printf("pick(%c)(7,3)=%d\n", expr[i], pick(expr[i])(7, 3));
    printf("twice half=%.4f sq=%.1f\n", apply_twice(half, 10.0), apply_twice(sq, 3.0));
    printf("deref call=%d same=%d\n", (*ops[1].fn)(10, 4), ops[0].fn == add);
    {
        int (*arr[2])(int, int) = { mul, add };
        printf("arr=%d\n", arr[0](arr[1](2, 3), 4));
    }
    return 0;
}
