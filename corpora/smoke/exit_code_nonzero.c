/* Exercises returning a deliberate non-zero exit status (42) from main, computed from program results. */
#include <stdio.h>

static int triangle(int n) { return n * (n + 1) / 2; }

int main(void)
{
    int i, acc = 0;
    for (i = 1; i <= 10; i++) acc += triangle(i);
    printf("sum of triangles 1..10=%d\n", acc);
    /* acc == 220; 220 % 178 == 42 */
    printf("returning %d\n", acc % 178);
    fflush(stdout);
    return acc % 178;
}
