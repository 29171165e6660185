/* Exercises snprintf/sprintf integer, string and char conversions with flags, widths, precisions and %n-free formats. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <inttypes.h>

int main(void)
{
    char buf[128];
    int n;
    unsigned h = 0;
    size_t i;
    n = sprintf(buf, "[%d|%5d|%-5d|%05d|%+d|% d]", 42, 42, 42, 42, 42, 42);
    printf("%s n=%d\n", buf, n);
    n = sprintf(buf, "[%x|%X|%#x|%#o|%o|%08x]", 255u, 255u, 255u, 8u, 64u, 0xbeefu);
    printf("%s n=%d\n", buf, n);
    n = sprintf(buf, "[%u|%lu|%llu|%hd|%hhu]", 4000000000u, 123456789UL, 18446744073709551615ULL,
                (short)-1234, (unsigned char)250);
    printf("%s n=%d\n", buf, n);
    n = sprintf(buf, "[%s|%10s|%-10s|%.3s|%c|%%]", "str", "right", "left", "truncate", 'Q');
    printf("%s n=%d\n", buf, n);
    n = sprintf(buf, "[%.5d|%8.3d|%-+6d|%.0d]", 42, -7, 9, 0);
    printf("%s n=%d\n", buf, n);
    n = sprintf(buf, "[%*d|%-*d|%.*s]", 6, 1, 4, 2, 2, "abcdef");
    printf("%s n=%d\n", buf, n);
    n = sprintf(buf, "[%" PRId64 "|%" PRIu32 "|%" PRIx16 "|%zu]", INT64_MIN, UINT32_MAX, (uint16_t)0xABCD,
                (size_t)12345);
    printf("%s n=%d\n", buf, n);
    n = snprintf(buf, 10, "%s", "0123456789ABCDEF");
    printf("trunc=%s n=%d\n", buf, n);
    n = snprintf(NULL, 0, "%d-%d", 12345, -678);
    printf("needed=%d\n", n);
    n = sprintf(buf, "%d %ld %lld %i", -2147483647 - 1, -9L, -9223372036854775807LL - 1, 077);
    printf("%s n=%d\n", buf, n);
    for (i = 0; i < strlen(buf); i++) h = h * 31u + (unsigned char)buf[i];
    printf("hash=%u\n", h);
    return 0;
}
