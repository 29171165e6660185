/* Exercises static-storage initialisation: zero-init, constant expressions, address constants, partial arrays. */
#include <stdio.h>

static int zeros[10];
static double dz;
static int partial[8] = { 1, 2, 3 };
static const char *names[] = { "zero", "one", "two", "three" };
static int table[4][3] = { { 1 }, { 2, 3 }, { 4, 5, 6 } };
static char str[10] = "abc";
static int *ptr_to_partial = &partial[2];
static const int ce = (3 * 4 + 7) << 2;
static unsigned long long big = 0xFFFFFFFFULL * 3;
static double dv = 1.0 / 8.0 + 3.0;
static struct { int a; char b[4]; double c; } st = { 7, "xy", -1.25 };
static int (*fp)(const char *, ...) = printf;
static const int sizes[] = { sizeof(char), sizeof(short), sizeof(int), sizeof(long long) };

int main(void)
{
    int i, j, sum = 0;
    for (i = 0; i < 10; i++) sum += zeros[i];
    printf("zeros sum=%d dz=%.1f\n", sum, dz);
    for (i = 0; i < 8; i++) printf("%d ", partial[i]);
    printf("\n");
    for (i = 0; i < 4; i++) printf("%s ", names[i]);
    printf("\n");
    for (i = 0; i < 4; i++) {
        for (j = 0; j < 3; j++) printf("%d ", table[i][j]);
        printf("| ");
    }
    printf("\n");
    printf("str=%s tail=%d %d\n", str, str[3], str[9]);
    printf("*ptr=%d ptr[1]=%d\n", *ptr_to_partial, ptr_to_partial[1]);
    printf("ce=%d big=%llu dv=%.4f\n", ce, big, dv);
    printf("st=%d %s %.2f\n", st.a, st.b, st.c);
    fp("via fp: %d\n", 99);
    printf("sizes=%d %d %d %d\n", sizes[0], sizes[1], sizes[2], sizes[3]);
    return 0;
}
