"""errors.log: exactly one `ERROR <case-id> <verdict>: <reason>` line per candidate failure
(`--xfail`: `XPASS` lines for listed cases that pass, `XFAIL` lines for the failures it expects).

oracle's own failures follow as `INFRA` lines, so `grep ^ERROR` sees only the candidate's.
"""

from __future__ import annotations

from oracle.model import verdict as V
from oracle.model.record import CaseRecord
from oracle.model.text import clean
from oracle.report import atomic_file


def line(r: CaseRecord) -> str:
    if r.is_xfail:
        return f"XFAIL {r.id} {r.verdict.name}: {clean(r.reason or r.verdict.label, 300)} (expected: {clean(r.xfail, 200)})"
    return f"ERROR {r.id} {r.verdict.name}: {clean(r.reason or r.verdict.label, 400)}"


def xpass_line(r: CaseRecord) -> str:
    return (f"XPASS {r.id}: passes, but --xfail lists it as expected to fail ({clean(r.xfail, 200)}): "
            "remove its line")


def write(path, records) -> None:
    """ERROR lines (the failures that count), XPASS lines, XFAIL lines, then INFRA lines."""
    with atomic_file(path) as f:
        for r in records:
            if r.unexpected_failure:
                f.write((line(r) + "\n").encode())
        for r in records:
            if r.is_xpass:
                f.write((xpass_line(r) + "\n").encode())
        for r in records:
            if r.is_xfail:
                f.write((line(r) + "\n").encode())
        for r in records:
            if r.verdict is V.INFRA_ERROR:
                f.write(f"INFRA {r.id} infra-error: {clean(r.reason, 400)}\n".encode())
