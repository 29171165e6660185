# workload.sh WHAT: a differential workload over json-c (run in the built tree; $WORK is fresh).
#   parse     jcwork parse over generated documents of 3000 items (1.3 MB) and of 40 items (also
#             parsed a byte at a time): the statistics it prints, each serialization's size, md5
#             and head
#   numbers   jcwork numbers (doubles, int64/uint64 limits, conversions, double formats)
#   deep      jcwork deep: nesting 4000, 300 and 3 deep
#   objects   jcwork objects 30000 and 100 (inserts, look-ups, deletes, sort, bsearch, printbuf)
#   json_parse  the project's apps/json_parse over the generated document (pretty, plain,
#             strict) and malformed documents (their error messages, from its stderr); its
#             "maxrss" line is dropped (the memory it used)
what=$1
TREE=$(pwd)
cd "$WORK" || exit 1
case $what in
parse)
    rc=0
    for n in 3000 40; do
        echo "=== $n items"
        sh "$DATA/gen.sh" $n > doc$n.json
        $EMU "$TREE/jcwork" parse doc$n.json out$n || rc=$?
        for f in out$n.*; do
            echo "== $f: $(wc -c < $f) bytes, md5 $(md5sum < $f | cut -d' ' -f1)"
            head -c 600 $f; echo
        done
    done
    exit $rc ;;
numbers) exec $EMU "$TREE/jcwork" numbers ;;
deep)
    for n in 4000 300 3; do $EMU "$TREE/jcwork" deep $n || exit $?; done ;;
objects)
    for n in 30000 100; do $EMU "$TREE/jcwork" objects $n || exit $?; done ;;
json_parse)
    sh "$DATA/gen.sh" 2000 > doc.json
    run() {
        echo "== json_parse $*"
        $EMU "$TREE/apps/json_parse" "$@" > out 2> err
        echo "exit $?"
        grep -v '^maxrss: ' out > out.json
        echo "stdout: $(wc -c < out.json) bytes, md5 $(md5sum < out.json | cut -d' ' -f1)"
        head -c 400 out.json; echo
        echo "stderr:"; cat err
    }
    run doc.json
    run -f doc.json
    run -s doc.json
    run -n doc.json
    i=0
    for doc in '[1,2' '{"a":01}' '{"a":1,}' '[1,2,]' '{"a" 1}' '"\ud800"' '"\uZZZZ"' '[tru]' 'nul' \
               '{"a":1} x' '[1e]' '[-]' '[.5]' '[0x10]' "{'a':1}" '"tab	in string"' '[1,2]]' \
               '[NaN,Infinity,-Infinity]' '[1.0e+400]' '/* comment */ [1] // more' '{"\u00e9":"\u20ac"}'; do
        i=$((i + 1))
        printf '%s' "$doc" > bad$i.json
        echo "=== $doc"
        run bad$i.json
        run -s bad$i.json
    done ;;
*) echo "workload.sh: unknown $what" >&2; exit 2 ;;
esac
