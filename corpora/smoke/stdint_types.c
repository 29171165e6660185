/* Exercises <stdint.h>/<inttypes.h>: exact-width types, limits macros, PRI/SCN-free printing, least/fast types. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

int main(void)
{
    int8_t a = INT8_MIN;
    int16_t b = INT16_MAX;
    int32_t c = INT32_MIN;
    int64_t d = INT64_MAX;
    uint8_t e = UINT8_MAX;
    uint16_t f = UINT16_MAX;
    uint32_t g = UINT32_MAX;
    uint64_t h = UINT64_MAX;
    int_least16_t il = -300;
    uint_fast8_t uf = 250;
    intmax_t im = INTMAX_MIN;
    uintmax_t um = UINTMAX_MAX;
    uint64_t acc = 0;
    int i;

    printf("%" PRId8 " %" PRId16 " %" PRId32 " %" PRId64 "\n", a, b, c, d);
    printf("%" PRIu8 " %" PRIu16 " %" PRIu32 " %" PRIu64 "\n", e, f, g, h);
    printf("%" PRIx8 " %" PRIX16 " %" PRIx32 " %" PRIX64 "\n", e, f, g, h);
    printf("least=%" PRIdLEAST16 " fast=%u max=%" PRIdMAX " umax=%" PRIuMAX "\n", il, (unsigned)uf, im, um);
    printf("INT64_C=%" PRId64 " UINT64_C=%" PRIu64 "\n", INT64_C(-1000000000000), UINT64_C(1) << 63);
    printf("SIZE_MAX==UINT64_MAX: %d\n", SIZE_MAX == UINT64_MAX);
    e++; f++; g++; h++;
    printf("wrap: %u %u %" PRIu32 " %" PRIu64 "\n", e, f, g, h);
    for (i = 0; i < 64; i++) {
        uint64_t bit = UINT64_C(1) << i;
        acc += (bit >> (i / 2)) ^ (uint64_t)(uint32_t)(i * 2654435761u);
    }
    printf("acc=%016" PRIx64 "\n", acc);
    {
        int32_t x = -123456;
        uint32_t ux = (uint32_t)x;
        int64_t wide = x;
        printf("ux=%" PRIu32 " wide=%" PRId64 " neg=%" PRIu32 "\n", ux, wide, (uint32_t)(0u - ux));
    }
    {
        uintptr_t up = (uintptr_t)(void *)&acc;
        printf("uintptr roundtrip ok=%d\n", (uint64_t *)(void *)up == &acc);
    }
    return 0;
}
