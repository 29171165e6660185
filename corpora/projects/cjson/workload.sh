# workload.sh WHAT: a differential workload over cJSON (run in the built tree; $WORK is fresh).
#   parse     cjwork parse over a generated document of 3000 items (1.3 MB), one of 300 items with
#             JSON Patch and merge patch round trips, and each of the source's tests/inputs (one
#             is not JSON): what it prints, each written output's size, md5 and head
#   numbers   cjwork numbers (number texts, random doubles' bit patterns, arrays, saturation)
#   deep      cjwork deep: nesting 999, 1000, 1001 (CJSON_NESTING_LIMIT is 1000), 5000 and 3
#   objects   cjwork objects 3000 and 50 (look-ups, detach, replace, insert, allocation counts)
#   minify    cjwork minify
what=$1
TREE=$(pwd)
cd "$WORK" || exit 1
case $what in
parse)
    rc=0
    sh "$DATA/gen.sh" 3000 > big.json
    sh "$DATA/gen.sh" 300 > small.json
    for f in big.json:0 small.json:1 $(cd "$TREE/tests/inputs" && ls | grep -v '\.' | sed 's/$/:1/'); do
        doc=${f%:*} patches=${f#*:}
        [ -f "$doc" ] || cp "$TREE/tests/inputs/$doc" .
        echo "=== $doc"
        $EMU "$TREE/cjwork" parse "$doc" "out-$doc" $patches || { rc=$?; echo "exit $rc"; }
        for o in out-$doc.*; do
            [ -f "$o" ] || continue
            echo "== $o: $(wc -c < $o) bytes, md5 $(md5sum < $o | cut -d' ' -f1)"
            head -c 300 $o; echo
        done
    done
    exit $rc ;;
numbers) exec $EMU "$TREE/cjwork" numbers ;;
deep)
    for n in 999 1000 1001 5000 3; do $EMU "$TREE/cjwork" deep $n || exit $?; done ;;
objects)
    for n in 3000 50; do $EMU "$TREE/cjwork" objects $n || exit $?; done ;;
minify) exec $EMU "$TREE/cjwork" minify ;;
*) echo "workload.sh: unknown $what" >&2; exit 2 ;;
esac
