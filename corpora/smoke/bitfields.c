/* Exercises explicitly signed/unsigned bit-fields: assignment truncation, arithmetic, packing values. */
#include <stdio.h>

struct Flags {
    unsigned int a : 3;
    unsigned int b : 5;
    signed int s : 6;
    unsigned int wide : 20;
    unsigned int one : 1;
};

struct Date {
    unsigned int day : 5;
    unsigned int month : 4;
    unsigned int year : 12;
};

int main(void)
{
    struct Flags f = { 0, 0, 0, 0, 0 };
    struct Date d;
    unsigned int check = 0;
    int i;

    f.a = 7; f.b = 31; f.s = -32; f.wide = 1000000; f.one = 1;
    printf("a=%u b=%u s=%d wide=%u one=%u\n", f.a, f.b, f.s, f.wide, f.one);
    f.a = f.a + 1;             /* wraps modulo 8 (unsigned) */
    f.b += 3;                  /* 34 mod 32 = 2 */
    f.s = f.s + 63;            /* 31, in range */
    f.wide = check + 0xFFFFFu + 2u;   /* check is 0 here; truncated modulo 2^20 */
    printf("a=%u b=%u s=%d wide=%u\n", f.a, f.b, f.s, f.wide);

    for (i = 0; i < 40; i++) {
        f.a = (unsigned)i;
        f.b = (unsigned)(i * 3);
        f.s = i - 20;
        check = check * 7u + f.a + f.b * 10u + (unsigned)(f.s + 32) * 100u;
    }
    printf("check=%u\n", check);

    d.day = 29; d.month = 2; d.year = 2024;
    printf("date=%04u-%02u-%02u\n", d.year, d.month, d.day);
    d.day++;
    d.month += 13;
    printf("after: day=%u month=%u\n", d.day, d.month);
    /* bitfield in expression promotes to int */
    printf("neg expr=%d\n", -f.a - 1);
    return 0;
}
