# Runs "$@" under $EMU. frametest and fuzzer redraw a progress counter (\r, a number) every few
# milliseconds: how many redraws depends on time, so they go; every other line stays, and the
# exit status is the program's.
$EMU "$@" > "$WORK/progress.out" 2>&1
st=$?
tr '\r' '\n' < "$WORK/progress.out" | grep -v -E '^ *[0-9]+ *$|^ *$'
exit $st
