/* Exercises floating-point comparisons, NaN/inf/signed-zero semantics, fmin/fmax, and exact binary fractions. */
#include <stdio.h>
#include <math.h>

int main(void)
{
    double zero = 0.0, nz = -0.0;
    double inf = INFINITY, nan = NAN;
    double vals[] = { -1.5, -0.0, 0.0, 0.25, 1.0, 1e300 };
    int i, j, lt = 0, eq = 0;
    printf("0.0==-0.0: %d signbit(-0.0)=%d 1/-0=%f\n", zero == nz, signbit(nz) != 0, 1.0 / nz);
    printf("nan==nan: %d nan!=nan: %d nan<1: %d nan>1: %d isunordered: %d\n", nan == nan, nan != nan, nan < 1.0,
           nan > 1.0, isunordered(nan, 1.0) != 0);
    printf("inf>1e308: %d -inf<-1e308: %d inf==inf: %d inf-inf isnan: %d\n", inf > 1e308, -inf < -1e308,
           inf == inf, isnan(inf - inf) != 0);
    printf("0.1+0.2==0.3: %d 0.5+0.25==0.75: %d\n", 0.1 + 0.2 == 0.3, 0.5 + 0.25 == 0.75);
    printf("fmin=%.2f fmax=%.2f fmin(nan,2)=%.2f\n", fmin(-1.0, 2.0), fmax(-1.0, 2.0), fmin(nan, 2.0));
    for (i = 0; i < 6; i++)
        for (j = 0; j < 6; j++) {
            lt += vals[i] < vals[j];
            eq += vals[i] == vals[j];
        }
    printf("lt=%d eq=%d\n", lt, eq);
    printf("isgreater=%d islessequal=%d\n", isgreater(2.0, 1.0) != 0, islessequal(nan, 1.0) != 0);
    {
        float f = 0.1f;
        double d = 0.1;
        printf("0.1f==0.1: %d (double)0.1f=%.17g\n", f == d, (double)f);
    }
    {
        double sum = 0.0;
        for (i = 0; i < 10; i++) sum += 0.1;
        printf("sum=%.17g ==1: %d fabs<1e-9: %d\n", sum, sum == 1.0, fabs(sum - 1.0) < 1e-9);
    }
    printf("fpclassify: %d %d %d %d\n", fpclassify(0.0) == FP_ZERO, fpclassify(1.0) == FP_NORMAL,
           fpclassify(inf) == FP_INFINITE, fpclassify(4.9e-324) == FP_SUBNORMAL);
    return 0;
}
