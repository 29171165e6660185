# One of cJSON's own Unity test programs (tests/NAME, run in tests/ as its CTest entry does: it
# reads inputs/ and json-patch-tests/ there). Unity names each test by the path the program was
# compiled from (__FILE__: the build folder's, another in every build and in a reused object), so
# everything up to "tests/" is dropped from its output; the exit status is the program's.
cd tests || exit 1
$EMU ./"$1" > "$WORK/out"
rc=$?
sed 's#^[^:]*/tests/#tests/#' "$WORK/out"
exit $rc
