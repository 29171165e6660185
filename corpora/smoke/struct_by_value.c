/* Exercises passing structs of various sizes/compositions by value (small, mixed int/float, large). */
#include <stdio.h>

struct Pair { int a, b; };
struct Mixed { char c; double d; short s; };
struct Floats { float x, y, z; };
struct Dbl2 { double x, y; };
struct Big { int v[9]; long long tag; };
struct Tiny { unsigned char b; };

static int sum_pair(struct Pair p) { p.a += 100; return p.a + p.b; }
static double mixed_val(struct Mixed m) { return m.c + m.d * 2.0 + m.s; }
static float flen2(struct Floats f) { return f.x * f.x + f.y * f.y + f.z * f.z; }
static double dcross(struct Dbl2 a, struct Dbl2 b) { return a.x * b.y - a.y * b.x; }
static long long big_sum(struct Big b)
{
    long long s = b.tag;
    int i;
    for (i = 0; i < 9; i++) { s += b.v[i]; b.v[i] = 0; }
    return s;
}
static int tiny(struct Tiny t, int k, struct Tiny u) { return t.b * k + u.b; }

int main(void)
{
    struct Pair p = { 3, 4 };
    struct Mixed m = { 'A', 1.25, -7 };
    struct Floats f = { 1.0f, 2.0f, 0.5f };
    struct Dbl2 d1 = { 1.5, 2.0 }, d2 = { -3.0, 4.25 };
    struct Big b;
    struct Tiny t1 = { 7 }, t2 = { 200 };
    int i;
    for (i = 0; i < 9; i++) b.v[i] = i * i - 3;
    b.tag = 1000000000000LL;

    printf("sum_pair=%d p.a after=%d\n", sum_pair(p), p.a);
    printf("mixed=%.3f\n", mixed_val(m));
    printf("flen2=%.4f\n", (double)flen2(f));
    printf("dcross=%.4f\n", dcross(d1, d2));
    printf("big_sum=%lld b.v[3] after=%d\n", big_sum(b), b.v[3]);
    printf("tiny=%d\n", tiny(t1, 3, t2));
    return 0;
}
