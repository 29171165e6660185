/* Exercises volatile objects: repeated reads/writes must not be elided; volatile loop counters and struct fields. */
#include <stdio.h>

static volatile int vcount;
struct Reg { volatile unsigned status; volatile unsigned data; };

static unsigned poll_reg(struct Reg *r, int iters)
{
    unsigned acc = 0;
    int i;
    for (i = 0; i < iters; i++) {
        r->data = (unsigned)i * 3u;
        acc += r->data;
        r->status ^= 1u;
    }
    return acc;
}

int main(void)
{
    volatile int x = 5;
    volatile double d = 0.0;
    volatile unsigned char bytes[16];
    struct Reg reg = { 0, 0 };
    int i, sum = 0;

    for (i = 0; i < 1000; i++) vcount++;
    printf("vcount=%d\n", vcount);
    x = x + 1; x = x * 2; x -= 3;
    printf("x=%d\n", x);
    for (i = 0; i < 10; i++) d += 0.5;
    printf("d=%.2f\n", d);
    for (i = 0; i < 16; i++) bytes[i] = (unsigned char)(i * 17);
    for (i = 0; i < 16; i++) sum += bytes[i];
    printf("bytes sum=%d\n", sum);
    {
        unsigned pr = poll_reg(&reg, 101);
        printf("poll=%u status=%u data=%u\n", pr, reg.status, reg.data);
    }
    {
        volatile int *vp = &vcount;
        *vp = 7;
        *vp += *vp;
        printf("vcount via ptr=%d\n", vcount);
    }
    return 0;
}
