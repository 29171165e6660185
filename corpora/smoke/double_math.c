/* Exercises libm functions (sqrt, pow, floor, ceil, fmod, fabs, exp, log, sin, cos, atan2) with rounded output. */
#include <stdio.h>
#include <math.h>

int main(void)
{
    volatile double x = 2.0;
    double acc = 0.0;
    int i;
    printf("sqrt2=%.12f\n", sqrt(x));
    printf("pow(2,10)=%.1f pow(2,0.5)=%.10f\n", pow(x, 10.0), pow(x, 0.5));
    printf("floor/ceil: %.1f %.1f %.1f %.1f\n", floor(-2.5), ceil(-2.5), floor(2.5), ceil(2.5));
    printf("fmod: %.4f %.4f\n", fmod(10.5, 3.0), fmod(-10.5, 3.0));
    printf("fabs: %.2f trunc: %.1f round: %.1f %.1f\n", fabs(-3.25), trunc(-3.7), round(2.5), round(-2.5));
    printf("exp1=%.10f log10=%.10f log2_8=%.6f\n", exp(1.0), log(10.0), log2(8.0));
    printf("sin(1)=%.10f cos(1)=%.10f atan2=%.10f\n", sin(1.0), cos(1.0), atan2(1.0, -1.0));
    printf("hypot=%.6f cbrt=%.6f\n", hypot(3.0, 4.0), cbrt(27.0));
    for (i = 1; i <= 100; i++)
        acc += sqrt((double)i);
    printf("sum sqrt=%.8f\n", acc);
    printf("isnan=%d isinf=%d\n", isnan(sqrt(-x)) != 0, isinf(1.0 / (x - 2.0)) != 0);
    printf("copysign=%.1f ldexp=%.1f\n", copysign(3.0, -0.0), ldexp(0.75, 4));
    {
        int e;
        double m = frexp(48.0, &e);
        printf("frexp: %.4f %d\n", m, e);
    }
    return 0;
}
