#include "proj.h"
int fa(int x) { return x * 7 + BIAS; }
