/* Exercises multi-precision arithmetic on uint32 limbs: 100! and 2^200 via carry propagation in uint64. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define LIMBS 40

typedef struct { uint32_t d[LIMBS]; } big;   /* little-endian base 2^32 */

static void big_set(big *a, uint32_t v) { memset(a, 0, sizeof *a); a->d[0] = v; }
static void big_mul_small(big *a, uint32_t m)
{
    uint64_t carry = 0;
    int i;
    for (i = 0; i < LIMBS; i++) {
        uint64_t t = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
}
static uint32_t big_divmod_small(big *a, uint32_t m)
{
    uint64_t rem = 0;
    int i;
    for (i = LIMBS - 1; i >= 0; i--) {
        uint64_t cur = (rem << 32) | a->d[i];
        a->d[i] = (uint32_t)(cur / m);
        rem = cur % m;
    }
    return (uint32_t)rem;
}
static int big_is_zero(const big *a)
{
    int i;
    for (i = 0; i < LIMBS; i++) if (a->d[i]) return 0;
    return 1;
}
static void big_print(const char *label, big a)
{
    char digits[400];
    int n = 0, sum = 0;
    if (big_is_zero(&a)) digits[n++] = '0';
    while (!big_is_zero(&a)) digits[n++] = (char)('0' + big_divmod_small(&a, 10));
    printf("%s=", label);
    while (n > 0) { sum += digits[n - 1] - '0'; putchar(digits[--n]); }
    printf(" (digit sum %d)\n", sum);
}

int main(void)
{
    big f, p;
    uint32_t i;
    big_set(&f, 1);
    for (i = 2; i <= 100; i++) big_mul_small(&f, i);
    big_print("100!", f);
    big_set(&p, 1);
    for (i = 0; i < 200; i++) big_mul_small(&p, 2);
    big_print("2^200", p);
    big_set(&p, 0);
    big_print("zero", p);
    return 0;
}
