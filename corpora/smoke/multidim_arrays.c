/* Exercises multidimensional arrays: matrix multiply, passing as pointer-to-array, 3D indexing, pointer-to-row parameters. */
#include <stdio.h>

#define N 6

static void matmul(int a[N][N], int b[N][N], int c[N][N])
{
    int i, j, k;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            c[i][j] = 0;
            for (k = 0; k < N; k++) c[i][j] += a[i][k] * b[k][j];
        }
}

static long trace_ptr(int (*m)[N], int n)
{
    long t = 0;
    int i;
    for (i = 0; i < n; i++) t += m[i][i];
    return t;
}

int main(void)
{
    int a[N][N], b[N][N], c[N][N];
    int cube[3][4][5];
    int i, j, k;
    long s = 0;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) { a[i][j] = i + j; b[i][j] = i - 2 * j; }
    matmul(a, b, c);
    for (i = 0; i < N; i++) {
        for (j = 0; j < N; j++) printf("%5d", c[i][j]);
        printf("\n");
    }
    printf("trace=%ld\n", trace_ptr(c, N));
    for (i = 0; i < 3; i++)
        for (j = 0; j < 4; j++)
            for (k = 0; k < 5; k++) cube[i][j][k] = i * 100 + j * 10 + k;
    for (i = 0; i < 3; i++)
        for (j = 0; j < 4; j++)
            for (k = 0; k < 5; k++) s = s * 3 % 1000003 + cube[i][j][k];
    printf("cube s=%ld sizeof cube[1]=%u row=%u\n", s, (unsigned)sizeof cube[1], (unsigned)sizeof cube[1][2]);
    {
        int (*row)[5] = cube[2];
        printf("row[3][4]=%d\n", row[3][4]);
    }
    {
        int n = 4, v[N][N];
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++) v[i][j] = (i + 1) * (j + 2);
        printf("trace4=%ld\n", trace_ptr(v, n));
    }
    return 0;
}
