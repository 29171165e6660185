#include <stdio.h>
#include <string.h>
#include "lib.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "about") == 0)
        printf("ppb tool, library %s\n", ppb_version_string());
    else
        printf("%u\n", ppb_count("the quick brown fox"));
    return 0;
}
