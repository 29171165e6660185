/* Exercises && and || short-circuit evaluation, side effects, and ! / logical result values. */
#include <stdio.h>

static int trace[64];
static int ntrace;

static int t(int id, int v)
{
    if (ntrace < 64) trace[ntrace++] = id;
    return v;
}

static void dump(const char *label, int r)
{
    int i;
    printf("%s=%d trace:", label, r);
    for (i = 0; i < ntrace; i++) printf(" %d", trace[i]);
    printf("\n");
    ntrace = 0;
}

int main(void)
{
    int r, i, *np = 0, x = 5;
    r = t(1, 0) && t(2, 1);              dump("0&&1", r);
    r = t(1, 1) && t(2, 0) && t(3, 1);   dump("1&&0&&1", r);
    r = t(1, 1) || t(2, 1);              dump("1||1", r);
    r = t(1, 0) || t(2, 0) || t(3, 7);   dump("0||0||7", r);
    r = (t(1, 0) && t(2, 1)) || (t(3, 1) && t(4, 9)); dump("mix", r);
    r = t(1, 1) && (t(2, 0) || t(3, 1)) && !t(4, 0); dump("mix2", r);
    r = np && *np;                        printf("null guard=%d\n", r);
    r = np != 0 || x > 3;                 printf("or guard=%d\n", r);
    printf("not: %d %d %d\n", !0, !5, !!-3);
    {
        int cnt = 0;
        for (i = 0; i < 20; i++)
            if ((i % 2 == 0 && ++cnt) || (i % 5 == 0 && (cnt += 10)))
                cnt += 100;
        printf("cnt=%d\n", cnt);
    }
    {
        int k = 0;
        r = (k++ > 0) && (k++ > 0);
        printf("k=%d r=%d\n", k, r);
        r = (k++ > 0) || (k++ > 0);
        printf("k=%d r=%d\n", k, r);
    }
    return 0;
}
