#include <stdio.h>
#include <stdlib.h>
#include "proj.h"
int main(int argc, char **argv) { printf("tool %d\n", fb(argc > 1 ? atoi(argv[1]) : 0)); return 0; }
