# Deterministic inputs, the same for every build: sh inputs.sh source|binary|repetitive writes $WORK/in
# (run in the built tree).
case "$1" in
  source) cat *.c *.h test/*.c > "$WORK/in" ;;                      # ~400 KB of real C text
  binary) awk 'BEGIN { x = 12345; for (i = 0; i < 300000; i++) { x = (x * 1103515245 + 12345) % 2147483648;
                 printf "%c", int(x / 65536) % 256 } }' > "$WORK/in" ;;          # pseudo-random bytes
  repetitive) awk 'BEGIN { for (i = 0; i < 20000; i++) print "line", i % 37, "of a very repetitive file" }' > "$WORK/in" ;;
esac
