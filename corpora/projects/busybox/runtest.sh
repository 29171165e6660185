#!/bin/sh
# busybox's own tests of one applet (testsuite/runtest APPLET: its old-style folder and its
# .tests file), known bugs and internet tests skipped. The output is each test's verdict line
# (PASS, FAIL, SKIPPED, UNTESTED) and the exit status; a failure's details follow (-v).
cd testsuite || exit 2
SKIP_KNOWN_BUGS=1 SKIP_INTERNET_TESTS=1 LANG=C LC_ALL=C TZ=UTC ./runtest -v "$@" > "$WORK/runtest.out" 2>&1 < /dev/null
status=$?
grep -a -E '^(PASS|FAIL|SKIPPED|UNTESTED):' "$WORK/runtest.out"
echo "runtest: exit $status"
if [ $status -ne 0 ]; then
    grep -a -v -E '^(PASS|SKIPPED|UNTESTED):' "$WORK/runtest.out" | tail -60
fi
exit $status
