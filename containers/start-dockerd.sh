#!/usr/bin/env bash
# Start a Docker engine for oracle where none runs (CI runners, agents' machines).
# Idempotent: does nothing when `docker info` already answers. The engine gets its own
# data root, no networking (oracle's containers run with --network none) and overlay2
# storage, falling back to vfs (slower container creation) where overlay2 cannot work.
#
#   containers/start-dockerd.sh            # then: oracle images build --offline
#
# Environment: ORACLE_DOCKERD_ROOT (data root, default /var/lib/oracle-docker).
set -euo pipefail

ROOT=${ORACLE_DOCKERD_ROOT:-/var/lib/oracle-docker}
LOG="$ROOT.log"
WAIT_S=60

if docker info >/dev/null 2>&1; then
  echo "start-dockerd: an engine already answers"
  exit 0
fi
if ! command -v dockerd >/dev/null; then
  echo "start-dockerd: no dockerd on PATH: run 'make setup' (apt-get install docker.io)" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "start-dockerd: dockerd needs root: run this script with sudo" >&2
  exit 1
fi

# dockerd needs the cgroup controllers mounted; on cgroup v1 hosts nothing may have done it.
if [ ! -e /sys/fs/cgroup/cgroup.controllers ] && ! grep -q ' /sys/fs/cgroup/memory ' /proc/mounts; then
  cgroupfs-mount || echo "start-dockerd: cgroupfs-mount failed; trying anyway" >&2
fi

mkdir -p "$ROOT"
for driver in overlay2 vfs; do
  echo "start-dockerd: starting dockerd ($driver, data root $ROOT, log $LOG)"
  setsid nohup dockerd --data-root "$ROOT" --exec-root "$ROOT-exec" --pidfile "$ROOT.pid" \
    --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
    --storage-driver="$driver" >"$LOG" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq $((WAIT_S * 2))); do
    if docker info >/dev/null 2>&1; then
      echo "start-dockerd: engine up (pid $pid, storage $driver)"
      exit 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "start-dockerd: dockerd with $driver did not come up" >&2
done
echo "start-dockerd: no engine; the end of $LOG:" >&2
tail -n 20 "$LOG" >&2
exit 1
