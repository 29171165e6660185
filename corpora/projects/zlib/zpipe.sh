# zpipe (zlib's deflate/inflate example): raw zlib streams, not gzip.
set -e
sh "$DATA/inputs.sh" binary
$EMU ./zpipe < "$WORK/in" > "$WORK/z"
echo "deflated: $(wc -c < "$WORK/z") bytes, cksum $(cksum < "$WORK/z")"
$EMU ./zpipe -d < "$WORK/z" | cmp - "$WORK/in" && echo "inflated ok"
