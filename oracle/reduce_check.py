"""The interestingness test `oracle reduce` hands to C-Vise: exit 0 iff a variant is still
the same bug in a well-defined program.

    python -m oracle.reduce_check SPEC.json FILE.c [--explain]

A variant is kept only when, in this order (cheapest first):
1. gcc -Wall finds no use of an uninitialised variable and no missing return;
2. pipeline.Judge, with the run's own configuration and the UB check on, gives the same
   verdict as the original (for compile errors and compiler crashes, also the same
   normalised diagnostic): the reference builds and runs it at -O0 and -O2 and agrees with
   itself, and its build with -fsanitize=undefined,address runs clean.
Without these a reducer happily turns a miscompilation into undefined behaviour. Every
build and run happens in the run's backend and sandbox, as in the run itself.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from . import proc
from . import verdict as V
from .cluster import DIAG_VERDICTS, normalise_diagnostic
from .config import RunConfig
from .model import Case
from .targets import HOST_ARCH

BAD_WARNINGS = ("-Wuninitialized", "-Wmaybe-uninitialized", "-Wreturn-type", "-Wmain")


def spec_for(cfg: RunConfig, case: Case, verdict: V.Verdict, reason: str) -> dict:
    """What the check needs, as JSON: the run's configuration (the UB check on), the case, and
    the verdict (with its normalised diagnostic, for compile-time verdicts) to keep."""
    return {"config": cfg.to_dict(), "case": case.to_json(), "verdict": verdict.name,
            "signature": normalise_diagnostic(reason, case.test) if verdict in DIAG_VERDICTS else None}


def check(spec: dict, file: Path) -> str | None:
    """None when the variant is interesting; else why not, in one line."""
    return examine(spec, file)[0]


def examine(spec: dict, file: Path):
    """(why the variant is not interesting or None, its Result or None)."""
    cfg = RunConfig.from_dict(spec["config"])
    original = Case.from_json(spec["case"])
    case = replace(original, sources=(str(file.resolve()), *original.sources[1:]),
                   flags=(*original.flags, "-I", str(Path(original.sources[0]).parent)))
    from .pipeline import Judge

    # Every build and run goes through the run's backend (its sandbox, its containers): a
    # variant is no less hostile than the test it came from.
    judge = Judge(cfg)
    try:
        why = _warnings(judge, case)
        if why:
            return why, None
        res = judge.judge(case)
    finally:
        judge.close()
    if res.verdict.name != spec["verdict"]:
        return f"verdict is {res.verdict.name} ({res.reason}), not {spec['verdict']}", res
    if spec.get("signature") and normalise_diagnostic(res.reason, case.test) != spec["signature"]:
        return f"another diagnostic: {res.reason}", res
    status = reference_status(res)
    if spec.get("ref_status") is not None and status != spec["ref_status"]:
        # The test's own check (abort() when a result is wrong) must keep passing with the
        # reference: a variant whose reference now fails its own check is another test.
        return f"the reference now ends with {status}, not {spec['ref_status']}", res
    return None, res


def reference_status(res) -> str | None:
    """How the reference's run of a judged case ended ("exit 0"), when it ran."""
    if res.ref is None or not res.ref.runs:
        return None
    return str(res.ref.expected.status)


def _warnings(judge, case: Case) -> str | None:
    work = judge.root / "warnings"
    work.mkdir(exist_ok=True)
    argv = [*judge.cfg.ub_reference, "-c", "-O2", "-Wall", "-Wuninitialized", "-Wmaybe-uninitialized",
            "-Wreturn-type", *_portable(case), case.sources[0], "-o", str(work / "w.o")]
    res = judge.backend.run(argv, arch=HOST_ARCH, timeout=60, cwd=str(work), stdout_limit=64 * 1024,
                            kill_on_stdout_overflow=False, env=proc.child_env(TMPDIR=str(work)))
    if not res.status.ok:
        return "gcc -Wall rejects it"
    for line in res.stderr.decode("utf-8", "replace").splitlines():
        if any(f"[{w}]" in line for w in BAD_WARNINGS):
            return f"gcc warns: {line.strip()[:200]}"
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
