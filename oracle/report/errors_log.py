"""errors.log: exactly one `ERROR <case-id> <verdict>: <reason>` line per candidate failure.

oracle's own failures follow as `INFRA` lines, so `grep ^ERROR` sees only the candidate's.
"""

from __future__ import annotations

from oracle.model import verdict as V
from oracle.model.record import CaseRecord
from oracle.model.text import clean
from oracle.report import atomic_file


def line(r: CaseRecord) -> str:
    return f"ERROR {r.id} {r.verdict.name}: {clean(r.reason or r.verdict.label, 400)}"


def write(path, records) -> None:
    with atomic_file(path) as f:
        for r in records:
            if r.verdict.is_failure:
                f.write((line(r) + "\n").encode())
        for r in records:
            if r.verdict is V.INFRA_ERROR:
                f.write(f"INFRA {r.id} infra-error: {clean(r.reason, 400)}\n".encode())
