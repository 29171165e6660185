# expat's two example programs (they read stdin): elements prints the element tree, outline the
# tree with attributes (in document order, then defaulted ones: no hash order); over gen.sh's
# document, nes96.xml and a malformed document (their error message: line and message text).
exec 2>&1
T=$PWD
cd "$WORK" || exit 1
sh "$DATA/gen.sh" 1500
for prog in elements outline; do
  for f in big.xml "$T/testdata/largefiles/nes96.xml"; do
    $EMU "$T/expat/examples/$prog" < "$f" > out
    echo "$prog < ${f##*/}: status $?, $(wc -l < out) lines, cksum $(cksum < out)"
    head -12 out
  done
  printf '<a>\n <b x="1">\n  <c/>\n </b>\n <b>\n</a>\n' | $EMU "$T/expat/examples/$prog"
  echo "$prog < malformed: status $?"
done
