/* Exercises exit(7) called from a nested function: atexit handlers run, stdout is flushed, main never returns normally. */
#include <stdio.h>
#include <stdlib.h>

static int depth_reached;

static void on_exit_a(void) { printf("atexit A (depth=%d)\n", depth_reached); }
static void on_exit_b(void) { printf("atexit B runs first\n"); }

static void descend(int depth)
{
    depth_reached = depth;
    printf("descend %d\n", depth);
    if (depth == 4) {
        printf("calling exit(%d) without newline flush...", depth + 3);
        exit(depth + 3);
    }
    descend(depth + 1);
    printf("never printed %d\n", depth);
}

int main(void)
{
    atexit(on_exit_a);
    atexit(on_exit_b);
    descend(0);
    printf("main end (never reached)\n");
    return 0;
}
