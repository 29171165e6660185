#include "proj.h"
int fb(int x) { return x * 8 + BIAS; }
