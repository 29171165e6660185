/* Exercises recursion: fibonacci, ackermann, mutual recursion, hanoi and permutation generation. */
#include <stdio.h>

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int ack(int m, int n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}
static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static long moves;
static void hanoi(int n, int from, int to, int via)
{
    if (n == 0) return;
    hanoi(n - 1, from, via, to);
    moves++;
    hanoi(n - 1, via, to, from);
}

static int perm_count;
static unsigned perm_hash;
static void permute(int *a, int k, int n)
{
    int i, t;
    if (k == n) {
        perm_count++;
        for (i = 0; i < n; i++) perm_hash = perm_hash * 5u + (unsigned)a[i];
        return;
    }
    for (i = k; i < n; i++) {
        t = a[k]; a[k] = a[i]; a[i] = t;
        permute(a, k + 1, n);
        t = a[k]; a[k] = a[i]; a[i] = t;
    }
}

static long gcd(long a, long b) { return b == 0 ? a : gcd(b, a % b); }

int main(void)
{
    int a[6] = { 1, 2, 3, 4, 5, 6 };
    printf("fib(24)=%d\n", fib(24));
    printf("ack(2,3)=%d ack(3,3)=%d\n", ack(2, 3), ack(3, 3));
    printf("even(100)=%d odd(77)=%d\n", is_even(100), is_odd(77));
    hanoi(12, 1, 3, 2);
    printf("hanoi moves=%ld\n", moves);
    permute(a, 0, 6);
    printf("perms=%d hash=%u\n", perm_count, perm_hash);
    printf("gcd=%ld\n", gcd(1071L * 97, 462L * 97));
    return 0;
}
