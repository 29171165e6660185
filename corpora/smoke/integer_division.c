/* Exercises integer division and remainder with negative operands (C99 truncation toward zero). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    int nums[] = { 17, -17, 7, -7, 0, 100, -100, 1 };
    int dens[] = { 5, -5, 3, -3, 1, -1 };
    int i, j;
    unsigned long long checksum = 0;
    for (i = 0; i < 8; i++) {
        for (j = 0; j < 6; j++) {
            int q = nums[i] / dens[j], r = nums[i] % dens[j];
            checksum = checksum * 3u + (unsigned long long)(q * 7 + r);
            if (q * dens[j] + r != nums[i]) printf("identity broken!\n");
        }
        printf("%4d: /5=%d %%5=%d /-5=%d %%-5=%d /3=%d %%-3=%d\n", nums[i],
               nums[i] / 5, nums[i] % 5, nums[i] / -5, nums[i] % -5, nums[i] / 3, nums[i] % -3);
    }
    printf("checksum=%llu\n", checksum);
    {
        div_t d = div(-23, 4);
        ldiv_t ld = ldiv(1000000007L, -13L);
        lldiv_t lld = lldiv(-9000000000000LL, 7LL);
        printf("div=%d,%d ldiv=%ld,%ld lldiv=%lld,%lld\n", d.quot, d.rem, ld.quot, ld.rem, lld.quot, lld.rem);
    }
    {
        long long a = -123456789012345LL;
        printf("ll: %lld %lld\n", a / 1000, a % 1000);
        printf("unsigned: %u %u\n", 4000000000u / 3u, 4000000000u % 7u);
    }
    /* floor-division helper built on truncation */
    for (i = -4; i <= 4; i++) {
        int q = i / 3, r = i % 3;
        if (r != 0 && (r < 0)) { q--; r += 3; }
        printf("floordiv(%d,3)=%d mod=%d\n", i, q, r);
    }
    return 0;
}
