#!/bin/sh
# Under qemu-user ($EMU set), each of src/'s programs becomes a wrapper that runs the executable
# (now NAME.bin) under the emulator: runtest and the workloads start src/redis-server themselves.
# redis-server picks its mode from argv[0] (redis-check-rdb, redis-check-aof): NAME.bin keeps it.
[ -n "$EMU" ] || exit 0
for p in redis-server redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
    [ -f "src/$p.bin" ] || mv "src/$p" "src/$p.bin"
    printf '#!/bin/sh\nexec %s "$0.bin" "$@"\n' "$EMU" > "src/$p"
    chmod +x "src/$p"
done
