# Block sizes, dependent blocks, checksums, content size, the legacy format; lz4 -t on each.
set -e
$EMU tests/datagen -g600K -s3 -P60 > "$WORK/in"
for opts in "-B4" "-B5" "-B6 -BD" "-B7 --no-frame-crc" "-BX" "--content-size" "-l" "--fast=3"; do
  $EMU programs/lz4 -q $opts -c "$WORK/in" > "$WORK/in.lz4"
  echo "$opts: $(wc -c < "$WORK/in.lz4") bytes, cksum $(cksum < "$WORK/in.lz4")"
  $EMU programs/lz4 -q -t "$WORK/in.lz4"
  $EMU programs/lz4 -q -d -c "$WORK/in.lz4" | cmp - "$WORK/in"
done
echo "blocks ok"
