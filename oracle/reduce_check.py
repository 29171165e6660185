"""The interestingness test `oracle reduce` hands to C-Vise: exit 0 iff a variant is still
the same bug in a well-defined program.

    python -m oracle.reduce_check SPEC.json FILE.c [--explain]

A variant is kept only when, in this order (cheapest first):
1. gcc -Wall finds no use of an uninitialised variable and no missing return;
2. pipeline.Judge gives the same verdict as the original (for compile errors and
   compiler crashes, also the same normalised diagnostic), which means the reference
   builds and runs it at -O0 and -O2 and agrees with itself;
3. the program built by the host gcc with -fsanitize=undefined,address runs clean.
Without these a reducer happily turns a miscompilation into undefined behaviour.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
from pathlib import Path

from . import proc
from .cluster import DIAG_VERDICTS, normalise_diagnostic
from .config import RunConfig
from .model import Case
from .targets import HOST_ARCH

BAD_WARNINGS = ("-Wuninitialized", "-Wmaybe-uninitialized", "-Wreturn-type", "-Wmain")
SANITIZER_ERRORS = (b"runtime error:", b"ERROR: AddressSanitizer", b"ERROR: LeakSanitizer")
SAN_ENV = {**os.environ, "LC_ALL": "C", "LANG": "C", "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0",
           "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=0"}


def spec_for(cfg: RunConfig, case: Case, verdict: str, reason: str) -> dict:
    return {"config": cfg.to_json(), "case": {f.name: getattr(case, f.name) for f in dataclasses.fields(case)},
            "verdict": verdict, "signature": normalise_diagnostic(reason, case.test) if verdict in DIAG_VERDICTS
            else None}


def check(spec: dict, file: Path) -> str | None:
    """None when the variant is interesting; else why not, in one line."""
    cfg = RunConfig.from_json(spec["config"])
    c = spec["case"]
    original_dir = str(Path(c["sources"][0]).parent)
    case = Case(**{**c, "sources": (str(file.resolve()), *c["sources"][1:]),
                   "flags": (*c["flags"], "-I", original_dir), "ref_opts": tuple(c["ref_opts"])})
    with tempfile.TemporaryDirectory(prefix="oracle-rc-") as tmp:
        why = _warnings(case, tmp)
        if why:
            return why
        from .pipeline import Judge

        judge = Judge(cfg, tmp)
        try:
            res = judge.judge(case)
        finally:
            judge.close()
        if res.verdict.name != spec["verdict"]:
            return f"verdict is {res.verdict.name} ({res.reason}), not {spec['verdict']}"
        if spec.get("signature") and normalise_diagnostic(res.reason, case.test) != spec["signature"]:
            return f"another diagnostic: {res.reason}"
        return _sanitizers(case, tmp, cfg.run_timeout)


def _warnings(case: Case, tmp: str) -> str | None:
    argv = ["gcc", "-c", "-O2", "-Wall", "-Wuninitialized", "-Wmaybe-uninitialized", "-Wreturn-type",
            *_portable(case), case.sources[0], "-o", os.path.join(tmp, "w.o")]
    res = proc.run(argv, timeout=60, cwd=tmp, stdout_limit=64 * 1024)
    if not res.status.ok:
        return "gcc -Wall rejects it"
    for line in res.stderr.decode("utf-8", "replace").splitlines():
        if any(f"[{w}]" in line for w in BAD_WARNINGS):
            return f"gcc warns: {line.strip()[:200]}"
    return None


def _sanitizers(case: Case, tmp: str, timeout: float) -> str | None:
    exe = os.path.join(tmp, "san")
    argv = ["gcc", "-O1", "-fsanitize=undefined,address", "-fno-sanitize-recover=undefined", *_portable(case),
            *case.sources, "-o", exe, "-lm"]
    build = proc.run(argv, timeout=120, cwd=tmp, stdout_limit=64 * 1024)
    if not build.status.ok or not os.path.exists(exe):
        return "does not build with -fsanitize=undefined,address"
    run = proc.run([exe], timeout=timeout * 4, cwd=tmp, env=SAN_ENV)
    if run.status.kind == proc.TIMEOUT:
        return "times out under the sanitizers"
    for marker in SANITIZER_ERRORS:
        if marker in run.stderr:
            line = run.stderr[run.stderr.find(marker):].split(b"\n", 1)[0]
            return f"sanitizer: {line.decode('utf-8', 'replace')[:200]}"
    return None


def _portable(case: Case) -> list[str]:
    """The case's flags that make sense to the host gcc (machine flags of another arch do not)."""
    flags = [f for f in case.flags if f != "-w"]
    return flags if case.arch == HOST_ARCH else [f for f in flags if not f.startswith("-m")]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    explain = "--explain" in args
    args = [a for a in args if a != "--explain"]
    spec = json.loads(Path(args[0]).read_text())
    why = check(spec, Path(args[1]))
    if explain:
        print(why or "interesting")
    return 0 if why is None else 1


if __name__ == "__main__":
    sys.exit(main())
