/* Exercises int<->float<->double conversions, float rounding of large integers, and special values. */
#include <stdio.h>
#include <math.h>
#include <stdint.h>

int main(void)
{
    int ints[] = { 0, 1, -1, 16777216, 16777217, 16777219, 2147483647, -2147483647 - 1 };
    long long lls[] = { 9007199254740993LL, -9007199254740993LL, 1LL << 62, 123456789012345LL };
    double ds[] = { 0.1, 0.5, 1.0 / 3, 3.999999, -3.999999, 1e30, 1e-30 };
    unsigned long long big = 18446744073709551615ULL;
    int i;
    for (i = 0; i < 8; i++) {
        float f = (float)ints[i];
        double d = (double)ints[i];
        printf("int %d -> float %.1f double %.1f\n", ints[i], (double)f, d);
    }
    for (i = 0; i < 4; i++) printf("ll %lld -> double %.1f float %.1f\n", lls[i], (double)lls[i], (double)(float)lls[i]);
    for (i = 0; i < 7; i++) {
        float f = (float)ds[i];
        printf("double %.17g -> float %.9g back %.17g\n", ds[i], (double)f, (double)f);
    }
    printf("ull max -> double %.1f\n", (double)big);
    printf("double -> ull %llu\n", (unsigned long long)1.8e19);
    printf("uint32 -> float %.1f\n", (double)(float)4294967295u);
    printf("float trunc: %d %d %d %d\n", (int)2.9f, (int)-2.9f, (int)0.0f, (int)-0.0f);
    {
        float inf = INFINITY, nan = NAN;
        double dinf = (double)inf;
        printf("inf=%f -inf=%f isnan=%d inf>1e308=%d\n", dinf, -dinf, isnan(nan) != 0, dinf > 1e308);
        printf("nan cmp: %d %d %d\n", nan == nan, nan != nan, nan < 1.0f);
    }
    {
        float small = 1e-45f;   /* denormal */
        printf("denorm=%.6g nonzero=%d\n", (double)small, small != 0.0f);
        printf("float eps=%.9g\n", (double)(nextafterf(1.0f, 2.0f) - 1.0f));
    }
    {
        int64_t i64 = -7;
        uint8_t u8 = 200;
        double r = i64 * 0.5 + u8 / 8.0 + (float)u8 / 3;
        printf("r=%.6f\n", r);
    }
    return 0;
}
