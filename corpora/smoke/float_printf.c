/* Exercises printf of float/double with %f, %e, %g, %a-free formats, widths and precisions. */
#include <stdio.h>

int main(void)
{
    double vals[] = { 0.0, -0.0, 1.0, -1.5, 0.1, 123456.789, 1e-10, 6.02214076e23, 0.5, 2.5, 1.0/3.0, 255.0/256.0 };
    float f = 3.14159274f;
    int i;
    for (i = 0; i < (int)(sizeof vals / sizeof vals[0]); i++) {
        double v = vals[i];
        printf("[%d] %f | %.3f | %10.2f | %-10.1f| %e | %.2E | %g | %G | %.12g\n",
               i, v, v, v, v, v, v, v, v, v);
    }
    printf("float: %f %.9g %e\n", f, f, f);
    printf("rounding: %.0f %.0f %.0f %.0f %.1f %.1f\n", 0.5, 1.5, 2.5, -0.5, 0.25, 0.35);
    printf("plus/space: %+f % f %+.2e\n", 1.25, 1.25, -1.25);
    printf("zero pad: %08.3f %+08.2f\n", 3.14159, -2.5);
    printf("alt: %#.0f %#g\n", 3.0, 2.0);
    printf("star: %*.*f\n", 12, 4, 2.718281828459045);
    return 0;
}
