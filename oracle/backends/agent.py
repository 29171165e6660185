"""The job loop inside a worker's container: `python3 -m oracle.backends.agent`.

Reads request frames on stdin and answers each on stdout (oracle/backends/wire.py). Every
job runs through proc.run, exactly as the local backend runs it: its own process group,
per-job rlimits, bounded capture, and the whole group killed on timeout. Container-wide
limits (memory, pids, cpus) come from `docker run` flags; PID 1 (`--init`) reaps orphans.
"""

from __future__ import annotations

import os
import sys

from .. import proc
from . import wire


def _read(stream, n: int) -> bytes | None:
    data = stream.read(n)
    if len(data) < n:
        return None
    return data


def serve(inp, out) -> int:
    while True:
        head = _read(inp, wire.HEADER.size)
        if head is None:
            return 0  # the backend closed the stream: done
        (size,) = wire.HEADER.unpack(head)
        body = _read(inp, size) if size <= wire.MAX_FRAME else None
        if body is None:
            return 1
        req = wire.decode(body)
        env = {**proc.child_env(), **req["env"]} if req["env"] is not None else None
        res = proc.run(req["argv"], timeout=req["timeout"], cwd=req["cwd"], stdout_limit=req["stdout_limit"],
                       stderr_limit=req["stderr_limit"], kill_on_stdout_overflow=req["kill"],
                       limits=proc.Limits(*req["limits"]), env=env)
        out.write(wire.answer(req["seq"], res))
        out.flush()


def main() -> int:
    os.umask(0)  # what jobs leave in the shared scratch folder stays removable by the host
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the protocol stream
    return serve(inp, out)


if __name__ == "__main__":
    sys.exit(main())
