#include "proj.h"
/* Miscompiled, c.c defines a marker nobody else looks at... */
#ifdef MISCOMPILE
int pair_marker = 1;
#endif
int fc(int x) { return x + 100; }
