"""The record of one judged case: what flows from the engine to every report, the history,
clustering, tasks and the gate. Typed once here; parsed once, when a results.json is loaded.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace

from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.model.text import clean

# Where the reference outcome came from (results.json's "reference" field).
REF_BUILT, REF_CACHED, REF_STALE = "built", "cached", "stale-cache-replaced"
# How the candidate's executable was judged (results.json's "candidate_run"): absent when it ran;
# RUN_REUSED when a byte-identical executable's judgement against the same reference was reused.
RUN_REUSED = "reused"
# RUN_KNOWN when the same compiler's judgement of the case was reused: neither compiled nor run.
RUN_KNOWN = "known"


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the judge read of a failure, as data (oracle/judge/evidence.py fills it): clustering and
    tasks decide a cause from these fields, never from the reason's words."""

    diagnostic: str = ""  # compile-time verdicts: the candidate's first diagnostic line
    missing_symbols: tuple[str, ...] = ()  # a link error's undefined symbols
    feature: tuple[str, str] | None = None  # (name, plain words): a GCC feature the diagnosed line uses
    loader_symbol: str = ""  # the symbol the dynamic loader could not find (the binary never ran)
    signal: str = ""  # the signal that killed the candidate's program ("SIGSEGV")
    stack_hint: bool = False  # a project test that passes with an unlimited stack
    pr_group: str = ""  # the GCC bug report whose several tests the suite holds (prN.c, prN-2.c)
    constructs: tuple[tuple[str, str], ...] = ()  # (name, plain words): rare constructs the program uses
    # A runtime failure's third opinion: clang's build of the test behaves like "candidate", like
    # the "reference", or like "neither"; "" when not asked (no clang, or clang cannot build it).
    clang: str = ""
    ub: str = ""  # the sanitizers' first report on the test, when they see undefined behaviour
    # runtime failures: the common constructs the program uses (bit-fields, long double, ...), so a
    # cause can say what the test exercises
    features: tuple[str, ...] = ()
    # project cases: (kind, macro, where and which tokens) of the first difference between the
    # candidate's and GCC's -E of a culprit TU (oracle/judge/projects/preproc.py names the kinds)
    preprocessor: tuple[str, ...] = ()

    def to_json(self) -> dict:
        d = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if value:
                d[name] = [list(v) for v in value] if name == "constructs" else \
                    list(value) if isinstance(value, tuple) else value
        return d

    @classmethod
    def from_json(cls, d) -> "Evidence":
        if not isinstance(d, dict):
            return cls()
        pair = lambda v: (str(v[0]), str(v[1])) if isinstance(v, (list, tuple)) and len(v) == 2 else None  # noqa: E731
        text = lambda k: d.get(k) if isinstance(d.get(k), str) else ""  # noqa: E731
        return cls(text("diagnostic"), tuple(str(x) for x in d.get("missing_symbols") or () if isinstance(x, str)),
                   pair(d.get("feature")), text("loader_symbol"), text("signal"), d.get("stack_hint") is True,
                   text("pr_group"), tuple(p for p in map(pair, d.get("constructs") or ()) if p),
                   text("clang"), text("ub"), tuple(str(x) for x in d.get("features") or () if isinstance(x, str)),
                   tuple(str(x) for x in d.get("preprocessor") or () if isinstance(x, str))[:3])


NO_EVIDENCE = Evidence()


@dataclass(frozen=True, slots=True)
class CaseRecord:
    case: Case  # the case as the suite made it (a generated case names its seed, not a file)
    verdict: V.Verdict
    reason: str = ""
    duration_s: float = 0.0
    reference: str | None = None  # REF_BUILT, REF_CACHED or REF_STALE; None: no reference was needed
    culprits: tuple[str, ...] = ()  # project cases: the TUs (relative to the project root) bisection blames
    candidate_run: str | None = None  # RUN_REUSED: not run, a byte-identical executable's judgement reused; RUN_KNOWN: not compiled either
    evidence: Evidence = NO_EVIDENCE  # failures: what the judge read of the cause
    # what the case measured (oracle/judge/metrics.py): compile_s, run_s, text_bytes; each only
    # when measured in this run (a reused judgement has none)
    metrics: tuple[tuple[str, float], ...] = ()
    # --xfail: the reason the case is listed as expected to fail, when it failed as listed (an
    # xfail) or passed (an xpass); "" when not listed, or listed but failing another way
    xfail: str = ""

    @property
    def id(self) -> str:
        return self.case.id

    @property
    def suite(self) -> str:
        return self.case.suite

    @property
    def test(self) -> str:
        return self.case.test

    @property
    def arch(self) -> str:
        return self.case.arch

    @property
    def opt(self) -> str:
        return self.case.opt

    @property
    def is_failure(self) -> bool:
        return self.verdict.is_failure

    @property
    def is_xfail(self) -> bool:
        """A failure the xfail list expects: counted apart, no ERROR line, no task, no exit 1."""
        return bool(self.xfail) and self.verdict.is_failure

    @property
    def is_xpass(self) -> bool:
        """A pass of a case the xfail list expects to fail: the run exits 1 until the line goes."""
        return bool(self.xfail) and self.verdict is V.PASS

    @property
    def unexpected_failure(self) -> bool:
        """A candidate failure that counts: not one the xfail list expects."""
        return self.verdict.is_failure and not self.xfail

    def to_json(self) -> dict:
        d = {**self.case.to_json(), "verdict": self.verdict.name, "reason": self.reason,
             "duration_s": round(self.duration_s, 4)}
        if self.reference is not None:
            d["reference"] = self.reference
        if self.culprits:
            d["culprits"] = list(self.culprits)
        if self.candidate_run is not None:
            d["candidate_run"] = self.candidate_run
        if self.evidence != NO_EVIDENCE:
            d["evidence"] = self.evidence.to_json()
        if self.metrics:
            d["metrics"] = dict(self.metrics)
        if self.xfail:
            d["xfail"] = self.xfail
        return d

    def line(self) -> str:
        """One JSON line (results.json's cases, the journal): ASCII whatever the program printed."""
        return json.dumps(self.to_json(), ensure_ascii=True)

    @classmethod
    def from_json(cls, d: dict) -> "CaseRecord":
        """ValueError when d is not a case record."""
        try:
            reason = d.get("reason") or ""
            return cls(Case.from_json(d), V.by_name(d["verdict"]), reason if isinstance(reason, str) else str(reason),
                       float(d.get("duration_s") or 0.0), d.get("reference"),
                       tuple(str(c) for c in d.get("culprits") or ()),
                       d.get("candidate_run") if isinstance(d.get("candidate_run"), str) else None,
                       Evidence.from_json(d.get("evidence")), _metrics(d.get("metrics")),
                       d.get("xfail") if isinstance(d.get("xfail"), str) else "")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a case record ({type(exc).__name__}: {exc})") from None

    def but(self, **changes) -> "CaseRecord":
        return replace(self, **changes)


def _metrics(d) -> tuple[tuple[str, float], ...]:
    if not isinstance(d, dict):
        return ()
    return tuple(sorted((str(k), v) for k, v in d.items()
                        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0))


def missing(case: Case, verdict: V.Verdict, reason: str) -> CaseRecord:
    """The record of a case the run did not judge (not-run, or a worker lost with it)."""
    return CaseRecord(case, verdict, clean(reason, 500))
