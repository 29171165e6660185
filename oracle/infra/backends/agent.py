"""The job loop inside a worker's container: `python3 -m oracle.infra.backends.agent`.

Reads request frames on stdin and answers each on stdout (wire.serve, the loop the bwrap
sandbox's server runs too). Every job runs through proc.run, exactly as the local backend
runs it: its own process group, per-job rlimits, bounded capture, and the whole group
killed on timeout. Container-wide limits (memory, pids, cpus) come from `docker run`
flags; PID 1 (`--init`) reaps orphans.
"""

from __future__ import annotations

import os
import sys

from oracle.infra import proc
from oracle.infra.backends import wire


def run_job(req: dict) -> proc.ProcResult:
    return proc.run(req["argv"], **wire.run_args(req))


def main() -> int:
    os.umask(0)  # what jobs leave in the shared scratch folder stays removable by the host
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the protocol stream
    return wire.serve(inp.fileno(), out, run_job)


if __name__ == "__main__":
    sys.exit(main())
