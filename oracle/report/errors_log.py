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
    """ERROR lines (the failures that count) as the records come, then XPASS, XFAIL and INFRA
    lines (kept until the end: one pass over records that may be streamed from disk)."""
    later: dict[str, list[bytes]] = {"xpass": [], "xfail": [], "infra": []}
    with atomic_file(path) as f:
        for r in records:
            if r.unexpected_failure:
                f.write((line(r) + "\n").encode())
            elif r.is_xpass:
                later["xpass"].append((xpass_line(r) + "\n").encode())
            elif r.is_xfail:
                later["xfail"].append((line(r) + "\n").encode())
            elif r.verdict is V.INFRA_ERROR:
                later["infra"].append(f"INFRA {r.id} infra-error: {clean(r.reason, 400)}\n".encode())
        for kind in ("xpass", "xfail", "infra"):
            f.writelines(later[kind])
