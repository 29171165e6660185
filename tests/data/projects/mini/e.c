#include "proj.h"
int fe(int x) { return x * 11 + BIAS; }
