# Malformed documents, one per kind of error expat reports: xmlwf prints each one's message with
# its line and column (the position arithmetic of a miscompiled tokenizer shows up here), and
# its exit status; then all of them in one xmlwf -k call, and the same errors from a pipe.
exec 2>&1
X=$PWD/expat/xmlwf/xmlwf
cd "$WORK" || exit 1
n=0
bad() {  # bad NAME TEXT (printf format: the document)
  n=$((n + 1))
  f=$(printf '%02d-%s.xml' $n "$1")
  printf "$2" > "$f"
}
bad empty ''
bad only-space '  \n\n  '
bad unclosed '<a>\n<b>text</b>\n'
bad mismatch '<a>\n  <b>\n  </c>\n</a>\n'
bad two-roots '<a/>\n<b/>\n'
bad text-after-root '<a/>\nsome text\n'
bad lt-in-attr '<a x="1<2"/>\n'
bad dup-attr '<a x="1" y="2" x="3"/>\n'
bad undef-entity '<a>\n\n   &nope;</a>\n'
bad undef-entity-attr '<a x="&nope;"/>\n'
bad bad-charref '<a>&#xD800;</a>\n'
bad charref-zero '<a>&#0;</a>\n'
bad bad-name '<1a/>\n'
bad unclosed-cdata '<a><![CDATA[ never ends </a>\n'
bad unclosed-comment '<a><!-- never ends </a>\n'
bad double-dash '<a><!-- a -- b --></a>\n'
bad pi-xml '<a><?xml version="1.0"?></a>\n'
bad late-xmldecl '\n<?xml version="1.0"?><a/>\n'
bad bad-version '<?xml version="2.0"?><a/>\n'
bad bad-standalone '<?xml version="1.0" standalone="maybe"?><a/>\n'
bad recursive-entity '<!DOCTYPE a [\n<!ENTITY e "&f;">\n<!ENTITY f "&e;">\n]>\n<a>&e;</a>\n'
bad async-entity '<!DOCTYPE a [\n<!ENTITY e "<b>">\n]>\n<a>&e;</b></a>\n'
bad unparsed-ref '<!DOCTYPE a [\n<!NOTATION n SYSTEM "n">\n<!ENTITY e SYSTEM "e" NDATA n>\n]>\n<a>&e;</a>\n'
bad bad-doctype '<!DOCTYPE a [ <!ELEMENT a (#PCDATA|>\n]><a/>\n'
bad unbound-prefix '<a xmlns:p="urn:p"><q:b/></a>\n'
bad xmlns-reserved '<a xmlns:xml="urn:not-xml"/>\n'
bad control-char '<a>bell \007 here</a>\n'
bad bad-utf8 '<a>\303\050</a>\n'
bad overlong-utf8 '<a>\300\257</a>\n'
bad bom-then-junk '\357\273\277\357\273\277<a/>\n'
bad long-line "$(printf '<a>%0500d</a>' 0 | tr 0 x)<b"
bad deep-unclosed "$(i=0; while [ $i -lt 200 ]; do printf '<d%d>\\n' $i; i=$((i + 1)); done)"
for f in [0-9]*.xml; do
  $EMU "$X" "$f"; echo "  $f: status $?"
done
echo "-k, all at once:"
$EMU "$X" -k [0-9]*.xml; echo "  status $?"
echo "-n (namespaces):"
$EMU "$X" -n -k 25-unbound-prefix.xml 26-xmlns-reserved.xml; echo "  status $?"
echo "from a pipe:"
for f in 03-unclosed.xml 28-bad-utf8.xml 31-long-line.xml; do
  $EMU "$X" < "$f"; echo "  status $?"
done
