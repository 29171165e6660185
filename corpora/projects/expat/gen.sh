# Writes $WORK/big.xml (about 2.5 MB, UTF-8): an internal DTD (general entities, nested ones,
# default and enumerated attributes, a notation and an unparsed entity), three namespaces,
# character references beyond Latin-1, CDATA sections split around "]]>", comments, processing
# instructions, Japanese/Greek/symbol text in UTF-8, whitespace-only text and empty elements.
# awk (LC_ALL=C) writes the same bytes whoever built expat.
awk -v n="${1:-4000}" 'BEGIN {
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  print "<!DOCTYPE catalog ["
  print "  <!ENTITY co \"Ørsted &#38;amp; Søn — «société»\">"
  print "  <!ENTITY nested \"&co; / &co; / &#x263A;\">"
  print "  <!ATTLIST item status (new|used|void) \"new\" lang CDATA #IMPLIED code NMTOKEN \"x-1\">"
  print "  <!ATTLIST d:note kind CDATA #FIXED \"plain\">"
  print "  <!NOTATION png SYSTEM \"image/png\">"
  print "  <!ENTITY logo SYSTEM \"logo.png\" NDATA png>"
  print "]>"
  print "<catalog xmlns=\"urn:x-oracle:catalog\" xmlns:d=\"urn:x-oracle:detail\" xmlns:x=\"http://www.w3.org/1999/xhtml\">"
  for (i = 1; i <= n; i++) {
    cp = 160 + (i * 7919) % 40000
    printf "  <item id=\"i%d\" d:rank=\"%d\" price=\"%d.%02d\" z=\"&#x%X;&#%d;\"%s>\n", i, (i * 7919) % 1000, i, i % 100, cp, 913 + i % 50, (i % 3 ? "" : " status=\"used\"")
    printf "    <name>Item %d &co;</name>\n", i
    printf "    <d:note><![CDATA[<raw> & \"quoted\" ]]]]><![CDATA[> %d]]></d:note>\n", i
    printf "    <!-- comment %d - not a dash -->\n", i
    printf "    <?proc target=\"%d\" ?>\n", i
    printf "    <x:p xml:lang=\"ja\">日本語のテキスト %d — ελληνικά — ✓ &nested;&#10;tab\there</x:p>\n", i
    printf "    <empty a=\"%d\"/><x:br/>\n", i % 7
    printf "  </item>\n"
  }
  print "</catalog>"
}' > "$WORK/big.xml"
