# The inputs, copied out of the tree (tests of one build share it: none may write there):
# `. inputs.sh [small]` leaves the shell in $WORK/in, with examples/, regression-inputs/ and, unless
# small, examples/zz-generated.yaml; $TREE is the built tree.
TREE=$(pwd)
mkdir -p "$WORK/in/examples" "$WORK/in/regression-inputs"
cp examples/*.yaml "$WORK/in/examples/"
cp regression-inputs/*.yml "$WORK/in/regression-inputs/"
[ "$1" = small ] || sh "$DATA/gen.sh" "$WORK/in/examples/zz-generated.yaml"
cd "$WORK/in"
