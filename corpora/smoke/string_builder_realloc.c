/* Exercises a growable string buffer with realloc, snprintf appends, and in-place reversal/replacement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct SB { char *data; size_t len, cap; int grows; };

static void sb_reserve(struct SB *sb, size_t need)
{
    if (sb->len + need + 1 <= sb->cap) return;
    while (sb->len + need + 1 > sb->cap) sb->cap = sb->cap ? sb->cap * 2 : 8;
    sb->data = realloc(sb->data, sb->cap);
    if (!sb->data) exit(80);
    sb->grows++;
}
static void sb_add(struct SB *sb, const char *s)
{
    size_t n = strlen(s);
    sb_reserve(sb, n);
    memcpy(sb->data + sb->len, s, n + 1);
    sb->len += n;
}
static void sb_int(struct SB *sb, long v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%ld", v);
    sb_add(sb, tmp);
}

int main(void)
{
    struct SB sb = { NULL, 0, 0, 0 };
    size_t i;
    unsigned h = 0;
    int count = 0;
    for (i = 0; i < 50; i++) {
        sb_int(&sb, (long)(i * i) - 100);
        sb_add(&sb, i % 10 == 9 ? ";\n" : ",");
    }
    printf("%s", sb.data);
    printf("len=%u cap=%u grows=%d\n", (unsigned)sb.len, (unsigned)sb.cap, sb.grows);
    for (i = 0; i < sb.len; i++)
        if (sb.data[i] == ',') { sb.data[i] = ' '; count++; }
    for (i = 0; i < sb.len / 2; i++) {
        char t = sb.data[i];
        sb.data[i] = sb.data[sb.len - 1 - i];
        sb.data[sb.len - 1 - i] = t;
    }
    for (i = 0; i < sb.len; i++) h = h * 131u + (unsigned char)sb.data[i];
    printf("replaced=%d hash=%u first=%d\n", count, h, sb.data[0]);
    free(sb.data);
    return 0;
}
