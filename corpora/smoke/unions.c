/* Exercises unions: tagged variants, float<->uint32 bit views, and overlapping same-type members. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

enum Kind { K_INT, K_DBL, K_STR };
struct Value {
    enum Kind kind;
    union { int i; double d; const char *s; } u;
};

union FBits { float f; uint32_t u; };
union DBits { double d; uint64_t u; };
union Arr { uint32_t w[4]; struct { uint32_t a, b, c, d; } s; };

static void show(const struct Value *v)
{
    switch (v->kind) {
    case K_INT: printf("int %d\n", v->u.i); break;
    case K_DBL: printf("dbl %.3f\n", v->u.d); break;
    case K_STR: printf("str %s\n", v->u.s); break;
    }
}

int main(void)
{
    struct Value vals[3];
    union FBits fb;
    union DBits db;
    union Arr ar;
    int i;
    vals[0].kind = K_INT; vals[0].u.i = -42;
    vals[1].kind = K_DBL; vals[1].u.d = 2.75;
    vals[2].kind = K_STR; vals[2].u.s = "hello";
    for (i = 0; i < 3; i++) show(&vals[i]);

    fb.f = 1.0f;  printf("1.0f bits=%08" PRIx32 "\n", fb.u);
    fb.f = -2.5f; printf("-2.5f bits=%08" PRIx32 "\n", fb.u);
    fb.u = 0x40490FDBu; printf("float from bits=%.6f\n", fb.f);
    db.d = 0.1; printf("0.1 bits=%016" PRIx64 "\n", db.u);
    db.u = 0x3FF8000000000000ull; printf("double from bits=%.4f\n", db.d);

    ar.w[0] = 1; ar.w[1] = 2; ar.w[2] = 3; ar.w[3] = 4;
    ar.s.c += 10;
    printf("arr: %u %u %u %u\n", (unsigned)ar.s.a, (unsigned)ar.s.b, (unsigned)ar.w[2], (unsigned)ar.s.d);
    printf("sizeof FBits=%u DBits=%u\n", (unsigned)sizeof(union FBits), (unsigned)sizeof(union DBits));
    return 0;
}
