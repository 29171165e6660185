/* Exercises array-heavy loops via the sieve of Eratosthenes; exits with (prime count below 1000) % 13 == 12. */
#include <stdio.h>
#include <string.h>

#define LIMIT 20000

static unsigned char composite[LIMIT + 1];

int main(void)
{
    int i, j, count = 0, count1000 = 0, twin = 0, last = 0, maxgap = 0, prev = 2;
    unsigned long long sum = 0;
    memset(composite, 0, sizeof composite);
    composite[0] = composite[1] = 1;
    for (i = 2; (long)i * i <= LIMIT; i++)
        if (!composite[i])
            for (j = i * i; j <= LIMIT; j += i) composite[j] = 1;
    for (i = 2; i <= LIMIT; i++) {
        if (composite[i]) continue;
        count++;
        if (i < 1000) count1000++;
        sum += (unsigned long long)i;
        if (i - prev > maxgap) maxgap = i - prev;
        if (i - prev == 2) twin++;
        prev = i;
        last = i;
    }
    printf("primes<=%d: %d sum=%llu last=%d\n", LIMIT, count, sum, last);
    printf("primes<1000: %d, up to %d: twin pairs=%d maxgap=%d\n", count1000, LIMIT, twin, maxgap);
    printf("first 20:");
    for (i = 2, j = 0; j < 20; i++)
        if (!composite[i]) { printf(" %d", i); j++; }
    printf("\n");
    return count1000 % 13;
}
