#include "version.h"

const char *ppa_version(void)
{
    return XSTR(PPA_MAJOR.PPA_MINOR);
}
