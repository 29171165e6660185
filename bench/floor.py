"""The floor: the same compile-and-run commands oracle issues, as a plain `xargs -P` shell pipeline.

    python bench/floor.py --compiler tcc --suite torture --arch x86_64 [-j 2]

prints the wall time of the shell pipeline, for comparison with `oracle run` on the same cases.

    python bench/floor.py --compiler CC --suite torture --arch ARCH --after-change GLOB

is the after-change floor: only the candidate's compiles, and runs of the executables that
changed (the cases whose sources, as the compile sees them, `src/NAME`, match GLOB), with the
references known: what a warm run after a compiler change cannot avoid.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import shlex
import subprocess
import sys
import tempfile
import time

from oracle.config import options, machine
from oracle.infra import scratch
from oracle.judge.judging import compile_argv, run_argv
from oracle.discover.select import select_cases
from oracle.config.targets import TARGETS


def case_script(cfg: options.RunConfig, case, work: str) -> str:
    """One case as oracle runs it: reference at each level (+ a rerun when it prints), candidate."""
    ref, cand = cfg.references[case.arch].argv, cfg.candidates[case.arch].argv
    emu = cfg.emulators[case.arch].argv
    t = cfg.run_timeout * TARGETS[case.arch].slowdown * case.timeout_factor
    d = f"{work}/{abs(hash(case.id))}"
    steps = [f"mkdir -p {d} && cd {d} && export TMPDIR={d}"]  # oracle's compilers, too, keep their temporaries there
    for i, level in enumerate(case.ref_opts):
        exe = f"./r{i}"
        steps.append(f"{shlex.join(compile_argv(ref, level.split(), case, case.sources, exe))} 2>/dev/null")
        steps.append(f"out=$(timeout -s KILL {t:g} {shlex.join(run_argv(emu, exe))} </dev/null)")
    steps.append(f'[ -n "$out" ] && timeout -s KILL {t:g} {shlex.join(run_argv(emu, "./r1"))} </dev/null >/dev/null')
    steps.append(f"{shlex.join(compile_argv(cand, case.opt_argv, case, case.sources, './c'))} 2>/dev/null "
                 f"&& timeout -s KILL {t:g} {shlex.join(run_argv(emu, './c'))} </dev/null >/dev/null")
    steps.append(f"cd / && rm -rf {d}")
    return "; ".join(steps)


def after_change_script(cfg: options.RunConfig, case, work: str, changed: str) -> str:
    """One case after a compiler change: the candidate's compile; its run only if its bytes changed."""
    cand, emu = cfg.candidates[case.arch].argv, cfg.emulators[case.arch].argv
    t = cfg.run_timeout * TARGETS[case.arch].slowdown * case.timeout_factor
    d = f"{work}/{abs(hash(case.id))}"
    seen = " ".join(f"src/{os.path.basename(s)}" for s in case.sources)
    steps = [f"mkdir -p {d} && cd {d} && export TMPDIR={d}",
             f"{shlex.join(compile_argv(cand, case.opt_argv, case, case.sources, './c'))} 2>/dev/null"]
    if fnmatch.fnmatch(seen, changed):
        steps[-1] += f" && timeout -s KILL {t:g} {shlex.join(run_argv(emu, './c'))} </dev/null >/dev/null"
    steps.append(f"cd / && rm -rf {d}")
    return "; ".join(steps)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--compiler", action="append", required=True)
    ap.add_argument("--suite", default="torture")
    ap.add_argument("--arch")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--ratio", type=float, help="the same sample as oracle's --ratio P (with its default seed)")
    ap.add_argument("--after-change", metavar="GLOB", help="the after-change floor: candidate compiles only, and "
                    "runs of the cases whose sources (as src/NAME) match GLOB")
    args = ap.parse_args()
    cfg = machine.build({"compiler": args.compiler, "suite": args.suite, "arch": args.arch, "ratio": args.ratio})
    cases = [c for c in select_cases(cfg) if not c.unsupported]
    # The same scratch filesystem as oracle's Judges (RAM when /dev/shm is usable): the floor
    # is the commands' cost, not the cost of where their files go.
    with tempfile.TemporaryDirectory(prefix="oracle-floor-", dir=scratch.root()) as work:
        script = ((lambda c: after_change_script(cfg, c, work, args.after_change)) if args.after_change
                  else (lambda c: case_script(cfg, c, work)))
        lines = "".join(script(c).replace("\n", " ") + "\n" for c in cases)
        start = time.monotonic()
        subprocess.run(["xargs", "-d", "\n", "-P", str(args.jobs), "-n", "1", "sh", "-c"], input=lines.encode(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - start
    print(f"floor: {len(cases)} cases, xargs -P{args.jobs}: {wall:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
