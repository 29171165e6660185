"""Grouping a run's failures by root cause, with ids that stay the same from run to run.

A compile-time failure is keyed by the candidate's diagnostic with everything that
belongs to the test removed (paths, line and column numbers, numbers, quoted
identifiers the test chose), so one front-end bug that rejects forty tests is one cluster. A runtime
failure is keyed by its verdict, the test, and whether it fails on every tested arch
(likely the front end) or only on some (likely a back end or the ABI).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from typing import Iterable

from . import verdict as V
from .record import CaseRecord

DIAG_VERDICTS = frozenset({V.COMPILE_ERROR, V.COMPILER_CRASH})
ID_LEN = 12

_SEVERITY = re.compile(r"\b(?:internal compiler error|fatal error|error|warning)\b", re.I)
_LOCATION = re.compile(r"(?:[\w.+~-]*/)*[\w.+~-]+\.[chsSoi]:(?:\d+:)?(?:\d+:)?")
_PATH = re.compile(r"(?:[\w.+~-]*/)+[\w.+~-]+")
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"|‘([^’]*)’|`([^']*)'")
_NUMBER = re.compile(r"\b0[xX][0-9a-fA-F]+\b|\b\d+(?:\.\d+)?\b")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_RESERVED = re.compile(r"__|_[A-Z]")
_KEYWORDS = frozenset(
    "auto break case char const continue default do double else enum extern float for goto if inline int long "
    "register restrict return short signed sizeof static struct switch typedef union unsigned void volatile "
    "while asm typeof".split())


def normalise_diagnostic(line: str, test: str = "") -> str:
    """A diagnostic line with what belongs to one test removed: the same bug gives the same text."""
    m = _SEVERITY.search(line)
    if m:  # drop the location and program-name prefix ("x.c:3:1: ", "tcc: ")
        line = line[m.start():]
    line = _LOCATION.sub("FILE:", line)
    line = _PATH.sub("PATH", line)
    line = _QUOTED.sub(_quoted, line)
    stem = PurePosixPath(test).stem
    if len(stem) > 2:
        line = re.sub(rf"\b{re.escape(stem)}\b", "TEST", line)
    line = _NUMBER.sub("N", line)
    return " ".join(line.split())[:200]


def _quoted(m: re.Match) -> str:
    text = next(g for g in m.groups() if g is not None)
    if _IDENT.fullmatch(text):
        # Keywords and reserved names (__builtin_ffs, __FLT_MAX__, _Complex) are features of the
        # compiler, each its own bug; any other identifier was named by the test.
        return f"'{text}'" if _RESERVED.match(text) or text in _KEYWORDS else "'ID'"
    if len(text) <= 3 and not any(c.isalnum() for c in text):
        return f"'{text}'"  # a punctuation token ("';' expected") says what the parser wanted
    return "'...'"


@dataclass(slots=True)
class Cluster:
    id: str
    signature: str
    verdict: V.Verdict
    title: str  # what the bug looks like, without counts
    records: list[CaseRecord]
    arches: tuple[str, ...]
    all_arches: bool

    @property
    def rank(self) -> tuple:
        """Most valuable first: the biggest clusters, then those failing on every arch."""
        return (-len(self.records), not self.all_arches, self.id)

    @property
    def case_ids(self) -> list[str]:
        return sorted(r.id for r in self.records)


def cluster_id(signature: str) -> str:
    return hashlib.sha256(signature.encode()).hexdigest()[:ID_LEN]


def clusters(records: Iterable[CaseRecord], arches: list[str] | tuple[str, ...] = ()) -> list[Cluster]:
    """The failures among records grouped by signature, most valuable first."""
    records = list(records)
    failing = [r for r in records if r.verdict.is_failure]
    tested: dict[tuple, set[str]] = defaultdict(set)  # (suite, test) -> arches it was judged on
    failed: dict[tuple, set[str]] = defaultdict(set)  # (suite, test, verdict) -> arches it failed on
    for r in records:
        if r.verdict.counted:
            tested[r.suite, r.test].add(r.arch)
    for r in failing:
        failed[r.suite, r.test, r.verdict].add(r.arch)
    run_arches = set(arches) or {r.arch for r in records}
    groups: dict[str, tuple[V.Verdict, str, list[CaseRecord]]] = {}
    for r in failing:
        signature, title = _signature(r, tested[r.suite, r.test], failed[r.suite, r.test, r.verdict])
        groups.setdefault(signature, (r.verdict, title, []))[2].append(r)
    out = []
    for signature, (verdict, title, recs) in groups.items():
        recs.sort(key=lambda r: r.id)
        cl_arches = tuple(sorted({r.arch for r in recs}))
        out.append(Cluster(cluster_id(signature), signature, verdict, title, recs, cl_arches,
                           set(cl_arches) >= run_arches))
    return sorted(out, key=lambda c: c.rank)


def _signature(r: CaseRecord, tested: set[str], failed: set[str]) -> tuple[str, str]:
    if r.verdict in DIAG_VERDICTS:
        diag = normalise_diagnostic(r.reason, r.test) or "no diagnostic"
        return f"{r.verdict}|{diag}", f"{r.verdict}: {diag}"
    scope = "every arch" if failed >= tested else "only " + "+".join(sorted(failed))
    test = f"{r.suite}/{r.test}"
    return f"{r.verdict}|{scope}|{test}", f"{r.verdict} in {test} ({scope})"
