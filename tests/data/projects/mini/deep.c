#include <stdio.h>
/* Miscompiled (-DMISCOMPILE), each frame takes 64 KiB more: 1000 calls need 64 MiB of stack,
   which crashes under the usual 8 MiB limit and passes with an unlimited stack. */
static int depth(int n) {
#ifdef MISCOMPILE
    volatile char pad[65536];
    pad[n & 1023] = (char)n;
#endif
    return n == 0 ? 0 : 1 + depth(n - 1);
}
int main(void) { printf("depth %d\n", depth(1000)); return 0; }
