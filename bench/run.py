"""`make bench`: oracle against the bare floor, cold and warm, on the same machine in one go.

For the torture suite on x86_64 (tcc as candidate) and aarch64, riscv64, i686 (their cross gcc as
candidate) it times: (a) the floor, a plain `xargs -P<cores>` pipeline over the same
compile-and-run commands oracle issues; (b) `oracle run` with an empty reference cache;
(c) `oracle run` again, warm (the same compiler: no case is compiled); (d) a second agent on the
same compiler and cache, from another folder with its own copy of the suite; (e) the after-change
floor, an `xargs -P<cores>` pipeline of only a changed candidate's compiles and the runs of the 48
executables it builds differently; (f) warm after that candidate change (every case compiled, the
other executables' judgements reused); (g) the time to the first ERROR line of a warm run of the
changed candidate (which also fails one test) with `--max-failures 1` and the history of (f).
Then `--fast` end to end over all arches, and the peak RSS of the coordinator and of a worker
on a large synthetic suite. Results go to bench/results/<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORACLE = [sys.executable, "-m", "oracle.cli"]
ARCHES = {"x86_64": ["--compiler", "tcc"], "aarch64": ["--compiler", "aarch64=aarch64-linux-gnu-gcc"],
          "riscv64": ["--compiler", "riscv64=riscv64-linux-gnu-gcc"], "i686": ["--compiler", "i686=i686-linux-gnu-gcc"]}
# The tests a "changed" candidate builds differently (-g changes their bytes): 48 of 1,592 torture tests.
CHANGED_TESTS = "*src/2001*"
# The test the changed candidate fails (a planted compile error): what the first-ERROR timing looks for.
PLANTED_FAILURE = "*src/20000112-1.c*"


def changed_candidate(arch: str, work: Path, compiler: list[str]) -> list[str]:
    """The arch's candidate wrapped in a new script that builds CHANGED_TESTS with -g: an agent's
    next commit, which changes the compiler and a few of the executables it makes."""
    spec = compiler[1]
    prefix, cmd = (spec.split("=", 1)[0] + "=", spec.split("=", 1)[1]) if "=" in spec else ("", spec)
    script = work / f"changed-cc-{arch}.sh"  # (not changed-ARCH: that is the run's --out folder)
    script.write_text(f'#!/bin/sh\ncase "$*" in {CHANGED_TESTS}) set -- -g "$@";; esac\n'
                      f'case "$*" in {PLANTED_FAILURE}) echo "changed-cc: error: planted" >&2; exit 1;; esac\n'
                      f'exec {cmd} "$@"\n')
    script.chmod(0o755)
    return ["--compiler", f"{prefix}{script}"]


def vm_hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for e in os.listdir("/proc"):
        if e.isdigit():
            try:
                with open(f"/proc/{e}/stat") as f:
                    kids.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(e))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def is_python(pid: int) -> bool:
    try:
        return "python" in os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False


def timed(cmd: list[str], time_v: bool = False, **kw) -> dict:
    """Wall time, and peak RSS of the process (the coordinator) and of its Python children (workers).
    With time_v the command runs under `/usr/bin/time -v`, whose "Maximum resident set size" (the
    largest process of the whole tree) is reported too."""
    start = time.monotonic()
    argv = ["/usr/bin/time", "-v", *cmd] if time_v else cmd
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    peaks = {"coordinator_kb": 0, "worker_kb": 0}
    done = threading.Event()

    def sample():
        coordinator = None if time_v else p.pid
        while not done.is_set():
            if coordinator is None:  # the child of /usr/bin/time, once it is there
                kids = descendants(p.pid)
                coordinator = kids[0] if kids else None
            if coordinator is not None:
                peaks["coordinator_kb"] = max(peaks["coordinator_kb"], vm_hwm_kb(coordinator))
                for d in descendants(coordinator):
                    if is_python(d):
                        peaks["worker_kb"] = max(peaks["worker_kb"], vm_hwm_kb(d))
            done.wait(0.5)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, _ = p.communicate()
    done.set()
    t.join()
    lines = out.strip().splitlines()
    res = {"wall_s": round(time.monotonic() - start, 2), "rc": p.returncode, "tail": lines[:2], **peaks}
    for line in lines:
        if "Maximum resident set size (kbytes)" in line:
            res["time_v_max_rss_kb"] = int(line.rsplit(":", 1)[1])
    return res


def first_error(cmd: list[str], **kw) -> dict:
    """Seconds until the command prints its first ERROR line (None: it printed none), and its end."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    first = None
    lines = []
    for line in p.stdout:
        lines.append(line.rstrip("\n"))
        if first is None and line.startswith("ERROR "):
            first = round(time.monotonic() - start, 2)
    p.wait()
    return {"first_error_s": first, "wall_s": round(time.monotonic() - start, 2), "rc": p.returncode,
            "tail": lines[:4]}


