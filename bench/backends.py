"""Docker against local: the same cases through both backends, in one invocation, same machine.

    python bench/backends.py --compiler tcc --suite torture --arch x86_64 [-j 2] [--ratio P]

runs `oracle run` with --backend local, then --backend docker, and prints each wall time,
their ratio, and every case whose verdict differs (there should be none).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(backend: str, args: argparse.Namespace, out: Path) -> float:
    argv = [sys.executable, "-m", "oracle.cli", "run", "--suite", args.suite, "--backend", backend, "--out", str(out),
            "-j", str(args.jobs), "--no-progress", "--seed", "bench",
            "--no-cache", "--no-history"]  # both cold: the reference is built and run by each backend
    for c in args.compiler:
        argv += ["--compiler", c]
    if args.arch:
        argv += ["--arch", args.arch]
    if args.ratio:
        argv += ["--ratio", str(args.ratio)]
    start = time.monotonic()
    res = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    wall = time.monotonic() - start
    if res.returncode not in (0, 1):
        sys.exit(f"{backend}: exit {res.returncode}: {res.stderr.strip()}")
    print(f"{backend:7} {wall:8.1f} s   {res.stdout.splitlines()[0] if res.stdout else ''}")
    return wall


def verdicts(out: Path) -> dict[str, str]:
    doc = json.loads((out / "results.json").read_text())
    return {c["id"]: c["verdict"] for c in doc["cases"]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--compiler", action="append", required=True)
    ap.add_argument("--suite", default="torture")
    ap.add_argument("--arch")
    ap.add_argument("--ratio", type=float)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="oracle-bench-") as tmp:
        local = run("local", args, Path(tmp, "local"))
        docker = run("docker", args, Path(tmp, "docker"))
        a, b = verdicts(Path(tmp, "local")), verdicts(Path(tmp, "docker"))
    diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    print(f"cases {len(a)}   docker/local {docker / local:.3f}   verdicts differing: {len(diff)}")
    for k in diff[:50]:
        print(f"  {k}: local {a.get(k)}, docker {b.get(k)}")
    out = Path(__file__).resolve().parent / "results" / f"backends-{time.strftime('%Y-%m-%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "argv": sys.argv[1:], "cases": len(a),
                               "local_s": round(local, 2), "docker_s": round(docker, 2),
                               "docker_over_local": round(docker / local, 3), "differing": diff}, indent=1) + "\n")
    print(f"results: {out}")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
