# Entity expansion and its limits: a "billion laughs" document (refused: the amplification
# factor is breached), a milder one under the limits, and the same with xmlwf's -a (maximum
# factor) and -b (activation threshold) options; then the large-token reparse deferral, on and
# off (-q), with long tokens that arrive in many read() chunks from a pipe.
exec 2>&1
X=$PWD/expat/xmlwf/xmlwf
cd "$WORK" || exit 1
mkdir out
sum() {  # the output's size and cksum, if xmlwf kept one (it deletes it on errors)
  [ -f "$1" ] && echo ", $(wc -c < "$1") bytes, cksum $(cksum < "$1")" && rm "$1"
}
lol() {  # lol LEVELS FANOUT: a document with LEVELS nested entities, each FANOUT copies of the last
  printf '<!DOCTYPE lolz [\n<!ENTITY l0 "lol">\n'
  i=1
  while [ $i -le "$1" ]; do
    printf '<!ENTITY l%d "' $i
    j=0; while [ $j -lt "$2" ]; do printf '&l%d;' $((i - 1)); j=$((j + 1)); done
    printf '">\n'
    i=$((i + 1))
  done
  printf ']>\n<lolz>&l%d;</lolz>\n' "$1"
}
lol 9 10 > laughs.xml
lol 4 6 > chuckle.xml
lol 6 10 > giggle.xml
for opts in "" "-a 2000" "-b 16000000" "-a 10 -b 1000" "-a 0.5"; do
  for f in laughs.xml chuckle.xml giggle.xml; do
    $EMU "$X" $opts -d out "$f"
    echo "xmlwf $opts $f: status $?$(sum "out/$f")"
  done
done
awk 'BEGIN { printf "<doc>"; for (i = 0; i < 200; i++) { printf "<t%d a=\"", i; for (j = 0; j < 3000; j++) printf "%c", 97 + (i + j) % 26; printf "\">"; for (j = 0; j < 2000; j++) printf "x"; printf "<![CDATA["; for (j = 0; j < 2500; j++) printf "]"; printf "]]></t%d>", i } printf "</doc>\n" }' > tokens.xml
for opts in "" "-q"; do
  $EMU "$X" $opts -d out < tokens.xml
  echo "xmlwf $opts < tokens.xml: status $?$(sum out/STDIN)"
done
