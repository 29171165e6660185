#include "proj.h"
/* Miscompiled, it changes the program's exit status (not its output). */
int fh(void) { return BIAS * 3; }
