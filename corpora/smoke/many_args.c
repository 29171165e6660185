/* Exercises the calling convention with 10+ mixed int/double/float/struct/long long arguments, incl. stack-passed ones. */
#include <stdio.h>

struct S2 { int a, b; };
struct SD { double x, y; };
struct S3 { long long p, q, r; };

static long long ints12(int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k, int l)
{
    return a + 2LL * b + 3LL * c + 4LL * d + 5LL * e + 6LL * f + 7LL * g + 8LL * h + 9LL * i + 10LL * j + 11LL * k + 12LL * l;
}

static double dbls11(double a, double b, double c, double d, double e, double f, double g, double h,
                     double i, double j, double k)
{
    return a - b + c * 2 - d + e * 4 - f + g * 8 - h + i * 16 - j + k * 32;
}

static double mixed(int a, double b, char c, float d, long long e, struct S2 f, double g, short h,
                    struct SD i, int j, unsigned char k, double l, struct S3 m, int n, float o, long long p)
{
    printf("a=%d b=%.2f c=%d d=%.2f e=%lld f=%d,%d g=%.2f h=%d\n", a, b, c, (double)d, e, f.a, f.b, g, h);
    printf("i=%.2f,%.2f j=%d k=%u l=%.3f m=%lld,%lld,%lld n=%d o=%.2f p=%lld\n", i.x, i.y, j, k, l, m.p, m.q,
           m.r, n, (double)o, p);
    return a + b + c + d + (double)e + f.a + f.b + g + h + i.x + i.y + j + k + l + (double)(m.p + m.q + m.r) +
           n + o + (double)p;
}

static int structs_only(struct S2 a, struct S2 b, struct S2 c, struct S2 d, struct S2 e, struct S2 f,
                        struct SD g, struct SD h, struct SD i, struct SD j, struct SD k)
{
    return a.a * b.b + c.a * d.b + e.a * f.b + (int)(g.x + h.y + i.x + j.y + k.x);
}

static float floats10(float a, float b, float c, float d, float e, float f, float g, float h, float i, float j)
{
    return a + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8 + i * 9 + j * 10;
}

int main(void)
{
    struct S2 s2 = { 3, -4 };
    struct SD sd = { 1.5, 2.25 };
    struct S3 s3 = { 10000000000LL, -20, 30 };
    printf("ints12=%lld\n", ints12(1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12));
    printf("dbls11=%.4f\n", dbls11(1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5));
    printf("mixed=%.4f\n", mixed(1, 2.5, 'x', 3.25f, -4000000000LL, s2, 6.75, -7, sd, 8, 200, 0.125, s3,
                                 -9, 10.5f, 1234567890123LL));
    printf("structs_only=%d\n", structs_only(s2, (struct S2){ 1, 2 }, s2, (struct S2){ 5, 6 }, s2,
                                             (struct S2){ 7, 8 }, sd, sd, (struct SD){ 3, 4 }, sd, sd));
    printf("floats10=%.3f\n", (double)floats10(0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f, 8.5f, 9.5f));
    return 0;
}
