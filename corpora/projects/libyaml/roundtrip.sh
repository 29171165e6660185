# The event stream of each input (run-parser-test-suite), emitted again as YAML
# (run-emitter-test-suite), then parsed again: both event streams printed.
. "$DATA/inputs.sh"
rc=0
for f in examples/*.yaml regression-inputs/*.yml; do
  echo "== $f"
  $EMU "$TREE/tests/run-parser-test-suite" "$f" > "$WORK/events" || { rc=$?; echo "parse exit $rc"; continue; }
  cat "$WORK/events"
  $EMU "$TREE/tests/run-emitter-test-suite" "$WORK/events" > "$WORK/emitted.yaml" || { rc=$?; echo "emit exit $rc"; continue; }
  cat "$WORK/emitted.yaml"
  $EMU "$TREE/tests/run-parser-test-suite" "$WORK/emitted.yaml" | cmp -s - "$WORK/events" && echo "events again: same" || echo "events again: differ"
done
exit $rc
