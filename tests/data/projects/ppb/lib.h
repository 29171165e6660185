#define PPB_MAJOR 1
#define PPB_MINOR 9
#define PPB_PATCH 4
#define PPB_QUOTE(s) #s
#define PPB_EXPAND_AND_QUOTE(s) PPB_QUOTE(s)
const char *ppb_version_string(void);
unsigned ppb_count(const char *s);
