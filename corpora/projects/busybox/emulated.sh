#!/bin/sh
# Under qemu-user ($EMU set), ./busybox becomes a wrapper that runs the executable (now
# busybox.bin) under the emulator with the name it was called by (qemu's -0): busybox picks the
# applet from argv[0], and the test suite calls it through links named after the applets.
[ -n "$EMU" ] || exit 0
[ -f busybox.bin ] || mv busybox busybox.bin
printf '#!/bin/sh\nexec %s -0 "$0" %s "$@"\n' "$EMU" "$PWD/busybox.bin" > busybox
chmod +x busybox
