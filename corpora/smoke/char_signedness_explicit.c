/* Exercises explicitly signed char and unsigned char arithmetic, conversions from in-range values, and byte buffers. */
#include <stdio.h>

int main(void)
{
    signed char sc[6] = { -128, -1, 0, 1, 100, 127 };
    unsigned char uc[6] = { 0, 1, 127, 128, 200, 255 };
    unsigned char buf[32];
    int i, ssum = 0, usum = 0;
    unsigned hash = 0;

    for (i = 0; i < 6; i++) {
        ssum += sc[i];
        usum += uc[i];
        printf("sc=%d uc=%u sc*2=%d uc>>1=%d (unsigned char)sc=%u\n",
               sc[i], uc[i], sc[i] * 2, uc[i] >> 1, (unsigned)(unsigned char)sc[i]);
    }
    printf("ssum=%d usum=%d\n", ssum, usum);
    /* unsigned char wraps */
    {
        unsigned char u = 250;
        int k;
        for (k = 0; k < 10; k++) u++;
        printf("u wrapped=%u\n", u);
    }
    /* signed char stays in range */
    {
        signed char s = -100;
        s = (signed char)(s + 50);
        s = (signed char)(s * 2);
        printf("s=%d\n", s);
    }
    for (i = 0; i < 32; i++) buf[i] = (unsigned char)(i * 37 + 11);
    for (i = 0; i < 32; i++) hash = hash * 131u + buf[i];
    printf("hash=%u\n", hash);
    /* comparisons between signed/unsigned char after promotion */
    printf("cmp: %d %d\n", sc[1] < uc[0], (unsigned char)sc[1] > uc[2]);
    /* string literal bytes read as unsigned char */
    {
        const char *str = "A\xe9z";
        const unsigned char *p = (const unsigned char *)str;
        printf("bytes: %u %u %u\n", p[0], p[1], p[2]);
    }
    return 0;
}
