# bzip2recover on a damaged multi-block stream: the blocks it salvages, decompressed.
set -e
sh "$DATA/inputs.sh" source
cat "$WORK/in" "$WORK/in" "$WORK/in" > "$WORK/big"
$EMU ./bzip2 -1 < "$WORK/big" > "$WORK/big.bz2"
size=$(wc -c < "$WORK/big.bz2")
# overwrite 64 bytes in the middle
dd if=/dev/zero of="$WORK/big.bz2" bs=1 seek=$((size / 2)) count=64 conv=notrunc 2>/dev/null
cp bzip2 bzip2recover "$WORK/"   # it prints its argv[0]: the same in every build
cd "$WORK" && $EMU ./bzip2recover big.bz2 2>&1 | sed 's/^/recover: /'
for f in rec*big.bz2; do echo "$f: $($EMU ./bzip2 -dc < "$f" 2>/dev/null | cksum)"; done
