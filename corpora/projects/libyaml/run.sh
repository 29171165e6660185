# A libyaml test program over the examples, the regression input and a generated document:
# `run.sh PROGRAM`: one argument list; `run.sh PROGRAM stdin`: each input on stdin, then the head
# of its output and a digest of it all; `run.sh PROGRAM args small`: not the generated document
# (run-emitter and run-dumper hold at most 1000 events: they assert). Paths are printed relative
# to the inputs' folder, so both builds print the same.
prog=$1 mode=$2
. "$DATA/inputs.sh" "$3"
set -- examples/*.yaml regression-inputs/*.yml
if [ "$mode" = stdin ]; then
  rc=0
  for f in "$@"; do
    echo "== $f"
    $EMU "$TREE/tests/$prog" < "$f" > "$WORK/out" || { rc=$?; echo "exit $rc"; }
    head -40 "$WORK/out"  # then all of it as a digest: the deconstructors print megabytes
    echo "bytes $(wc -c < "$WORK/out") md5 $(md5sum < "$WORK/out" | cut -d' ' -f1)"
  done
  exit $rc
fi
$EMU "$TREE/tests/$prog" "$@"
