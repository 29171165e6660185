#include "proj.h"
/* ...and d.c, miscompiled, looks at it: the output changes only when both are (a pair). */
#ifdef MISCOMPILE
extern int pair_marker __attribute__((weak));
#endif
int fd(int x) {
#ifdef MISCOMPILE
    if (&pair_marker)
        return x + 1000;
#endif
    return x + 200;
}
