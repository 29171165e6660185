# Compress $1's input at block size $2, print the stream's size and checksum, decompress, compare.
set -e
sh "$DATA/inputs.sh" "$1"
$EMU ./bzip2 -$2 < "$WORK/in" > "$WORK/in.bz2"
echo "compressed: $(wc -c < "$WORK/in.bz2") bytes, cksum $(cksum < "$WORK/in.bz2")"
$EMU ./bzip2 -t < "$WORK/in.bz2" && echo "integrity ok"
$EMU ./bzip2 -d < "$WORK/in.bz2" | cmp - "$WORK/in" && echo "round trip ok"
