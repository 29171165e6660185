#!/bin/sh
# One unit of Redis's own test suite (tests/test_helper.tcl, as ./runtest runs it): one test
# client, servers on ports from this case's base port, slow-tagged tests left out. The output is
# each test's result line without its time, and the exit status; on a failure, the suite's last
# lines too.
. "$DATA/port.sh"
unit=$1
shift
TERM=dumb tclsh8.6 tests/test_helper.tcl --single "$unit" --clients 1 --baseport "$PORT" --portcount 400 \
    --tags -slow --timeout 900 "$@" > "$WORK/runtest.out" 2>&1 < /dev/null
status=$?
sed -E 's/\x1b\[[0-9;]*m//g' "$WORK/runtest.out" | grep -a -E '^\[(ok|err|exception|skip|ignore)\]:' | sed -E 's/ \([0-9]+ ms\)$//'
echo "runtest: exit $status"
if [ $status -ne 0 ]; then
    tail -40 "$WORK/runtest.out"
fi
exit $status
