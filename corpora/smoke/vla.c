/* Exercises C99 variable-length arrays: local 1D/2D VLAs, sizeof on VLAs, and VLA-typed parameters. */
#include <stdio.h>

static long trace(int n, int m[n][n])
{
    long t = 0;
    int i;
    for (i = 0; i < n; i++) t += m[i][i];
    return t;
}

static void fill(int rows, int cols, int m[rows][cols])
{
    int i, j;
    for (i = 0; i < rows; i++)
        for (j = 0; j < cols; j++) m[i][j] = (i + 1) * (j + 2) - i * j;
}

static int sum_1d(int n)
{
    int v[n], i, s = 0;
    for (i = 0; i < n; i++) v[i] = i * 3 - 7;
    for (i = 0; i < n; i++) s += v[i];
    return s + (int)(sizeof v / sizeof v[0]);
}

int main(void)
{
    int n;
    for (n = 1; n <= 6; n++) {
        int m[n][n];
        fill(n, n, m);
        printf("n=%d trace=%ld sizeof=%u row=%u sum_1d=%d\n", n, trace(n, m), (unsigned)sizeof m,
               (unsigned)sizeof m[0], sum_1d(n * 5));
    }
    {
        int r = 3, c = 7, i, j;
        double g[r][c];
        double tot = 0;
        for (i = 0; i < r; i++)
            for (j = 0; j < c; j++) g[i][j] = i * 0.5 + j * 0.25;
        for (i = 0; i < r; i++)
            for (j = 0; j < c; j++) tot += g[i][j];
        printf("grid total=%.3f\n", tot);
    }
    return 0;
}
