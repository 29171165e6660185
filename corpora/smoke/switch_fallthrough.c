/* Exercises switch statements: fallthrough, default in the middle, dense/sparse cases, nested switch. */
#include <stdio.h>

static int classify(int x)
{
    int r = 0;
    switch (x) {
    case 0: r += 1;          /* fallthrough */
    case 1: r += 10;         /* fallthrough */
    case 2: r += 100; break;
    default: r = -1;         /* fallthrough */
    case 5: r += 1000; break;
    case 7: case 8: case 9: r = 7; break;
    }
    return r;
}

static int sparse(long v)
{
    switch (v) {
    case -1000000: return 1;
    case 3: return 2;
    case 100: return 3;
    case 65536: return 4;
    case 2147483647L: return 5;
    }
    return 0;
}

static const char *nested(int a, int b)
{
    switch (a) {
    case 1:
        switch (b) {
        case 1: return "1/1";
        case 2: return "1/2";
        }
        return "1/?";
    case 2:
        return b ? "2/nz" : "2/z";
    }
    return "?";
}

/* Duff's device */
static void duff_copy(int *to, const int *from, int count)
{
    int n = (count + 7) / 8;
    switch (count % 8) {
    case 0: do { *to++ = *from++;
    case 7:      *to++ = *from++;
    case 6:      *to++ = *from++;
    case 5:      *to++ = *from++;
    case 4:      *to++ = *from++;
    case 3:      *to++ = *from++;
    case 2:      *to++ = *from++;
    case 1:      *to++ = *from++;
            } while (--n > 0);
    }
}

int main(void)
{
    int i, src[29], dst[29], sum = 0;
    for (i = -2; i < 11; i++) printf("classify(%d)=%d\n", i, classify(i));
    printf("sparse: %d %d %d %d %d %d\n", sparse(-1000000), sparse(3), sparse(100),
           sparse(65536), sparse(2147483647L), sparse(4));
    printf("nested: %s %s %s %s %s %s\n", nested(1, 1), nested(1, 2), nested(1, 3),
           nested(2, 0), nested(2, 5), nested(3, 0));
    for (i = 0; i < 29; i++) { src[i] = i * 3 + 1; dst[i] = 0; }
    duff_copy(dst, src, 29);
    for (i = 0; i < 29; i++) sum += dst[i] * (i + 1);
    printf("duff sum=%d\n", sum);
    return 0;
}
