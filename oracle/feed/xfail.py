"""Expected failures (`--xfail FILE`, lit's XFAIL): cases a team knows fail, each with its reason.

One entry a line; a line starting with `#` is a comment:

    CASE-ID-GLOB  VERDICT[,VERDICT]|*  REASON...

    torture/pr12345.c@x86_64-O0  wrong-output  relies on x87 excess precision (GCC's choice)
    torture/2002*@aarch64-*      *             aarch64 varargs of long double, issue #12

A case a line names that fails with one of its verdicts (`*`: any candidate failure) is an
expected failure, `xfail`: counted apart, an `XFAIL` line in errors.log instead of an `ERROR`
line, no task, no exit status 1. A listed case that fails otherwise is an ordinary failure (a
list never hides a new failure). A listed case that passes is an unexpected pass, `xpass`: an
`XPASS` line, and the run exits 1, so the list is kept true (remove the line once it is fixed).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from oracle.model import verdict as V
from oracle.model.errors import UsageError
from oracle.model.record import CaseRecord

MAX_BYTES = 4 << 20


@dataclass(frozen=True, slots=True)
class Entry:
    pattern: str
    verdicts: tuple[str, ...]  # verdict names; () for any failure
    reason: str

    def to_json(self) -> list:
        return [self.pattern, list(self.verdicts), self.reason]

    @classmethod
    def from_json(cls, d) -> "Entry":
        return cls(str(d[0]), tuple(str(v) for v in d[1]), str(d[2]))


def load(path: str) -> tuple[Entry, ...]:
    """The entries of an xfail file; UsageError (one line, with the line number) on a bad one."""
    p = Path(path)
    try:
        if not p.is_file():
            raise UsageError(f"--xfail {path}: no such file (one 'CASE-ID-GLOB VERDICT REASON' a line)")
        data = p.read_bytes()[:MAX_BYTES + 1]
    except OSError as exc:
        raise UsageError(f"--xfail {path}: cannot read it: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"--xfail {path}: bigger than {MAX_BYTES >> 20} MiB")
    names = {v.name for v in V.FAILURES}
    out = []
    for n, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):  # a comment line (a reason may hold '#': "issue #12")
            continue
        parts = line.split(None, 2)
        if len(parts) < 3:
            raise UsageError(f"--xfail {path}:{n}: give 'CASE-ID-GLOB VERDICT REASON' (the reason is required)")
        pattern, verdicts, reason = parts
        wanted = () if verdicts == "*" else tuple(v.strip() for v in verdicts.split(",") if v.strip())
        bad = [v for v in wanted if v not in names]
        if bad:
            raise UsageError(f"--xfail {path}:{n}: {bad[0]!r} is not a failure verdict (one of "
                             f"{', '.join(sorted(names))}, or *)")
        out.append(Entry(pattern, wanted, reason))
    return tuple(out)


def apply(entries, r: CaseRecord) -> CaseRecord:
    """r marked expected (its `xfail` the entry's reason) when an entry names it and it passes (an
    xpass) or fails one of the entry's ways (an xfail); else r as it is."""
    if not entries or not (r.verdict.is_failure or r.verdict is V.PASS):
        return r
    for e in entries:
        if fnmatch.fnmatchcase(r.id, e.pattern):
            if r.verdict is V.PASS or not e.verdicts or r.verdict.name in e.verdicts:
                return r.but(xfail=e.reason)
            return r  # listed, but failing another way: a failure of its own
    return r
