#ifndef PPA_VERSION_H
#define PPA_VERSION_H
#define PPA_MAJOR 10
#define PPA_MINOR 42
#define STR(x) #x
#define XSTR(x) STR(x)
const char *ppa_version(void);
int ppa_sum(int n);
#endif
