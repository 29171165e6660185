#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "version.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("ppa %s\n", ppa_version());
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--banner") == 0) {
        printf("== ppa version %s ==\n", ppa_version());
        return strlen(ppa_version()) == 5 ? 0 : 3;
    }
    printf("%d\n", ppa_sum(argc > 1 ? atoi(argv[1]) : 3));
    return 0;
}
