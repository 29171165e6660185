/* Exercises enums: implicit/explicit values, negative values, enum arithmetic, switch on enum, enum as array index. */
#include <stdio.h>

enum Color { RED, GREEN = 5, BLUE, ALPHA = -3, BETA, GAMMA = GREEN + BLUE * 2 };
enum Day { MON, TUE, WED, THU, FRI, SAT, SUN, NDAYS };
enum Bits { B0 = 1 << 0, B1 = 1 << 1, B2 = 1 << 2, B7 = 1 << 7, BIGGEST = 0x7FFFFFFF };

static const char *day_name[NDAYS] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static int is_weekend(enum Day d)
{
    switch (d) {
    case SAT: case SUN: return 1;
    default: return 0;
    }
}

int main(void)
{
    enum Day d;
    enum Bits mask = B0 | B2;
    int weekend = 0;
    printf("RED=%d GREEN=%d BLUE=%d ALPHA=%d BETA=%d GAMMA=%d\n", RED, GREEN, BLUE, ALPHA, BETA, GAMMA);
    for (d = MON; d < NDAYS; d++) {
        printf("%s%s ", day_name[d], is_weekend(d) ? "*" : "");
        weekend += is_weekend(d);
    }
    printf("\nweekend=%d\n", weekend);
    printf("mask=%d has B2=%d has B1=%d B7=%d BIGGEST=%d\n", (int)mask, (mask & B2) != 0, (mask & B1) != 0,
           B7, BIGGEST);
    printf("sizeof enum const=%u\n", (unsigned)sizeof(RED));
    {
        enum Color c = BLUE;
        int v = c * 10 + ALPHA;
        printf("v=%d next=%d\n", v, (int)(c + 1));
    }
    return weekend == 2 ? 0 : 1;
}
