"""Reusing a judgement: a candidate executable byte-identical to one already judged against the
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
from oracle.infra.proc import ProcResult

FORMAT = "judgement-v1"
REUSABLE = frozenset({V.PASS, V.WRONG_OUTPUT, V.WRONG_EXIT, V.CRASH})
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
