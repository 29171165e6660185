/* Exercises memcpy, memmove with overlapping regions in both directions, memset, and byte-wise struct copying. */
#include <stdio.h>
#include <string.h>

struct Rec { int a; double b; char c[5]; };

static void show(const char *label, const char *b, int n)
{
    int i;
    printf("%s: ", label);
    for (i = 0; i < n; i++) putchar(b[i] ? b[i] : '.');
    putchar('\n');
}

int main(void)
{
    char buf[32];
    int ints[10], i;
    struct Rec r1 = { 7, 2.5, "abcd" }, r2;
    memcpy(buf, "0123456789abcdefghijklmnopqrstu", 32);
    show("init", buf, 31);
    memmove(buf + 4, buf, 10);
    show("move fwd", buf, 31);
    memmove(buf, buf + 8, 12);
    show("move back", buf, 31);
    memset(buf + 20, 0, 5);
    memset(buf, '#', 3);
    show("memset", buf, 31);
    for (i = 0; i < 10; i++) ints[i] = i * 11;
    memmove(&ints[1], &ints[0], 9 * sizeof ints[0]);
    memcpy(&ints[8], &ints[0], sizeof ints[0]);
    for (i = 0; i < 10; i++) printf("%d ", ints[i]);
    printf("\n");
    memcpy(&r2, &r1, sizeof r1);
    r2.c[0] = 'X';
    printf("r1=%d %.1f %s r2=%d %.1f %s\n", r1.a, r1.b, r1.c, r2.a, r2.b, r2.c);
    {
        unsigned char src[256], dst[256];
        unsigned sum = 0;
        for (i = 0; i < 256; i++) src[i] = (unsigned char)(255 - i);
        for (i = 1; i <= 64; i++) {
            memcpy(dst, src + (i % 7), (size_t)(256 - i % 7) - (size_t)(i % 13));
            sum = sum * 3u + dst[i] + dst[255 - 13 - 6];
        }
        printf("sum=%u\n", sum);
    }
    return 0;
}
