/* Exercises 16.16 fixed-point arithmetic using int32/int64 (multiplication, division, sqrt) with well-defined ops only. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

typedef int32_t fix;
#define FONE 65536
#define TOFIX(x) ((fix)((x) * FONE))

static fix fmul(fix a, fix b) { return (fix)(((int64_t)a * b) / FONE); }
static fix fdiv(fix a, fix b) { return (fix)(((int64_t)a * FONE) / b); }
static fix fsqrt(fix a)
{
    fix x = a > FONE ? a / 2 : FONE;
    int i;
    for (i = 0; i < 30 && x > 0; i++) x = (x + fdiv(a, x)) / 2;
    return x;
}
static void show(const char *label, fix v)
{
    int neg = v < 0;
    int64_t m = neg ? -(int64_t)v : v;
    int64_t ip = m / FONE, frac = (m % FONE) * 10000 / FONE;
    printf("%s=%s%" PRId64 ".%04" PRId64 " (raw %" PRId32 ")\n", label, neg ? "-" : "", ip, frac, v);
}

int main(void)
{
    fix a = TOFIX(3.25), b = TOFIX(-1.5), c = TOFIX(100), acc = 0;
    int i;
    show("a", a); show("b", b);
    show("a+b", a + b);
    show("a*b", fmul(a, b));
    show("a/b", fdiv(a, b));
    show("c/a", fdiv(c, a));
    show("sqrt(2)", fsqrt(TOFIX(2)));
    show("sqrt(100)", fsqrt(c));
    for (i = 1; i <= 20; i++) acc += fdiv(FONE, i * FONE);
    show("harmonic20", acc);
    {
        /* compound interest 5% over 10 periods */
        fix v = TOFIX(1000), rate = fdiv(TOFIX(105), TOFIX(100));
        for (i = 0; i < 10; i++) v = fmul(v, rate);
        show("interest", v);
    }
    return 0;
}
