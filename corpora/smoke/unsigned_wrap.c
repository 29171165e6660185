/* Exercises well-defined unsigned wrap-around for all unsigned widths. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

int main(void)
{
    unsigned int ui = 0xFFFFFFFFu;
    unsigned long long ull = 0xFFFFFFFFFFFFFFFFull;
    uint8_t u8 = 250;
    uint16_t u16 = 65530;
    uint32_t h = 2166136261u;
    uint64_t h64 = 14695981039346656037ull;
    int i;

    ui += 2;
    ull += 3;
    u8 = (uint8_t)(u8 + 10);
    u16 = (uint16_t)(u16 + 10);
    printf("ui=%u ull=%llu u8=%u u16=%u\n", ui, ull, (unsigned)u8, (unsigned)u16);

    ui = 0;
    ui--;
    printf("0-1=%u\n", ui);
    printf("mul wrap=%u\n", 4000000000u * 3u);
    printf("ull mul wrap=%llu\n", 0x123456789ABCDEFull * 0xFEDCBA987654321ull);

    /* FNV-1a 32 and 64 */
    for (i = 0; i < 100; i++) {
        h ^= (uint32_t)i;
        h *= 16777619u;
        h64 ^= (uint64_t)i;
        h64 *= 1099511628211ull;
    }
    printf("fnv32=%08" PRIx32 " fnv64=%016" PRIx64 "\n", h, h64);

    /* countdown loop over unsigned with wrap termination */
    {
        unsigned n = 0, k;
        for (k = 10; k < 100; k--) n += k;
        printf("countdown sum=%u\n", n);
    }
    /* subtraction wrap used for distance */
    {
        uint32_t a = 5, b = 0xFFFFFFF0u;
        printf("dist=%" PRIu32 "\n", (uint32_t)(a - b));
    }
    return 0;
}
