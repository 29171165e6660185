/* Exercises goto: backward loops, forward error exits, breaking out of nested loops. */
#include <stdio.h>

static int find_pair(int target, int *oi, int *oj)
{
    int i, j;
    for (i = 1; i < 50; i++)
        for (j = i; j < 50; j++)
            if (i * j == target && i + j == 26) goto found;
    return 0;
found:
    *oi = i; *oj = j;
    return 1;
}

static int process(int n)
{
    int stage = 0;
    if (n < 0) goto fail_neg;
    stage = 1;
    if (n > 100) goto fail_big;
    stage = 2;
    return n * 2;
fail_big:
    printf("  too big at stage %d\n", stage);
    return -2;
fail_neg:
    printf("  negative at stage %d\n", stage);
    return -1;
}

int main(void)
{
    int i = 0, sum = 0, a = 0, b = 0;
loop:
    sum += i * i;
    i++;
    if (i < 20) goto loop;
    printf("sum squares=%d\n", sum);

    if (find_pair(165, &a, &b)) printf("pair=%d,%d\n", a, b);
    else printf("no pair\n");
    if (find_pair(7, &a, &b)) printf("pair=%d,%d\n", a, b);
    else printf("no pair for 7\n");

    printf("process: %d\n", process(10));
    printf("process: %d\n", process(-5));
    printf("process: %d\n", process(500));

    /* collatz with goto */
    {
        unsigned long n = 27, steps = 0, peak = 0;
    again:
        if (n > peak) peak = n;
        if (n == 1) goto done;
        n = (n & 1) ? 3 * n + 1 : n / 2;
        steps++;
        goto again;
    done:
        printf("collatz 27 steps=%lu peak=%lu\n", steps, peak);
    }
    return 0;
}
