/* Exercises well-defined narrowing casts: to unsigned types (modulo), in-range signed, and float->int truncation. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

int main(void)
{
    long long vals[] = { 0, 1, -1, 255, 256, 65535, 65536, -32768, 4294967295LL, 4294967296LL, -4294967297LL, 123456789012LL };
    double dv[] = { 0.0, 0.999, -0.999, 1.5, -1.5, 127.9, -128.9, 2147483647.0, 65535.99, -1e9 };
    int i;
    uint32_t h = 0;
    for (i = 0; i < (int)(sizeof vals / sizeof vals[0]); i++) {
        long long v = vals[i];
        uint8_t a = (uint8_t)v;
        uint16_t b = (uint16_t)v;
        uint32_t c = (uint32_t)v;
        unsigned char d = (unsigned char)v;
        printf("%lld -> u8=%u u16=%u u32=%" PRIu32 " uc=%u\n", v, a, b, c, d);
        h = h * 17u + a + b + c;
    }
    printf("h=%" PRIu32 "\n", h);
    for (i = 0; i < (int)(sizeof dv / sizeof dv[0]); i++) {
        double x = dv[i];
        int n = (int)x;
        long long ll = (long long)(x * 3.0);
        printf("%.3f -> int=%d ll=%lld\n", x, n, ll);
    }
    /* in-range signed narrowing */
    {
        int x = 100;
        signed char s = (signed char)x;
        short sh = (short)(x * -300);
        int8_t i8 = (int8_t)(-x);
        printf("s=%d sh=%d i8=%d\n", s, sh, i8);
    }
    /* double->float rounding, float->unsigned */
    {
        double d = 16777217.0;
        float f = (float)d;
        unsigned u = (unsigned)3999999999.7;
        printf("f=%.1f u=%u\n", (double)f, u);
    }
    return 0;
}
