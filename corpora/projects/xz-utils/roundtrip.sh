# Round trips of the C sources through xz at several presets and checks (compressed bytes compared).
set -e
cat src/liblzma/*/*.c > "$WORK/in"
for p in "-0" "-3" "-6" "-9" "-6e" "--check=sha256 -1" "--format=lzma -2" "--format=raw --lzma1=preset=1"; do
  $EMU src/xz/xz -T1 $p -c < "$WORK/in" > "$WORK/in.xz"
  echo "$p: $(wc -c < "$WORK/in.xz") bytes, cksum $(cksum < "$WORK/in.xz")"
  case "$p" in
    --format=raw*) $EMU src/xz/xz -T1 --format=raw --lzma1=preset=1 -dc < "$WORK/in.xz" | cmp - "$WORK/in" ;;
    *) $EMU src/xz/xz -dc < "$WORK/in.xz" | cmp - "$WORK/in" ;;
  esac
done
$EMU src/xzdec/xzdec < "$WORK/in.xz" 2>/dev/null | cksum || true
echo "round trips ok"
