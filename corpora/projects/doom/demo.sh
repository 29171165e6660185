#!/bin/sh
# Plays DEMO (demo1..demo4) of the freedoom WAD WAD (freedoom1, freedoom2: Debian's `freedoom`
# package) with -timedemo, headless: SDL's dummy video driver, no sound, no music, no dialog.
# MODE nodraw: the game's logic only (-nodraw); render: every frame drawn too, each frame's
# pixels hashed by the instrumentation (oracle_state.c, whose "oracle:" lines give the game
# state every 35 tics and at the end). Prints the game's stderr and stdout without what differs
# between runs or builds (the zone's address, the configuration folder, -timedemo's timing: of
# "timed N gametics in M realtics (F fps)" only N is kept), then the -statdump file (levels
# completed during the demo) and the exit status (-timedemo ends through I_Error: 255).
wad=$1 demo=$2 mode=$3
iwad=/usr/share/games/doom/$wad.wad
[ -r "$iwad" ] || { echo "no $iwad: install Debian's freedoom package"; exit 2; }
case $mode in
    nodraw) draw=-nodraw ;;
    render) draw= ;;
    *) echo "mode: nodraw or render"; exit 2 ;;
esac
HOME=$WORK SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
export HOME SDL_VIDEODRIVER SDL_AUDIODRIVER
$EMU ./src/chocolate-doom -iwad "$iwad" -timedemo "$demo" $draw -nosound -nomusic -nosfx \
    -nogui -statdump "$WORK/stats.txt" > "$WORK/out.txt" 2> "$WORK/err.txt"
rc=$?
clean() {
    sed -e 's/^zone memory: .*, \([0-9]* allocated for zone\)$/zone memory: \1/' \
        -e '/^Using .* for configuration and saves$/d' \
        -e '/^saving config in /d' \
        -e 's/^\(timed [0-9]* gametics\) in .*/\1/' "$1"
}
echo "--- stderr"
clean "$WORK/err.txt"
echo "--- stdout"
clean "$WORK/out.txt"
echo "--- statdump"
cat "$WORK/stats.txt"
echo "--- exit $rc"
