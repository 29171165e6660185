# Round trips at several levels on datagen data (compressible, seeded) and on the C sources.
set -e
$EMU tests/datagen -g1M -s7 > "$WORK/gen"
cat lib/*.c lib/*.h programs/*.c > "$WORK/src"
for f in gen src; do
  for l in 1 3 9 12; do
    $EMU programs/lz4 -q -$l -c "$WORK/$f" > "$WORK/$f.lz4"
    echo "$f -$l: $(wc -c < "$WORK/$f.lz4") bytes, cksum $(cksum < "$WORK/$f.lz4")"
    $EMU programs/lz4 -q -d -c "$WORK/$f.lz4" | cmp - "$WORK/$f"
  done
done
echo "round trips ok"