def second_agent(common: list[str], arch: str, work: Path) -> dict:
    """The same compiler and cache from another agent: its own folder and its own copy of the suite."""
    from oracle.discover.corpus import torture_dir

    home = work / f"agent2-{arch}"
    suite = home / "checkout" / "corpora" / "torture"
    suite.parent.mkdir(parents=True)
    subprocess.run(["cp", "-r", str(torture_dir()), str(suite)], check=True)
    env = {**os.environ, "ORACLE_TORTURE_DIR": str(suite), "XDG_CACHE_HOME": str(home / "xdg")}
    return timed([*common, "--out", str(home / "out")], cwd=str(home), env=env)


def bench_arch(arch: str, jobs: int, work: Path, compiler: list[str], with_floor: bool = True) -> dict:
    floor_py = [sys.executable, str(HERE / "floor.py")]
    floor = timed([*floor_py, *compiler, "--suite", "torture", "--arch", arch, "-j", str(jobs)]) if with_floor else None
    cache = work / f"cache-{arch}"
    common = [*ORACLE, "run", *compiler, "--suite", "torture", "--arch", arch, "-j", str(jobs), "--cache", str(cache)]
    cold = timed([*common, "--no-history", "--out", str(work / f"cold-{arch}")])
    warm = timed([*common, "--no-history", "--out", str(work / f"warm-{arch}")])
    second = second_agent([*common, "--no-history"], arch, work)
    head = len(ORACLE) + 1  # ORACLE, "run"
    changed_cc = changed_candidate(arch, work, compiler)
    after_floor = timed([*floor_py, *changed_cc, "--suite", "torture", "--arch", arch, "-j", str(jobs),
                         "--after-change", CHANGED_TESTS]) if with_floor else None
    changed_common = [*common[:head], *changed_cc, *common[head + len(compiler):],
                      "--history", str(work / f"history-{arch}.db")]
    changed = timed([*changed_common, "--out", str(work / f"changed-{arch}")])
    first = first_error([*changed_common, "--max-failures", "1", "--out", str(work / f"first-{arch}")])
    return {"compiler": compiler, "floor": floor, "cold": cold, "warm": warm, "second_agent": second,
            "after_change_floor": after_floor, "warm_changed": changed, "first_error": first,
            "cold_over_floor": round(cold["wall_s"] / floor["wall_s"], 3) if floor else None,
            "warm_over_cold": round(warm["wall_s"] / cold["wall_s"], 3),
            "second_agent_over_cold": round(second["wall_s"] / cold["wall_s"], 3),
            "warm_changed_over_cold": round(changed["wall_s"] / cold["wall_s"], 3),
            "warm_changed_over_floor": round(changed["wall_s"] / after_floor["wall_s"], 3) if after_floor else None}


def line_of(arch: str, r: dict) -> str:
    floor = f"floor {r['floor']['wall_s']}s · cold {r['cold']['wall_s']}s ({r['cold_over_floor']}× floor)" \
        if r["floor"] else f"cold {r['cold']['wall_s']}s"
    after = f"after-change floor {r['after_change_floor']['wall_s']}s · " if r["after_change_floor"] else ""
    ratio = f" ({r['warm_changed_over_floor']}× its floor)" if r["after_change_floor"] else ""
    return (f"{arch}: {floor} · warm {r['warm']['wall_s']}s ({r['warm_over_cold']}× cold) · "
            f"same compiler, second agent {r['second_agent']['wall_s']}s ({r['second_agent_over_cold']}× cold) · "
            f"{after}after a candidate change {r['warm_changed']['wall_s']}s{ratio} · "
            f"first ERROR {r['first_error']['first_error_s']}s · "
            f"coordinator {r['cold']['coordinator_kb'] // 1024} MB, worker {r['cold']['worker_kb'] // 1024} MB")


