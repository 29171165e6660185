/* Exercises static local variables: persistence across calls, per-function independence, static arrays and pointers. */
#include <stdio.h>

static int counter(void) { static int n; return ++n; }
static int counter2(void) { static int n = 100; n += 10; return n; }

static const char *next_name(void)
{
    static const char *names[] = { "one", "two", "three" };
    static int idx;
    const char *r = names[idx];
    idx = (idx + 1) % 3;
    return r;
}

static long fib_memo(int n)
{
    static long memo[64];
    static int calls;
    calls++;
    if (n < 2) return n;
    if (memo[n]) return memo[n];
    memo[n] = fib_memo(n - 1) + fib_memo(n - 2);
    if (n == 60) printf("fib_memo calls so far=%d\n", calls);
    return memo[n];
}

static int *accumulator(int add)
{
    static int total;
    total += add;
    return &total;
}

int main(void)
{
    int i, sum = 0;
    int *tp;
    for (i = 0; i < 5; i++) sum += counter();
    printf("counter sum=%d next=%d\n", sum, counter());
    printf("counter2: %d", counter2());
    printf(" %d\n", counter2());
    for (i = 0; i < 7; i++) printf("%s ", next_name());
    printf("\n");
    printf("fib(60)=%ld\n", fib_memo(60));
    printf("fib(40)=%ld\n", fib_memo(40));
    accumulator(5);
    accumulator(7);
    tp = accumulator(0);
    *tp += 100;
    printf("total=%d\n", *accumulator(1));
    return 0;
}
