"""The interestingness test `oracle reduce` hands to C-Vise: exit 0 iff a variant is still
the same bug in a well-defined program.

    python -m oracle.feed.reduce_check SPEC.json FILE.c [--explain]

A variant is kept only when, in this order (cheapest first):
1. gcc -Wall finds no use of an uninitialised variable and no missing return (a K&R-style
   function that returns nothing is fine when every call of it is a statement: its value is
   never read), and no compile-time undefined behaviour the original did not have (shift counts,
   loop bounds, array bounds, division by zero, constant overflow: what a reducer that changes a
   type's signedness or width, or a bound, produces);
2. judging.Judge, with the run's own configuration and the UB check on, gives the same
   verdict as the original (for compile errors and compiler crashes, also the same
   normalised diagnostic): the reference builds and runs it at -O0 and -O2 and agrees with
   itself, and its build with -fsanitize=undefined,address runs clean.
Without these a reducer happily turns a miscompilation into undefined behaviour. Every
build and run happens in the run's backend and sandbox, as in the run itself.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from pathlib import Path

from oracle.infra import proc
from oracle.model import verdict as V
from oracle.model.diagnostic import DIAG_VERDICTS, normalise_diagnostic
from oracle.config.options import RunConfig
from oracle.model.case import Case
from oracle.config.targets import HOST_ARCH

BAD_WARNINGS = ("-Wuninitialized", "-Wmaybe-uninitialized", "-Wreturn-type", "-Wmain")
# Undefined behaviour GCC sees at compile time, which the sanitizer build may never meet at run
# time (folded constants, a loop the optimiser cut short): a reducer that changes a type's
# signedness or width, or a bound, lands there. A variant may not add one the original lacks.
UB_WARNINGS = ("-Wshift-count-overflow", "-Wshift-count-negative", "-Wshift-negative-value",
               "-Waggressive-loop-optimizations", "-Wdiv-by-zero", "-Warray-bounds", "-Woverflow")
_NO_RETURN = ("control reaches end of non-void function", "with no value, in function returning non-void")
_IN_FUNCTION = re.compile(r"In function [‘'`]([A-Za-z_]\w*)[’']")


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
    from oracle.judge.judging import Judge

    # Every build and run goes through the run's backend (its sandbox, its containers): a
    # variant is no less hostile than the test it came from.
    judge = Judge(cfg)
    try:
        why = _warnings(judge, case, spec)
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


def _warnings(judge, case: Case, spec: dict | None = None) -> str | None:
    work = judge.root / "warnings"
    work.mkdir(exist_ok=True)
    argv = [*judge.cfg.ub_reference, "-c", "-O2", "-Wall", "-Wuninitialized", "-Wmaybe-uninitialized",
            "-Wreturn-type", "-Wshift-negative-value", "-Woverflow", *_portable(case), case.sources[0],
            "-o", str(work / "w.o")]
    res = judge.backend.run(argv, arch=HOST_ARCH, timeout=60, cwd=str(work), stdout_limit=64 * 1024,
                            kill_on_stdout_overflow=False, env=proc.child_env(TMPDIR=str(work)))
    if not res.status.ok:
        return "gcc -Wall rejects it"
    try:
        program = Path(case.sources[0]).read_text(errors="replace")
    except OSError:
        program = ""
    return judge_warnings(res.stderr.decode("utf-8", "replace"), program, spec)


def judge_warnings(stderr: str, program: str, spec: dict | None = None) -> str | None:
    """Why gcc's warnings make a variant ill-defined, or None. The first call for a reduction (the
    original, `spec` without "ub_warnings") records the compile-time-UB warnings it already has:
    those are the test's own; only new ones reject a variant."""
    function, ub = "", {}
    for line in stderr.splitlines():
        m = _IN_FUNCTION.search(line)
        if m:
            function = m.group(1)
        if "[-Wreturn-type]" in line and any(t in line for t in _NO_RETURN) and value_unused(program, function):
            continue  # K&R style: an int function that returns nothing, whose value nobody reads
        if any(f"[{w}]" in line for w in BAD_WARNINGS):
            return f"gcc warns: {line.strip()[:200]}"
        hit = next((w for w in UB_WARNINGS if f"[{w}]" in line), None)
        if hit and (hit != "-Woverflow" or "integer overflow" in line):
            ub.setdefault(hit, line.strip()[:200])
    if spec is not None and "ub_warnings" not in spec:
        spec["ub_warnings"] = sorted(ub)
        return None
    allowed = set(spec.get("ub_warnings", ())) if spec is not None else set()
    new = [w for w in ub if w not in allowed]
    return f"gcc sees undefined behaviour: {ub[new[0]]}" if new else None


_TYPE_WORD = re.compile(r"\b(?:int|void|char|long|short|unsigned|signed|float|double|static|extern|inline|"
                        r"register|const|volatile|struct\s+\w+|union\s+\w+|enum\s+\w+)\s*\**$")
_KR_PARAMS = re.compile(r"(?:\{|(?:int|char|long|short|unsigned|signed|float|double|struct|union|enum|register|"
                        r"const|volatile)\b)")


def value_unused(program: str, function: str) -> bool:
    """True when every call of `function` is a statement of its own (`f(x);` after `;`, `{`, `}`,
    `else`, `if (…)`, `while (…)`, `for (…)` or a `(void)` cast): its missing return value is
    never read. Its definition and declarations are not calls."""
    if not function or function == "main":
        return False
    for m in re.finditer(rf"\b{re.escape(function)}\s*\(", program):
        close = _matching(program, m.end() - 1)
        if close < 0:
            return False
        rest = program[close + 1:].lstrip()
        before = program[: m.start()].rstrip()
        if _KR_PARAMS.match(rest) or (rest.startswith(";") and _TYPE_WORD.search(before)):
            continue  # the definition (K&R parameters or a body follow) or a declaration
        if not rest.startswith(";") or not _statement_start(program, before):
            return False
    return True


def _matching(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return -1


def _statement_start(program: str, before: str) -> bool:
    if not before or before[-1] in ";{}" or re.search(r"\belse$", before):
        return True
    if before[-1] != ")":
        return False
    depth, i = 0, len(before) - 1
    while i >= 0:  # the "(" that this ")" closes
        depth += {")": 1, "(": -1}.get(before[i], 0)
        if depth == 0:
            break
        i -= 1
    head = before[:i].rstrip()
    return before[i:].replace(" ", "") == "(void)" or bool(re.search(r"\b(?:if|while|for)$", head))


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
