/* Exercises strtol/strtoul/strtoll/strtod/atoi parsing of constant strings, bases, and end pointers. */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>

int main(void)
{
    const char *ints[] = { "42", "-17", "  +99xyz", "0x1F", "0777", "-0x10", "", "abc", "2147483647", "-0" };
    const char *dbls[] = { "3.14159", "-2.5e3", "1e-5", "  0.1", "inf", "12abc", ".5", "0x1p4" };
    char *end;
    int i;
    for (i = 0; i < 10; i++) {
        long v = strtol(ints[i], &end, 0);
        printf("strtol(\"%s\",0)=%ld consumed=%d\n", ints[i], v, (int)(end - ints[i]));
    }
    printf("base 2: %ld base 16: %ld base 36: %ld base 8: %ld\n", strtol("101101", NULL, 2),
           strtol("ff", NULL, 16), strtol("zz", NULL, 36), strtol("017", NULL, 8));
    printf("strtoul: %lu %lu\n", strtoul("4294967295", NULL, 10), strtoul("DEADBEEF", NULL, 16));
    printf("strtoll: %lld %llu\n", strtoll("-9223372036854775807", NULL, 10),
           strtoull("18446744073709551615", NULL, 10));
    errno = 0;
    {
        long long big = strtoll("99999999999999999999", &end, 10);
        printf("overflow: %lld erange=%d\n", big, errno == ERANGE);
    }
    for (i = 0; i < 8; i++) {
        double d = strtod(dbls[i], &end);
        printf("strtod(\"%s\")=%.6g consumed=%d\n", dbls[i], d, (int)(end - dbls[i]));
    }
    printf("atoi=%d atol=%ld atof=%.3f\n", atoi("  -123abc"), atol("9876543210"), atof("2.718"));
    {
        const char *list = "10,20,-5,300,7";
        const char *p = list;
        long sum = 0;
        while (*p) {
            sum += strtol(p, &end, 10);
            p = (*end == ',') ? end + 1 : end;
        }
        printf("list sum=%ld\n", sum);
    }
    return 0;
}
