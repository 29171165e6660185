#include "proj.h"
int fg(int x) { return x * 13 + BIAS; }
