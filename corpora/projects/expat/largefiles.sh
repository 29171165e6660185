# xmlwf over the large real documents in the source's testdata/largefiles (nes96.xml: mixed
# content; the WordNet glossary: RDF with namespaces; recset.xml; ns_att_test.xml: 28 prefixed
# attributes per element on average), in one output mode per case ($1: "canonical", "-n"
# namespaces, "-m" meta XML with line/column/byte offsets, "-c" a copy): each output's size and
# cksum. The files are linked into $WORK so no build folder's path reaches the output.
X=$PWD/expat/xmlwf/xmlwf
D=$PWD/testdata/largefiles
cd "$WORK" || exit 1
mkdir out
opt=$1; [ "$opt" = canonical ] && opt=
for f in nes96.xml wordnet_glossary-20010201.rdf recset.xml ns_att_test.xml; do
  ln -s "$D/$f" "$f"
  $EMU "$X" $opt -d out "$f"
  echo "$f: status $?, $(wc -c < "out/$f") bytes, cksum $(cksum < "out/$f")"
  rm -f "out/$f"
done
