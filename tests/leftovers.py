"""Run the test suite, then check it left nothing behind: no process, nothing in /tmp.

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

TMP = tempfile.gettempdir()


def snapshot() -> set[str]:
    return set(os.listdir(TMP))


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
    new = sorted(n for n in snapshot() - before if n.startswith(("oracle", "pytest-of", "tmp")) or "oracle" in n)
    for p in problems:
        print(f"LEFT BEHIND: process {p}")
    for n in new:
        print(f"LEFT BEHIND: {os.path.join(TMP, n)}")
    if rc == 0 and (problems or new):
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
