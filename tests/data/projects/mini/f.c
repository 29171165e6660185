#include "proj.h"
int ff(int x) { return x * 12 + BIAS; }
