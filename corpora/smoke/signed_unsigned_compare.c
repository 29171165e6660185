/* Exercises comparisons mixing signed and unsigned operands of different ranks (usual arithmetic conversions). */
#include <stdio.h>

int main(void)
{
    int si = -1;
    unsigned int ui = 1;
    long long sll = -1;
    unsigned long long ull = 1;
    short ss = -1;
    unsigned short us = 1;
    unsigned char uc = 255;
    long sl = -1;
    int count = 0;
    printf("int -1 < unsigned 1: %d\n", si < ui);
    printf("ll -1 < unsigned 1: %d\n", sll < ui);
    printf("int -1 < ull 1: %d\n", si < ull);
    printf("short -1 < ushort 1: %d\n", ss < us);
    printf("long -1 < unsigned 1: %d\n", sl < ui);
    printf("-1 == UINT_MAX: %d\n", si == 0xFFFFFFFFu);
    printf("-1LL == 0xFFFFFFFF: %d\n", sll == 0xFFFFFFFFu);
    printf("uc > -1: %d\n", uc > si);
    printf("sizeof tests: %u %u\n", (unsigned)sizeof(si + ui), (unsigned)sizeof(sll + ui));
    {
        unsigned int len = 3;
        int i;
        for (i = -2; i < (int)len; i++)
            if ((unsigned)i < len) count++;
        printf("in-range count=%d\n", count);
    }
    {
        unsigned a = 3, b = 5;
        long long diff = (long long)a - b;
        printf("a-b unsigned=%u signed ll=%lld (a-b)>0=%d\n", a - b, diff, a - b > 0);
    }
    {
        int vals[] = { -5, -1, 0, 1, 5 };
        unsigned uvals[] = { 0u, 1u, 4294967295u };
        int i, j, matrix = 0;
        for (i = 0; i < 5; i++)
            for (j = 0; j < 3; j++)
                matrix = matrix * 2 + (vals[i] < uvals[j]);
        printf("matrix=%d\n", matrix);
    }
    return 0;
}