def bench_rss(cases: int, jobs: int, work: Path) -> dict:
    """A synthetic suite of trivial programs, all built with tcc (reference too), to load the coordinator."""
    suite = work / "synthetic"
    suite.mkdir(exist_ok=True)
    for i in range(cases // 2):
        (suite / f"p{i:05}.c").write_text(f'#include <stdio.h>\nint main(void){{printf("%d\\n", {i});return 0;}}\n')
    res = timed([*ORACLE, "run", "--compiler", "tcc", "--reference", "tcc", "--suite", str(suite), "--opt", "O0,O1",
                 "-j", str(jobs), "--cache", str(work / "cache-rss"), "--no-history", "--out", str(work / "rss")])
    res["cases"] = cases
    return res


def bench_generated_rss(counts: list[int], jobs: int, work: Path) -> dict:
    """Peak RSS of `oracle run --suite csmith --count N` for each N (under /usr/bin/time -v): generated
    suites stream, so it should not grow with N. tcc builds both sides (the reference too) and a short
    reference timeout drops csmith's endless loops quickly: what is measured is oracle's memory, not GCC's."""
    out: dict = {}
    for n in counts:
        r = timed([*ORACLE, "run", "--compiler", "tcc", "--reference", "tcc", "--suite", "csmith", "--count", str(n),
                   "--seed", "1", "-j", str(jobs), "--no-ub-check", "--ref-run-timeout", "1", "--no-cache",
                   "--no-history", "--no-progress", "--out", str(work / f"gen{n}")], time_v=True)
        out[str(n)] = r
        print(f"csmith --count {n}: {r['wall_s']}s, coordinator peak {r['coordinator_kb'] // 1024} MB, "
              f"/usr/bin/time -v max RSS {r.get('time_v_max_rss_kb', 0) // 1024} MB")
    if len(counts) > 1:
        # /usr/bin/time -v reports the largest single process of the tree: with more programs, a
        # bigger csmith or compiler run is likelier (csmith alone ranges 4-81 MB over seeds 1-200).
        # oracle's own memory is the coordinator's (the generated-run engine is its threads).
        for key, name in (("time_v_max_rss_kb", "time_v"), ("coordinator_kb", "coordinator")):
            peaks = [out[str(n)].get(key, 0) for n in counts]
            out[f"{name}_largest_over_smallest"] = round(peaks[-1] / peaks[0], 3) if peaks[0] else None
            print(f"{name} peak RSS, --count {counts[-1]} over --count {counts[0]}: "
                  f"{out[f'{name}_largest_over_smallest']}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default=",".join(ARCHES))
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rss-cases", type=int, default=20000, help="cases in the synthetic RSS run (0: skip)")
    ap.add_argument("--gen-counts", default="", help="e.g. 500,5000: peak RSS of csmith runs of these sizes")
    ap.add_argument("--candidate", action="append", default=[], metavar="ARCH=CMD",
                    help="time this candidate on ARCH instead of the default (e.g. riscv64=./ccc-riscv)")
    ap.add_argument("--no-floor", action="store_true", help="skip the floor pipeline (cold and warm only)")
    args = ap.parse_args()
    compilers = dict(ARCHES)
    for spec in args.candidate:
        arch, sep, cmd = spec.partition("=")
        if not sep or arch not in ARCHES or not cmd:
            ap.error(f"--candidate {spec!r}: give ARCH=CMD with ARCH one of {', '.join(ARCHES)}")
        compilers[arch] = ["--compiler", f"{arch}={cmd}"]
    results: dict = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "jobs": args.jobs, "arches": {}}
    with tempfile.TemporaryDirectory(prefix="oracle-bench-") as tmp:
        work = Path(tmp)
        arches = [a for a in args.arch.split(",") if a]
        for arch in arches:
            r = results["arches"][arch] = bench_arch(arch, args.jobs, work, compilers[arch], not args.no_floor)
            print(line_of(arch, r))
        if arches:
            fast = timed([*ORACLE, "run", *(x for a in ARCHES for x in compilers[a]), "--suite", "torture", "--fast",
                          "--no-history", "--out", str(work / "fast")])
            results["fast"] = fast
            print(f"--fast over torture, all {len(ARCHES)} arches: {fast['wall_s']}s end to end")
        if args.rss_cases:
            rss = results["rss"] = bench_rss(args.rss_cases, args.jobs, work)
            print(f"{args.rss_cases}-case run: {rss['wall_s']}s, coordinator peak {rss['coordinator_kb'] // 1024} MB, "
                  f"worker peak {rss['worker_kb'] // 1024} MB")
        if args.gen_counts:
            results["generated_rss"] = bench_generated_rss([int(n) for n in args.gen_counts.split(",")], args.jobs,
                                                           work)
    out = HERE / "results" / f"{time.strftime('%Y-%m-%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
