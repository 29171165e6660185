#!/bin/sh
# Runs FATE tests (names without the fate- prefix) through FFmpeg's own harness, in the built
# tree, with no samples (TARGET_EXEC, the emulator, is in config.mak on a cross build). Prints
# each test's verdict from its report file (tests/data/fate/NAME.rep: name, status); for a failed
# one, its comparison output (a diff without its file/time header lines, or tiny_psnr's numbers).
# Exit 1 when any test failed or did not run.
targets=
for t; do
    targets="$targets fate-$t"
    rm -f "tests/data/fate/$t.rep"
done
make -k -j1 $targets SAMPLES= >"$WORK/make.log" 2>&1
bad=0
for t; do
    rep="tests/data/fate/$t.rep"
    if [ ! -f "$rep" ]; then
        echo "$t: not run"
        bad=1
        continue
    fi
    st=$(cut -d: -f2 "$rep")
    echo "$t: $st"
    if [ "$st" != 0 ]; then
        bad=1
        cut -d: -f3 "$rep" | base64 -d 2>/dev/null | grep -v '^--- \|^+++ ' | head -40
    fi
done
exit $bad
