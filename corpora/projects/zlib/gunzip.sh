# Streams made by the system's gzip (another implementation), at several levels, decompressed.
set -e
sh "$DATA/inputs.sh" source
for l in 1 6 9; do
  gzip -$l -n -c "$WORK/in" | $EMU ./minigzip -d | cksum
done
