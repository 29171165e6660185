# One test file of SQLite's own suite, run by testfixture (its Tcl harness): the file's output
# without what depends on the machine or the allocator (the host name in the summary line, the
# memory counters: bytes and calls, not results; the times some tests print) and without the
# "NAME... Ok" line of each passing test (round1.test has 100,001: more than oracle keeps; the
# summary counts them and a failure prints its own lines), then testfixture's exit status.
./testfixture "$1" > "$WORK/out" 2>&1
status=$?
sed -e '/^[^ ]*\.\.\. Ok$/d' -e 's/^\([0-9]* errors out of [0-9]* tests\) on .*/\1/' \
    -e '/^Memory used: /d' -e '/^Allocation count: /d' -e '/^Page-cache used: /d' \
    -e '/^Page-cache overflow: /d' -e '/^Maximum memory usage: /d' -e '/^Current memory usage: /d' \
    -e '/^Number of malloc() /d' -e 's/[0-9]* microseconds per iteration/N microseconds per iteration/' \
    -e 's/([0-9]* ms - want less than/(N ms - want less than/' "$WORK/out"
echo "status $status"
