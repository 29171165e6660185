#!/bin/sh
# A scripted session through redis-cli against a fresh server: every reply (redis-cli's raw
# output, DUMP payloads as bytes) is the output; ends with the dataset's DEBUG DIGEST.
. "$DATA/port.sh"
sh "$DATA/commands.sh" > "$WORK/commands.txt"
start_server || exit 1
src/redis-cli -p "$PORT" < "$WORK/commands.txt"
status=$?
stop_server
echo "redis-cli: exit $status"
