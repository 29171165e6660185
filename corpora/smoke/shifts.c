/* Exercises in-range left/right shifts on signed (non-negative) and unsigned types of various widths. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

int main(void)
{
    unsigned int u = 0x80000001u;
    uint64_t v = 0x8000000000000001ull;
    int i;
    uint32_t acc = 0;

    for (i = 0; i < 32; i++) {
        acc ^= (u >> i) ^ (u << i);
        acc = (acc << 1) | (acc >> 31);
    }
    printf("acc=%08" PRIx32 "\n", acc);

    for (i = 0; i < 64; i += 7)
        printf("v>>%d=%016" PRIx64 " v<<%d=%016" PRIx64 "\n", i, v >> i, i, v << i);

    /* non-negative signed shifts */
    {
        int x = 12345;
        long long y = 1;
        printf("x<<3=%d x>>3=%d\n", x << 3, x >> 3);
        printf("1LL<<62=%lld\n", y << 62);
    }
    /* shift count in variable, from char types */
    {
        unsigned char c = 0x81;
        unsigned short s = 0x8001;
        int n = 4;
        printf("c<<n=%d s<<n=%d c>>1=%d\n", c << n, s << n, c >> 1);
    }
    /* rotates */
    {
        uint32_t r = 0xDEADBEEFu;
        for (i = 1; i < 32; i += 5) {
            uint32_t rl = (r << i) | (r >> (32 - i));
            uint32_t rr = (r >> i) | (r << (32 - i));
            printf("rot %2d: %08" PRIx32 " %08" PRIx32 "\n", i, rl, rr);
        }
    }
    return 0;
}
