# A generated YAML document (deterministic) with what the examples lack at scale: nested block and
# flow collections, anchors and aliases, every scalar style, tags, multi-line folded and literal
# blocks, UTF-8 and escapes, several documents. Written to $1.
awk 'BEGIN {
  print "%YAML 1.1"; print "%TAG !e! tag:example.com,2000:"; print "---"
  for (i = 0; i < 300; i++) {
    printf "item%d: &a%d\n  id: %d\n  hex: 0x%x\n  float: %d.%03d\n", i, i, i, i * 7919, i, (i * 37) % 1000
    printf "  name: \"n\\u00e9\\t%d \\\"q\\\"\"\n  single: '"'"'it'"'"''"'"'s %d'"'"'\n", i, i
    printf "  flow: {a: [%d, %d, {b: c%d}], d: !e!tag v%d}\n", i, i + 1, i, i
    printf "  literal: |\n    line one %d\n      indented\n    last\n", i
    printf "  folded: >-\n    folded %d\n    text here\n\n    para\n", i
    if (i > 0) printf "  ref: *a%d\n", i - 1
    printf "  list:\n"
    for (j = 0; j < i % 5; j++) printf "  - - %d\n    - ~\n    - true\n", j
  }
  print "..."; print "--- !!seq"; for (i = 0; i < 50; i++) printf "- ? complex key %d\n  : value %d\n", i, i
  print "--- plain scalar document"; print "..."
}' > "$1"
