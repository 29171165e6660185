# Filter chains (delta, BCJ x86/ARM64, lzma2 options), multi-block streams, and --list on them.
set -e
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%c%c%c%c", i % 256, (i / 256) % 256, (i * 7) % 256, 0 }' > "$WORK/in"
for f in "--delta=dist=4 --lzma2=preset=6" "--x86 --lzma2" "--arm64 --lzma2=dict=1MiB,lc=0,lp=2" "--block-size=65536 -1"; do
  $EMU src/xz/xz -T1 $f -c < "$WORK/in" > "$WORK/f.xz"
  echo "$f: $(wc -c < "$WORK/f.xz") bytes, cksum $(cksum < "$WORK/f.xz")"
  $EMU src/xz/xz -dc < "$WORK/f.xz" | cmp - "$WORK/in"
done
cd "$WORK" && $EMU "$OLDPWD/src/xz/xz" --robot --list f.xz
