/* Which of runtests' tests to run (linked into tests/runtests by build.mk): those of the test
   case named $ORACLE_TCASE (all when unset) whose index in it is in [$ORACLE_FROM, $ORACLE_TO). */
#include <stdlib.h>
#include <string.h>

int oracle_selected(const char *tcase, int index);

int
oracle_selected(const char *tcase, int index) {
  const char *want = getenv("ORACLE_TCASE");
  const char *from = getenv("ORACLE_FROM");
  const char *to = getenv("ORACLE_TO");
  if (want != NULL && strcmp(want, tcase) != 0)
    return 0;
  if (from != NULL && index < atoi(from))
    return 0;
  if (to != NULL && index >= atoi(to))
    return 0;
  return 1;
}
