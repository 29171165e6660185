# External DTDs and entities: a document whose external subset (in a subfolder) defines
# parameter entities, conditional sections, default and fixed attributes, and an external
# parsed entity (a chapter with its own text declaration, in Latin-1). xmlwf without -p (the
# external subset unread), -p (read: defaults applied), -x (external entities), -p -x -N,
# -s (not standalone: an error), and -m (meta XML with the entity events).
exec 2>&1
X=$PWD/expat/xmlwf/xmlwf
cd "$WORK" || exit 1
mkdir dtd out
cat > dtd/book.dtd <<'DTD'
<!ENTITY % inline "#PCDATA | em | code">
<!ENTITY % draft "IGNORE">
<!ENTITY % final "INCLUDE">
<![%draft;[ <!ATTLIST book state CDATA "draft"> ]]>
<![%final;[ <!ATTLIST book state CDATA "final"> ]]>
<!ELEMENT book (title, chapter+)>
<!ELEMENT title (%inline;)*>
<!ELEMENT chapter (title, para*)>
<!ELEMENT para (%inline;)*>
<!ELEMENT em (#PCDATA)>
<!ELEMENT code (#PCDATA)>
<!ATTLIST chapter id ID #REQUIRED level (1|2|3) "1" lang CDATA #FIXED "en">
<!ATTLIST para align (left|right|center) "left">
<!ENTITY product "Expat &#x2122; 2.5">
<!ENTITY % extra SYSTEM "extra.ent">
%extra;
<!ENTITY ch2 SYSTEM "../ch2.xml">
<!NOTATION gif PUBLIC "-//oracle//NOTATION GIF//EN" "image/gif">
<!ENTITY pic SYSTEM "pic.gif" NDATA gif>
DTD
printf '<!ENTITY author "J. Müller &amp; Ødegaard">\n<!ATTLIST em role CDATA "stress">\n' > dtd/extra.ent
printf '<?xml version="1.0" encoding="ISO-8859-1"?><chapter id="c2" level="2"><title>Second, by \351t\351</title><para>More &lt;text&gt; <em>here</em>.</para></chapter>' > ch2.xml
cat > book.xml <<'XML'
<?xml version="1.0" standalone="no"?>
<!DOCTYPE book SYSTEM "dtd/book.dtd" [
  <!ENTITY local "declared in the internal subset">
]>
<book>
  <title>The <em>&local;</em> book</title>
  <chapter id="c1">
    <title>First</title>
    <para align="center">About <code>XML_Parse()</code>, &local;.</para>
    <para>Tabs	and
newlines in <em>text</em>.</para>
  </chapter>
</book>
XML
sed 's|</book>|  \&ch2;\n  <para>\&product; by \&author;</para>\n</book>|' book.xml > book-ext.xml
for opts in "" "-p" "-x" "-p -x" "-p -x -N" "-s" "-p -x -m" "-p -x -c" "-p -x -n"; do
  for f in book.xml book-ext.xml; do
    echo "== xmlwf $opts $f"
    $EMU "$X" $opts -d out "$f"; echo "status $?"
    [ -f "out/$f" ] && cat "out/$f" && echo && rm "out/$f"
  done
done
