#!/bin/sh
# One module of CPython's own test suite: regrtest, verbose, in process, tests in file order,
# no resources but those given after the module's name (test_decimal: -u decimal, all of its
# arithmetic files, else a random tenth of them). The output is each test's result line (its
# name and ok/FAIL/ERROR/skipped: a docstring's line after the name is joined to it), the
# failures' headings and the totals, without times, load averages, the build's paths or PIDs
# (regrtest's header, tracebacks and the tests' own prints are left out); the exit status is
# regrtest's.
# Usage: regrtest.sh TEST [regrtest options...]
t=$1; shift
export PYTHONHASHSEED=0 PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 LC_ALL=C.UTF-8
$EMU ./python -m test -v "$@" "$t" > "$WORK/regrtest.out" 2>&1
rc=$?
awk -v tree="$PWD" '
function clean(s) { gsub(tree, ".", s); return s }
/^test[A-Za-z0-9_]* \([A-Za-z0-9_.]+\)$/ { name = $0; next }
/ \.\.\. (ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$/ {
    if (name != "" && $0 !~ /^test[A-Za-z0-9_]* \(/) print clean(name " | " $0); else print clean($0)
    name = ""; next }
/^(ok|FAIL|ERROR|skipped .*|expected failure|unexpected success)$/ { print "  " clean($0); name = ""; next }
/^(FAIL|ERROR|UNEXPECTED SUCCESS): / { print clean($0); next }
/^Ran [0-9]+ tests? in / { sub(/ in .*/, ""); print; next }
/^(OK|FAILED)( \(.*\))?$/ { print; next }
/^== Tests result: / || /^Tests result: / { print; next }
/^[0-9]+ tests? (OK|failed|skipped|altered|omitted|run no tests)/ { print; next }
{ name = "" }
' "$WORK/regrtest.out"
exit $rc
