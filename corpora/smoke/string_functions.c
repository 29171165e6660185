/* Exercises <string.h>: strlen, strcpy, strncpy, strcat, strcmp, strncmp, strchr, strrchr, strstr, strspn, memset, memcmp. */
#include <stdio.h>
#include <string.h>

static int sgn(int x) { return (x > 0) - (x < 0); }

int main(void)
{
    char buf[64];
    char small[8];
    const char *s = "the quick brown fox jumps over the lazy dog";
    const char *p;
    size_t i;

    printf("len=%u\n", (unsigned)strlen(s));
    strcpy(buf, "Hello");
    strcat(buf, ", ");
    strcat(buf, "World");
    printf("buf=%s len=%u\n", buf, (unsigned)strlen(buf));
    memset(small, 'x', sizeof small);
    strncpy(small, "abc", sizeof small);
    printf("strncpy pad: %d %d %d\n", small[3], small[7], (int)strlen(small));
    printf("cmp: %d %d %d %d\n", sgn(strcmp("abc", "abd")), sgn(strcmp("abc", "abc")),
           sgn(strcmp("b", "abc")), sgn(strncmp("abcdef", "abcxyz", 3)));
    printf("cmp high bytes: %d\n", sgn(strcmp("\x80", "\x7f")));
    p = strchr(s, 'q');   printf("strchr q at %d\n", (int)(p - s));
    p = strrchr(s, 'o');  printf("strrchr o at %d\n", (int)(p - s));
    p = strstr(s, "lazy"); printf("strstr lazy at %d\n", (int)(p - s));
    printf("strstr none: %d\n", strstr(s, "cat") == NULL);
    printf("strspn=%u strcspn=%u\n", (unsigned)strspn("aaabbbccc", "ab"), (unsigned)strcspn(s, "xyz"));
    printf("memcmp: %d %d\n", sgn(memcmp("ab\0c", "ab\0d", 4)), sgn(memcmp("\xff", "\x01", 1)));
    p = memchr(s, 'z', strlen(s)); printf("memchr z at %d\n", (int)(p - s));
    {
        char tok[] = "a,bb,,ccc,dddd";
        char *t;
        int count = 0;
        for (t = strtok(tok, ","); t; t = strtok(NULL, ",")) {
            printf("tok[%d]=%s\n", count, t);
            count++;
        }
    }
    {
        unsigned h = 5381;
        for (i = 0; s[i]; i++) h = h * 33u ^ (unsigned char)s[i];
        printf("djb2=%u\n", h);
    }
    return 0;
}
