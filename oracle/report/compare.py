"""Two runs side by side (`oracle compare A B`): which cases flipped, and which got much slower or
faster, as LNT's run-against-run view does. Cases are matched by id; a case only one run judged is
counted, not listed one by one. Metrics are compared only for cases both runs passed and ran (a
reused judgement measured nothing).

A flip is a change of the verdict's class: a case that did not fail in A and fails in B is a new
failure; one that failed in A and passes in B is fixed; a failure of another verdict, or a pass
that became unjudged (unstable, unsupported, infra-error, ...) or back, is changed. A time change
(the candidate's compile and its executable's run, or the whole case's when a run measured
neither) counts when it is beyond the noise: at least 1.5 times (or 1/1.5) and 0.25 s apart; a
change of the executable's code size (text bytes) always counts: it does not vary by itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from oracle.model import verdict as V
from oracle.model.record import CaseRecord
from oracle.model.text import clean
from oracle.report.results import Run

NEW, FIXED, CHANGED = "new failure", "fixed", "changed"
RATIO, MIN_DELTA_S = 1.5, 0.25


@dataclass(slots=True)
class Flip:
    kind: str  # NEW, FIXED or CHANGED
    a: CaseRecord
    b: CaseRecord

    @property
    def id(self) -> str:
        return self.b.id

    def line(self) -> str:
        tag = {NEW: "ERROR", FIXED: "FIXED", CHANGED: "CHANGED"}[self.kind]
        why = f": {clean(self.b.reason, 200)}" if self.kind != FIXED and self.b.reason else ""
        return f"{tag} {self.id}: {self.a.verdict} -> {self.b.verdict}{why}"


@dataclass(slots=True)
class Change:
    """A metric of a case both runs passed that moved beyond the noise."""

    metric: str  # compile_s, run_s, duration_s (the whole judgement, when no finer time is known), text_bytes
    a: CaseRecord
    b: CaseRecord
    was: float
    now: float

    @property
    def factor(self) -> float:
        return self.now / self.was if self.was > 0 else float("inf")

    @property
    def worse(self) -> bool:
        return self.now > self.was

    def line(self) -> str:
        if self.metric == "text_bytes":
            word = "BIGGER" if self.worse else "SMALLER"
            return f"{word} {self.b.id}: text {self.was:.0f} -> {self.now:.0f} bytes (x{self.factor:.3f})"
        word = "SLOWER" if self.worse else "FASTER"
        what = {"compile_s": "compile", "run_s": "run", "duration_s": "case"}[self.metric]
        return f"{word} {self.b.id}: {what} {self.was:.2f} s -> {self.now:.2f} s (x{self.factor:.2f})"


@dataclass(slots=True)
class Comparison:
    a: Run
    b: Run
    flips: list[Flip] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    same: int = 0  # cases both judged alike
    only_a: int = 0
    only_b: int = 0

    def count(self, kind: str) -> int:
        return sum(f.kind == kind for f in self.flips)

    @property
    def exit_code(self) -> int:
        """1 when B fails a case A did not (a regression), else 0."""
        return 1 if self.count(NEW) else 0

    def summary(self) -> str:
        return (f"compare: {self.count(NEW)} new failures, {self.count(FIXED)} fixed, {self.count(CHANGED)} changed, "
                f"{self.same} alike; {self._n(True, False)} slower, {self._n(False, False)} faster, "
                f"{self._n(True, True)} bigger, {self._n(False, True)} smaller; "
                f"{self.only_a} only in A, {self.only_b} only in B "
                f"(A: {self.a.path.parent}, B: {self.b.path.parent})")

    def _n(self, worse: bool, size: bool) -> int:
        return len({c.b.id for c in self.changes if c.worse == worse and (c.metric == "text_bytes") == size})

    def lines(self, limit: int | None = 20) -> list[str]:
        """The summary, then new failures, changes, fixes and time changes (biggest first), at most
        `limit` lines of them (None: all), and a last line counting what was left out."""
        order = {NEW: 0, CHANGED: 1, FIXED: 2}
        body = [f.line() for f in sorted(self.flips, key=lambda f: (order[f.kind], f.id))]
        body += [c.line() for c in sorted(self.changes, key=lambda c: (-abs(_log(c.factor)), c.b.id, c.metric))]
        out = [self.summary()]
        if limit is not None and len(body) > limit:
            left = len(body) - limit
            body = body[:limit] + [f"... {left} more line{'s' * (left != 1)}: oracle compare A B --all"]
        return out + body

    def to_json(self) -> dict:
        return {"a": str(self.a.path), "b": str(self.b.path), "same": self.same, "only_a": self.only_a,
                "only_b": self.only_b,
                "flips": [{"id": f.id, "kind": f.kind, "a": f.a.verdict.name, "b": f.b.verdict.name,
                           "reason": f.b.reason} for f in self.flips],
                "changes": [{"id": c.b.id, "metric": c.metric, "a": c.was, "b": c.now} for c in self.changes]}


def _log(x: float) -> float:
    return math.log(x) if 0 < x < float("inf") else 99.0


def _klass(v: V.Verdict) -> str:
    return "fail" if v.is_failure else "pass" if v is V.PASS else "other"


def compare(a: Run, b: Run) -> Comparison:
    out = Comparison(a, b)
    mine = {r.id: r for r in a.cases}
    theirs = {r.id: r for r in b.cases}
    out.only_a = len(mine.keys() - theirs.keys())
    out.only_b = len(theirs.keys() - mine.keys())
    for cid in sorted(mine.keys() & theirs.keys()):
        x, y = mine[cid], theirs[cid]
        kx, ky = _klass(x.verdict), _klass(y.verdict)
        if kx != "fail" and ky == "fail":
            out.flips.append(Flip(NEW, x, y))
        elif kx == "fail" and ky == "pass":
            out.flips.append(Flip(FIXED, x, y))
        elif x.verdict is not y.verdict:
            out.flips.append(Flip(CHANGED, x, y))
        else:
            out.same += 1
            if x.verdict is V.PASS:
                out.changes += _changes(x, y)
    return out


def _changes(x: CaseRecord, y: CaseRecord) -> list[Change]:
    if x.candidate_run is not None or y.candidate_run is not None:
        return []  # a reused judgement took no time and measured nothing
    mx, my = dict(x.metrics), dict(y.metrics)
    out = []
    timed = [m for m in ("compile_s", "run_s") if m in mx and m in my] or ["duration_s"]
    for m in timed:
        was, now = (mx[m], my[m]) if m != "duration_s" else (x.duration_s, y.duration_s)
        lo, hi = min(was, now), max(was, now)
        if hi - lo >= MIN_DELTA_S and (lo <= 0 or hi / lo >= RATIO):
            out.append(Change(m, x, y, was, now))
    if "text_bytes" in mx and "text_bytes" in my and mx["text_bytes"] != my["text_bytes"]:
        out.append(Change("text_bytes", x, y, mx["text_bytes"], my["text_bytes"]))  # deterministic: no noise
    return out
