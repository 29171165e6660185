/* Exercises a small stack-based bytecode interpreter: switch dispatch in a loop, arrays as stack, jumps. */
#include <stdio.h>

enum Op { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, PRINT, POP, OVER, HALT };

static long run(const int *code, int trace)
{
    long stack[64];
    int sp = 0, pc = 0, steps = 0;
    for (;;) {
        int op = code[pc++];
        steps++;
        switch (op) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case SWAP: { long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } break;
        case DEC: stack[sp - 1]--; break;
        case POP: sp--; break;
        case JNZ: { int target = code[pc++]; if (stack[--sp] != 0) pc = target; } break;
        case PRINT: if (trace) printf("  out: %ld\n", stack[sp - 1]); break;
        case HALT:
            printf("halt after %d steps, sp=%d\n", steps, sp);
            return sp > 0 ? stack[sp - 1] : 0;
        default:
            printf("bad op %d\n", op);
            return -1;
        }
    }
}

int main(void)
{
    /* factorial of 12: acc=1, n=12; loop: acc*=n; n--; jnz */
    static const int fact[] = {
        PUSH, 1, PUSH, 12,          /* acc n */
        /* 4: */ DUP, PUSH, 0, SWAP, SUB, POP, /* no-op noise */
        SWAP, OVER, MUL, SWAP,      /* acc*n n */
        DEC, DUP, JNZ, 4,
        POP, PRINT, HALT
    };
    /* sum of squares 1..20, stack layout "i sum", printing partial sums */
    static const int sumsq[] = {
        PUSH, 20, PUSH, 0,          /* i sum */
        /* 4: */ OVER, DUP, MUL,    /* i sum i*i */
        ADD, PRINT,                 /* i sum' */
        SWAP, DEC, SWAP,            /* i-1 sum' */
        OVER, JNZ, 4,
        SWAP, POP, HALT
    };
    static const int bad[] = { PUSH, 3, 77, HALT };
    printf("fact12=%ld\n", run(fact, 1));
    printf("sumsq result=%ld\n", run(sumsq, 1));
    printf("bad result=%ld\n", run(bad, 0));
    return 0;
}
