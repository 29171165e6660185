# Compress $1's input with minigzip -$2, print the compressed stream's checksum (identical to the
# GCC build's: deflate is deterministic), decompress it and compare with the input.
set -e
sh "$DATA/inputs.sh" "$1"
$EMU ./minigzip -$2 < "$WORK/in" > "$WORK/in.gz"
echo "compressed: $(wc -c < "$WORK/in.gz") bytes, cksum $(tail -c +11 "$WORK/in.gz" | cksum)"
$EMU ./minigzip -d < "$WORK/in.gz" > "$WORK/out"
cmp "$WORK/in" "$WORK/out" && echo "round trip ok: $(wc -c < "$WORK/out") bytes"
