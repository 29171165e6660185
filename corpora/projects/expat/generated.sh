# xmlwf over gen.sh's document in one way per case ($1): "canonical", "-n" (namespaces), "-m"
# (meta XML: line, column and byte offsets of every event), "-c" (a copy), "-N" (doctype and
# notations), "stdin" (read from a pipe: the parser gets the text in read()-sized chunks that
# split multi-byte characters and tokens), "-r" (read() instead of mmap). Prints the output's
# size and cksum. Attributes come out sorted in canonical XML, so the hash salt (random each
# run) cannot change any output.
set -e
X=$PWD/expat/xmlwf/xmlwf
cd "$WORK"
sh "$DATA/gen.sh"
mkdir out
case $1 in
  canonical) $EMU "$X" -d out big.xml ;;
  stdin) cat big.xml | $EMU "$X" -d out; mv out/STDIN out/big.xml ;;
  *) $EMU "$X" $1 -d out big.xml ;;
esac
echo "$1: $(wc -c < out/big.xml) bytes, cksum $(cksum < out/big.xml)"
head -c 600 out/big.xml; echo
