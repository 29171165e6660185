/* Exercises integer promotions and usual arithmetic conversions (char/short -> int, mixed signed/unsigned). */
#include <stdio.h>

int main(void)
{
    unsigned char uc = 200;
    signed char sc = -100;
    unsigned short us = 65000;
    short ss = -30000;
    int r1, r2, r3;
    long long r4;
    unsigned int u;

    r1 = uc + uc;               /* promoted to int: 400, no wrap */
    r2 = sc * 3;                /* -300 */
    r3 = us + 1000;             /* 66000 as int */
    r4 = (long long)ss * us;    /* -1950000000 */
    printf("r1=%d r2=%d r3=%d r4=%lld\n", r1, r2, r3, r4);

    /* unsigned char compared after promotion */
    printf("uc>sc: %d\n", uc > sc);
    /* int vs unsigned int: -1 converts to UINT_MAX */
    u = 1u;
    printf("-1 < 1u: %d\n", -1 < (int)u);
    printf("(unsigned)-1 > 1u: %d\n", (unsigned)-1 > u);
    /* ~ on promoted unsigned char */
    printf("~uc = %d\n", ~uc);
    printf("(unsigned char)~uc = %u\n", (unsigned)(unsigned char)~uc);
    /* short arithmetic */
    {
        unsigned short a = 0xFFFF, b = 0xFFFF;
        unsigned int prod = (unsigned int)a * b;
        printf("prod=%u\n", prod);
        printf("sum promoted=%d\n", a + b);
    }
    /* sizeof of promoted expressions */
    printf("sizeof(uc+uc)=%u sizeof(ss)=%u\n", (unsigned)sizeof(uc + uc), (unsigned)sizeof(ss));
    /* unary minus on unsigned */
    {
        unsigned int x = 5u;
        unsigned int y = -x;
        printf("-5u = %u\n", y);
    }
    /* checksum */
    {
        unsigned int sum = 0;
        int i;
        for (i = 0; i < 256; i++) {
            unsigned char c = (unsigned char)i;
            signed char s = (signed char)(i - 128);
            sum = sum * 31u + (unsigned)(c * 2 + s);
        }
        printf("checksum=%u\n", sum);
    }
    return 0;
}
