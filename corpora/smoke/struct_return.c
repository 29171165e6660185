/* Exercises returning structs of different sizes and classes by value, including chained calls. */
#include <stdio.h>

struct S1 { char c; };
struct S2 { int a, b; };
struct S3 { int a, b, c; };
struct SD { double x, y; };
struct SF { float a, b, c, d; };
struct SM { int i; double d; };
struct SBig { long long v[6]; };

static struct S1 mk1(int c) { struct S1 s; s.c = (char)c; return s; }
static struct S2 mk2(int a) { struct S2 s = { a, a * 2 }; return s; }
static struct S3 mk3(int a) { struct S3 s = { a, -a, a * a }; return s; }
static struct SD mkd(double x) { struct SD s = { x, x / 4 }; return s; }
static struct SF mkf(float a) { struct SF s = { a, a + 1, a + 2, a + 3 }; return s; }
static struct SM mkm(int i) { struct SM s; s.i = i; s.d = i * 0.5; return s; }
static struct SBig mkbig(long long base)
{
    struct SBig s;
    int i;
    for (i = 0; i < 6; i++) s.v[i] = base * (i + 1);
    return s;
}
static struct SBig addbig(struct SBig a, struct SBig b)
{
    int i;
    for (i = 0; i < 6; i++) a.v[i] += b.v[i];
    return a;
}
static struct SD addd(struct SD a, struct SD b) { a.x += b.x; a.y += b.y; return a; }

int main(void)
{
    struct S1 s1 = mk1(65);
    struct S2 s2 = mk2(21);
    struct S3 s3 = mk3(9);
    struct SD sd = addd(mkd(3.0), mkd(5.0));
    struct SF sf = mkf(1.5f);
    struct SM sm = mkm(7);
    struct SBig sb = addbig(mkbig(1000000007LL), mkbig(-3));
    long long t = 0;
    int i;
    printf("s1=%d s2=%d,%d s3=%d,%d,%d\n", s1.c, s2.a, s2.b, s3.a, s3.b, s3.c);
    printf("sd=%.3f,%.3f\n", sd.x, sd.y);
    printf("sf=%.2f,%.2f,%.2f,%.2f\n", sf.a, sf.b, sf.c, sf.d);
    printf("sm=%d,%.2f\n", sm.i, sm.d);
    for (i = 0; i < 6; i++) t += sb.v[i] * (i + 1);
    printf("sb.v[5]=%lld t=%lld\n", sb.v[5], t);
    printf("direct member: %d %.2f\n", mk3(4).c, mkd(8.0).y);
    return 0;
}
