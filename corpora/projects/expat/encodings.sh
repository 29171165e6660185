# One document in several encodings (iconv writes them): UTF-8 with and without a BOM,
# UTF-16LE/BE with BOMs, UTF-16 without a BOM but declared, ISO-8859-1 and US-ASCII (character
# references for the rest), and -e overriding the declaration; each through xmlwf's canonical
# output (always UTF-8), from a file and from a pipe. Also documents whose encoding is wrong:
# an unknown name, Latin-1 bytes declared UTF-8, a truncated UTF-16 document.
exec 2>&1
X=$PWD/expat/xmlwf/xmlwf
cd "$WORK" || exit 1
mkdir out
# $2: the euro sign and dash, or what stands for them in Latin-1 and ASCII
body() {
  printf '<?xml version="1.0" encoding="%s"?>\n' "$1"
  printf '<doc lang="fr">Garçon, déjà vu: naïve façade. ¡Olé! ß µ ÷ ×\n'
  i=0
  while [ $i -lt 300 ]; do
    printf '<p n="%d" x="é&#x%X;">Ça coûte %d,%02d %s ligne %d</p>\n' $i $((0x3B1 + i % 25)) $i $((i % 100)) "${2:-€ —}" $i
    i=$((i + 1))
  done
  printf '</doc>\n'
}
body UTF-8 > utf8.xml
{ printf '\357\273\277'; cat utf8.xml; } > utf8bom.xml
body UTF-16 | iconv -f UTF-8 -t UTF-16LE | { printf '\377\376'; cat; } > utf16le.xml
body UTF-16 | iconv -f UTF-8 -t UTF-16BE | { printf '\376\377'; cat; } > utf16be.xml
body UTF-16LE | iconv -f UTF-8 -t UTF-16LE > utf16le-nobom.xml
body ISO-8859-1 '&#x20AC; -' | iconv -f UTF-8 -t ISO-8859-1 > latin1.xml
body US-ASCII '&#8364; &#x2014;' | sed 's/[^ -~]/?/g' > ascii.xml
sed 's/encoding="ISO-8859-1"/encoding="UTF-8"/' latin1.xml > latin1-as-utf8.xml
body x-oracle-unknown > unknown.xml
head -c 5001 utf16le.xml > utf16-truncated.xml
sum() {  # the output's size and cksum, if xmlwf kept one (it deletes it on errors)
  [ -f "$1" ] && echo ", $(wc -c < "$1") bytes, cksum $(cksum < "$1")" && rm "$1"
}
for f in utf8.xml utf8bom.xml utf16le.xml utf16be.xml utf16le-nobom.xml latin1.xml ascii.xml \
         latin1-as-utf8.xml unknown.xml utf16-truncated.xml; do
  $EMU "$X" -d out "$f"
  echo "$f: status $?$(sum "out/$f")"
  $EMU "$X" -d out < "$f"
  echo "  from a pipe: status $?$(sum out/STDIN)"
done
$EMU "$X" -e ISO-8859-1 -d out latin1-as-utf8.xml
echo "-e ISO-8859-1 latin1-as-utf8.xml: status $?$(sum out/latin1-as-utf8.xml)"
$EMU "$X" -e UTF-16 -d out utf8.xml
echo "-e UTF-16 utf8.xml: status $?$(sum out/utf8.xml)"
$EMU "$X" -d out latin1.xml
head -c 400 out/latin1.xml; echo
