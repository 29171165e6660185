# One libsodium test program under $EMU, then its results file: the exit status is the test's own
# verdict (0: the results match the .exp the source ships; 99: they do not), and the results are
# compared with the reference build's as they are.
t=$1
rm -f "$t.res"
$EMU "./$t"
rc=$?
[ -f "$t.res" ] && cat "$t.res"
exit $rc
