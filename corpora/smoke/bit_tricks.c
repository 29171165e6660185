/* Exercises bit manipulation idioms: popcount, lowest set bit, power-of-two tests, bit reversal, gray code, parity. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

static int popcount32(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (int)((x * 0x01010101u) >> 24);
}
static int popcount_slow(uint64_t x) { int c = 0; while (x) { x &= x - 1; c++; } return c; }
static uint32_t reverse_bits(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}
static int clz32(uint32_t x) { int n = 0; if (!x) return 32; while (!(x & 0x80000000u)) { x <<= 1; n++; } return n; }
static uint32_t next_pow2(uint32_t x)
{
    x--; x |= x >> 1; x |= x >> 2; x |= x >> 4; x |= x >> 8; x |= x >> 16; return x + 1;
}

int main(void)
{
    uint32_t vals[] = { 0, 1, 2, 3, 0x80000000u, 0xFFFFFFFFu, 0xDEADBEEFu, 12345678u, 1024u, 1000u };
    int i;
    uint32_t gsum = 0;
    for (i = 0; i < 10; i++) {
        uint32_t v = vals[i];
        printf("%08" PRIx32 ": pop=%d/%d low=%08" PRIx32 " pow2=%d rev=%08" PRIx32 " clz=%d np2=%" PRIu32 "\n", v,
               popcount32(v), popcount_slow(v), v & (0u - v), v && !(v & (v - 1)), reverse_bits(v), clz32(v),
               next_pow2(v));
    }
    for (i = 0; i < 32; i++) {
        uint32_t g = (uint32_t)i ^ ((uint32_t)i >> 1);
        gsum = gsum * 3u + g;
    }
    printf("gray sum=%" PRIu32 "\n", gsum);
    {
        uint64_t x = 0x0123456789ABCDEFull;
        uint64_t p = x;
        p ^= p >> 32; p ^= p >> 16; p ^= p >> 8; p ^= p >> 4; p ^= p >> 2; p ^= p >> 1;
        printf("parity=%d pop64=%d\n", (int)(p & 1), popcount_slow(x));
        printf("swap nibbles=%016" PRIx64 "\n",
               (uint64_t)(((x & 0x0F0F0F0F0F0F0F0Full) << 4) | ((x >> 4) & 0x0F0F0F0F0F0F0F0Full)));
    }
    {
        int a = 13, b = -29;
        a ^= b; b ^= a; a ^= b;
        printf("xor swap a=%d b=%d\n", a, b);
        printf("abs via mask-free: %d min=%d max=%d\n", b < 0 ? -b : b, a < b ? a : b, a > b ? a : b);
    }
    return 0;
}
