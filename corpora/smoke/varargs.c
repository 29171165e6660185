/* Exercises stdarg: va_list with ints, doubles, pointers, va_copy, and forwarding to vsnprintf. */
#include <stdio.h>
#include <stdarg.h>
#include <string.h>

static long sum_ints(int n, ...)
{
    va_list ap;
    long s = 0;
    int i;
    va_start(ap, n);
    for (i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap);
    return s;
}

static double mixed(const char *fmt, ...)
{
    va_list ap, ap2;
    double total = 0.0;
    const char *p;
    int count = 0;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    for (p = fmt; *p; p++) {
        switch (*p) {
        case 'i': total += va_arg(ap, int); break;
        case 'd': total += va_arg(ap, double); break;
        case 'l': total += (double)va_arg(ap, long long); break;
        case 's': total += (double)strlen(va_arg(ap, const char *)); break;
        }
    }
    va_end(ap);
    /* second pass with the copy: just count ints */
    for (p = fmt; *p; p++) {
        if (*p == 'i') { if (va_arg(ap2, int) > 0) count++; }
        else if (*p == 'd') (void)va_arg(ap2, double);
        else if (*p == 'l') (void)va_arg(ap2, long long);
        else if (*p == 's') (void)va_arg(ap2, const char *);
    }
    va_end(ap2);
    printf("positive ints=%d\n", count);
    return total;
}

static int fmt_into(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int main(void)
{
    char buf[64];
    int r;
    printf("sum0=%ld sum5=%ld\n", sum_ints(0), sum_ints(5, 1, -2, 3, -4, 5));
    printf("sum12=%ld\n", sum_ints(12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    printf("mixed=%.4f\n", mixed("idilsdi", 3, 1.5, -7, 10000000000LL, "abcdef", 0.25, 9));
    printf("mixed2=%.4f\n", mixed("dddddddddd", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.5));
    r = fmt_into(buf, sizeof buf, "%d-%s-%.2f-%c", 17, "xy", 3.14159, 'Z');
    printf("buf=[%s] r=%d\n", buf, r);
    r = fmt_into(buf, 8, "%s", "truncated string here");
    printf("buf=[%s] r=%d\n", buf, r);
    return 0;
}
