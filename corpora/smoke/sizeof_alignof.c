/* Exercises sizeof and _Alignof on LP64-stable types, struct padding via offsetof, and array sizes. */
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

struct A { char c; int i; };
struct B { char c; double d; char e; };
struct C { short s; char c; };
struct D { int64_t x; int8_t y; };
struct E { char a[3]; };
struct F { char c; struct A a; short s; };

#define SZ(t) printf("sizeof(%s)=%u align=%u\n", #t, (unsigned)sizeof(t), (unsigned)_Alignof(t))

int main(void)
{
    int arr[17];
    double darr[3][5];
    char str[] = "sizeof";
    SZ(char); SZ(short); SZ(int); SZ(long); SZ(long long);
    SZ(float); SZ(double); SZ(void *); SZ(size_t);
    SZ(int8_t); SZ(int16_t); SZ(int32_t); SZ(int64_t);
    SZ(struct A); SZ(struct B); SZ(struct C); SZ(struct D); SZ(struct E); SZ(struct F);
    printf("offsetof A.i=%u B.d=%u B.e=%u C.c=%u D.y=%u F.a=%u F.s=%u\n",
           (unsigned)offsetof(struct A, i), (unsigned)offsetof(struct B, d), (unsigned)offsetof(struct B, e),
           (unsigned)offsetof(struct C, c), (unsigned)offsetof(struct D, y),
           (unsigned)offsetof(struct F, a), (unsigned)offsetof(struct F, s));
    printf("arr=%u elems=%u darr=%u darr[0]=%u str=%u\n", (unsigned)sizeof arr,
           (unsigned)(sizeof arr / sizeof arr[0]), (unsigned)sizeof darr, (unsigned)sizeof darr[0],
           (unsigned)sizeof str);
    printf("sizeof expr not evaluated: ");
    {
        int k = 0;
        size_t s = sizeof(k++);
        printf("%u k=%d\n", (unsigned)s, k);
    }
    printf("sizeof 'a'=%u sizeof 1.0f=%u sizeof 1.0=%u\n", (unsigned)sizeof 'a', (unsigned)sizeof 1.0f,
           (unsigned)sizeof 1.0);
    return 0;
}
