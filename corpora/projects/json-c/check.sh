# One of json-c's own test programs, as its tests/NAME.test runs it (in a fresh folder holding
# valid.json, the source's tests/ folder as argument, _JSON_C_STRERROR_ENABLE=1 so that errno
# names are printed, not strerror's text): its output is printed, then whether it matches the
# shipped NAME.expected. test1 and test2 also run their "Formatted" builds with the flags
# test1.test passes. Paths are given relative (../tests), so both builds print the same.
# Exit: the program's status, or 1 when an output differs from its .expected.
name=$1
TREE=$(pwd)
export _JSON_C_STRERROR_ENABLE=1
mkdir -p "$WORK/run" && cd "$WORK/run" || exit 1
rm -rf src && cp -r "$TREE/tests" src && cp src/valid.json .
rc=0
one() {  # one() OUTPUT PROGRAM ARGS...
    out=$1 prog=$2; shift 2
    echo "== $out: $prog $*"
    $EMU "$TREE/tests/$prog" "$@" > "$out.out"
    st=$?
    cat "$out.out"
    echo "== exit $st"
    if cmp -s "src/$out.expected" "$out.out"; then echo "== same as $out.expected"
    else echo "== differs from $out.expected:"; diff "src/$out.expected" "$out.out" | head -40; [ $rc -ne 0 ] || rc=1; fi
    [ $st -eq 0 ] || rc=$st
}
one "$name" "$name" src
case $name in
test1|test2)
    for flag in plain spaced pretty; do one ${name}Formatted_$flag ${name}Formatted $flag; done
    one ${name}Formatted_spaced_pretty ${name}Formatted spaced pretty
    one ${name}Formatted_spaced_pretty_pretty_tab ${name}Formatted spaced pretty pretty_tab
    ;;
esac
exit $rc
