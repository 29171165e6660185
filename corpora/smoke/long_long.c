/* Exercises 64-bit long long arithmetic: mul, div, mod, comparisons and printing. */
#include <stdio.h>

static long long fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }

int main(void)
{
    long long a = 9000000000000000000LL;
    long long b = -1234567890123LL;
    unsigned long long ua = 18000000000000000000ULL;
    long long f20 = fact(20);
    long long s = 0;
    int i;

    printf("a=%lld b=%lld\n", a, b);
    printf("a/b=%lld a%%b=%lld\n", a / b, a % b);
    printf("b*1000=%lld\n", b * 1000);
    printf("ua=%llu ua/7=%llu ua%%7=%llu\n", ua, ua / 7, ua % 7);
    printf("20!=%lld\n", f20);
    printf("20!/19!=%lld\n", f20 / fact(19));
    for (i = 0; i < 50; i++)
        s += (long long)i * i * i * 1000003LL - 17;
    printf("sum=%lld\n", s);
    printf("cmp: %d %d %d\n", a > b, b < 0, (unsigned long long)b > ua);
    printf("hex=%llx HEX=%llX oct=%llo\n", (unsigned long long)a, ua, 0777777777777ULL);
    {
        long long m = -9223372036854775807LL - 1;
        printf("min=%lld min/2=%lld min%%3=%lld\n", m, m / 2, m % 3);
    }
    return 0;
}
