"""Run the test suite, then check it left nothing behind: no process, nothing in /tmp or /dev/shm.

    python tests/leftovers.py -- <pytest arguments>

Exit status is pytest's, or 1 if pytest passed but something was left behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time

from oracle.infra import scratch

# Where oracle leaves things if it leaks: the temp folder and the Judges' scratch root (/dev/shm).
ROOTS = sorted({tempfile.gettempdir(), scratch.root()})


def snapshot() -> set[str]:
    return {os.path.join(root, n) for root in ROOTS for n in os.listdir(root)}


def stray_processes(markers: list[str]) -> list[str]:
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(m in cmd for m in markers):
            out.append(f"{pid} {cmd[:200]}")
    return out


def main() -> int:
    args = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    before = snapshot()
    base = tempfile.mkdtemp(prefix="oracle-tests-")
    try:
        rc = subprocess.call([sys.executable, "-m", "pytest", f"--basetemp={base}/t", *args])
    finally:
        shutil.rmtree(base, ignore_errors=True)
    time.sleep(1)
    problems = stray_processes([base, "oracle-work-", "oracle-pytest-", "oracle-repro."])
    new = sorted(p for p in snapshot() - before
                 if os.path.basename(p).startswith(("oracle", "pytest-of", "tmp")) or "oracle" in os.path.basename(p))
    for p in problems:
        print(f"LEFT BEHIND: process {p}")
    for p in new:
        print(f"LEFT BEHIND: {p}")
    if rc == 0 and (problems or new):
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
