#ifndef PROJ_H
#define PROJ_H
/* The fake candidate (miscompile-cc) compiles its chosen files with -DMISCOMPILE. */
#ifdef MISCOMPILE
#define BIAS 1
#else
#define BIAS 0
#endif
int fa(int); int fb(int); int fc(int); int fd(int); int fe(int); int ff(int); int fg(int); int fh(void);
#endif
