#include "lib.h"

const char *ppb_version_string(void) { return PPB_EXPAND_AND_QUOTE(PPB_MAJOR.PPB_MINOR.PPB_PATCH); }

unsigned ppb_count(const char *s)
{
    unsigned n = 0;
    while (*s)
        n += (unsigned char)*s++ % 7;
    return n;
}
