"""Reusing a judgement, two ways.

The same compiler (config/identity.py: the content of every file it runs and reads, or a
--candidate-rev) judged the same case against the same reference outcome before: the case is
neither compiled nor run (`case_key`). A fleet of agents on one commit, and CI after them, then
compiles nothing that one of them compiled. Stored: a pass, wrong output or exit, a crash, and a
compile error or internal compiler error the compiler reported (it exited with a status): what the
same compiler would do again. A compiler killed by a signal or a timeout is compiled again.

Otherwise, a candidate executable byte-identical to one already judged against the
same reference outcome is not run again.

An agent's next commit changes the compiler but leaves most of the executables it produces
byte-identical; running them again (most of a warm run under qemu) cannot change their verdict.
Build systems cache test results by the tested binary's hash the same way. The key hashes the
executable's bytes, the reference outcome's key and the expected status and stdout, and what the
run depends on besides (arch, emulator, sandbox, backend and image are in the reference key;
the candidate's run timeout and output cap here). Entries live in the reference cache (its
get/put), so `--no-cache` turns this off too.

Only verdicts a rerun of the same bytes would give again are stored: a pass, wrong output,
wrong exit status, a crash. A timeout or a binary that could not start is never stored.
"""

from __future__ import annotations

import hashlib
import json

from oracle.model import verdict as V
from oracle.infra.cache import result_from_json, result_to_json
from oracle.infra.entries import JUDGEMENT_PREFIX
from oracle.infra import proc
from oracle.infra.proc import ProcResult

FORMAT = "judgement-v1"
CASE_FORMAT = "case-judgement-v1"
REUSABLE = frozenset({V.PASS, V.WRONG_OUTPUT, V.WRONG_EXIT, V.CRASH})
REUSABLE_BUILDS = frozenset({V.COMPILE_ERROR, V.COMPILER_CRASH})
MAX_STDOUT = 256 * 1024  # a bigger output is run again rather than stored


def exe_digest(path: str) -> str | None:
    """The executable's sha256, or None when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def key(exe_hash: str, reference_key: str, expected: ProcResult, run_timeout: float, stdout_limit: int) -> str:
    parts = {
        "format": FORMAT,
        "exe": exe_hash,
        "reference": reference_key,
        "expected": [expected.status.to_json(), hashlib.sha256(expected.stdout).hexdigest()],
        "limits": [run_timeout, stdout_limit],
    }
    return JUDGEMENT_PREFIX + hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def case_key(identity: str, reference_key: str, expected: ProcResult, opt: tuple[str, ...],
             compile_timeout: float, run_timeout: float, stdout_limit: int, second_look: str = "") -> str:
    """The key of a case's judgement by one compiler: the reference key holds the test's bytes, its
    flags, the arch, the emulator and the sandbox; the candidate's opt level and limits are added."""
    parts = {
        "format": CASE_FORMAT,
        "compiler": identity,
        "reference": reference_key,
        "expected": [expected.status.to_json(), hashlib.sha256(expected.stdout).hexdigest()],
        "opt": list(opt),
        "limits": [compile_timeout, run_timeout, stdout_limit],
        "second_look": second_look,  # what gave a runtime failure's third opinion (clang's version)
    }
    return JUDGEMENT_PREFIX + hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def look_key(reference_key: str, expected: ProcResult, opt: tuple[str, ...], clang: tuple[str, ...],
             clang_version: str, ub_reference: tuple[str, ...], run: ProcResult) -> str:
    """The key of a runtime failure's second look (clang's build of the test against the candidate's
    run, and the sanitizers' report on the test): a function of the test (the reference key), the
    candidate's opt level, clang and the sanitizer compiler, and the candidate run's status and
    stdout, never of which compiler made that run. So a byte-identical executable, or another
    build that fails the same way, is not looked at twice."""
    parts = {
        "format": "look-v1",
        "reference": reference_key,
        "expected": [expected.status.to_json(), hashlib.sha256(expected.stdout).hexdigest()],
        "opt": list(opt),
        "clang": [list(clang), clang_version],
        "ub": list(ub_reference),
        "run": [run.status.to_json(), hashlib.sha256(run.stdout).hexdigest(), run.stdout_truncated],
    }
    return JUDGEMENT_PREFIX + hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def disasm_key(reference_key: str, opt: tuple[str, ...]) -> str:
    """The key of the reference's disassembly of a test's functions at the candidate's opt level
    (judge/disasm.py): a function of the test and the reference toolchain (the reference key holds
    both) and the options, so a failing test's is made once per fleet."""
    parts = {"format": "disasm-v1", "reference": reference_key, "opt": list(opt)}
    return JUDGEMENT_PREFIX + hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def case_storable(verdict: V.Verdict, build: ProcResult | None, run: ProcResult | None) -> bool:
    if build is None or build.status.kind != proc.EXIT:
        return False  # a compiler killed (a timeout, a signal, the machine) may do otherwise next time
    if verdict in REUSABLE_BUILDS:
        return True
    return storable(verdict, run)


def case_to_json(verdict: V.Verdict, reason: str, build: ProcResult, run: ProcResult | None,
                 opinion: tuple[str, str] = ("", ""), disasm: str = "") -> dict:
    """`disasm`: a runtime failure's disassembly of the test's functions by this candidate (judge/
    disasm.py), so that a reused judgement's case folder has it without compiling."""
    return {"format": CASE_FORMAT, "verdict": verdict.name, "reason": reason,
            "build": result_to_json(build, True), "run": result_to_json(run, True) if run is not None else None,
            "clang": opinion[0], "ub": opinion[1], "disasm": disasm}


def case_from_json(data: dict):
    """(verdict, reason, the build, the run or None, (clang, ub), the candidate's disassembly or "")
    from a stored entry; None for another shape."""
    try:
        if data.get("format") != CASE_FORMAT:
            return None
        verdict = V.by_name(data["verdict"])
        if verdict not in REUSABLE | REUSABLE_BUILDS:
            return None
        run = result_from_json(data["run"]) if data.get("run") else None
        if (run is None) != (verdict in REUSABLE_BUILDS):
            return None
        opinion = (str(data.get("clang") or ""), str(data.get("ub") or ""))
        disasm = data.get("disasm") if isinstance(data.get("disasm"), str) else ""
        return verdict, str(data["reason"]), result_from_json(data["build"]), run, opinion, disasm
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def storable(verdict: V.Verdict, run: ProcResult | None) -> bool:
    return verdict in REUSABLE and run is not None and len(run.stdout) <= MAX_STDOUT


def to_json(verdict: V.Verdict, reason: str, run: ProcResult) -> dict:
    return {"format": FORMAT, "verdict": verdict.name, "reason": reason, "run": result_to_json(run, True)}


def from_json(data: dict) -> tuple[V.Verdict, str, ProcResult] | None:
    """(verdict, reason, the run) from a stored entry; None for an entry of another shape."""
    try:
        if data.get("format") != FORMAT:
            return None
        verdict = V.by_name(data["verdict"])
        if verdict not in REUSABLE:
            return None
        return verdict, str(data["reason"]), result_from_json(data["run"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
