/* Exercises setjmp/longjmp: non-local exits from nested calls, return values, volatile locals; exits with jump count - 1 (3). */
#include <stdio.h>
#include <setjmp.h>

static jmp_buf env;
static int depth_log[8];

static void deep(int level, int fail_at)
{
    depth_log[level] = level * 10;
    if (level == fail_at) longjmp(env, level + 100);
    if (level < 7) deep(level + 1, fail_at);
}

static int safe_div(int a, int b, jmp_buf *err)
{
    if (b == 0) longjmp(*err, 1);
    return a / b;
}

int main(void)
{
    volatile int jumps = 0;
    volatile int attempt = 0;
    jmp_buf err;

    switch (setjmp(env)) {
    case 0:
        printf("first pass\n");
        deep(0, 3);
        printf("not reached\n");
        break;
    case 103:
        jumps++;
        printf("longjmp returned 103 (attempt %d)\n", attempt);
        attempt++;
        deep(0, 5);
        break;
    case 105:
        jumps++;
        printf("longjmp returned 105 (attempt %d)\n", attempt);
        break;
    default:
        printf("unexpected\n");
        return 99;
    }
    printf("depth_log: %d %d %d\n", depth_log[3], depth_log[5], depth_log[6]);

    {
        int nums[] = { 10, 20, 30 }, dens[] = { 2, 0, 5 };
        volatile int i;
        volatile int total = 0;
        for (i = 0; i < 3; i++) {
            if (setjmp(err) == 0) {
                total += safe_div(nums[i], dens[i], &err);
                printf("div %d ok total=%d\n", i, total);
            } else {
                jumps++;
                printf("div %d by zero caught\n", i);
            }
        }
        printf("total=%d jumps=%d\n", total, jumps);
    }
    {
        /* longjmp with value 0 must make setjmp return 1 */
        jmp_buf z;
        volatile int seen = 0;
        if (setjmp(z) == 1) {
            printf("setjmp after longjmp(0) returned 1\n");
            jumps++;
        } else if (!seen) {
            seen = 1;
            longjmp(z, 0);
        }
    }
    printf("jumps=%d\n", jumps);
    return jumps - 1;
}
