# Streams made by the system's bzip2, decompressed (both the fast and the small-memory decoder).
set -e
sh "$DATA/inputs.sh" source
for l in 1 9; do
  bzip2 -$l -c "$WORK/in" | $EMU ./bzip2 -d | cksum
  bzip2 -$l -c "$WORK/in" | $EMU ./bzip2 -ds | cksum
done
