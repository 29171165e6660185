/* Exercises do-while loops: executes at least once, continue/break behaviour, digit processing. */
#include <stdio.h>

static int digit_sum(unsigned long n)
{
    int s = 0;
    do { s += (int)(n % 10); n /= 10; } while (n);
    return s;
}

static int reverse_digits(int n)
{
    int r = 0;
    do { r = r * 10 + n % 10; n /= 10; } while (n > 0);
    return r;
}

int main(void)
{
    int i = 100, count = 0, evens = 0;
    unsigned long vals[] = { 0, 7, 99, 123456789, 4294967295UL };
    do { count++; } while (i < 10);
    printf("ran once: count=%d\n", count);
    for (i = 0; i < 5; i++) printf("digit_sum(%lu)=%d\n", vals[i], digit_sum(vals[i]));
    printf("reverse=%d %d %d\n", reverse_digits(12345), reverse_digits(0), reverse_digits(1200));
    i = 0;
    do {
        i++;
        if (i % 2) continue;     /* jumps to the condition */
        evens += i;
        if (i >= 30) break;
    } while (i < 50);
    printf("i=%d evens=%d\n", i, evens);
    {
        /* integer sqrt via Newton in do-while */
        unsigned long n = 1000000007UL, x = n, y;
        do { y = x; x = (x + n / x) / 2; } while (x < y);
        printf("isqrt=%lu\n", y);
    }
    {
        int a = 1071, b = 462, t;
        do { t = a % b; a = b; b = t; } while (b != 0);
        printf("gcd=%d\n", a);
    }
    return 0;
}
