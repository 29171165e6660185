# Sourced: $PORT, a base port for this case's servers, derived from its $WORK folder (cases of
# other builds run at the same time, each with its own $WORK), and the helpers the workloads use.
PORT=$(( 20000 + $(printf %s "$WORK" | cksum | cut -d' ' -f1) % 20000 ))

# start_server: a server on the first free port from $PORT; sets $PORT to it. Fails after 60 s.
start_server() {
    tries=0
    while :; do
        src/redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
            --enable-debug-command yes --daemonize no --logfile "$WORK/server-$PORT.log" &
        SERVER=$!
        waited=0
        while [ $waited -lt 600 ]; do
            if src/redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG; then
                return 0
            fi
            kill -0 $SERVER 2>/dev/null || break
            sleep 0.1
            waited=$((waited + 1))
        done
        kill -9 $SERVER 2>/dev/null
        tries=$((tries + 1))
        if [ $tries -ge 5 ]; then
            echo "redis-server did not answer on 127.0.0.1 ($PORT and 4 more ports); its log:"
            tail -5 "$WORK"/server-*.log
            return 1
        fi
        PORT=$((PORT + 1))
    done
}

stop_server() {
    src/redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1
    wait $SERVER
}
