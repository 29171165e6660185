"""What judging one case produces: the reference's outcome (stored in the reference cache) and the
case's Result, which becomes its record."""

from __future__ import annotations

from dataclasses import dataclass, field

from oracle.infra import cache
from oracle.infra.proc import ProcResult
from oracle.judge import evidence
from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.model.record import REF_BUILT, REF_CACHED, REF_STALE, RUN_KNOWN, RUN_REUSED, CaseRecord
from oracle.model.text import clean


@dataclass(slots=True)
class RefOutcome:
    """The reference's answer for one (test, arch): what to expect, or why there is none."""

    verdict: V.Verdict | None  # None: usable; else REF_INVALID or UNSTABLE
    reason: str = ""
    builds: list[ProcResult] = field(default_factory=list)
    runs: list[ProcResult] = field(default_factory=list)
    cacheable: bool = True  # False when a timeout decided it: that may not happen again
    from_cache: bool = False
    timed_out: bool = False  # ref-invalid because a reference build ran past its timeout
    key: str | None = None  # its reference-cache key (the sources hashed once), when there is a cache
    # Why its exit status cannot decide a failure ("": checked, it holds); None: not checked yet.
    status_varies: str | None = None

    def to_json(self) -> dict:
        return {"verdict": self.verdict.name if self.verdict else None, "reason": self.reason,
                "builds": [cache.result_to_json(b, False) for b in self.builds],
                "runs": [cache.result_to_json(r, i == 0) for i, r in enumerate(self.runs)]}

    @classmethod
    def from_json(cls, d: dict) -> "RefOutcome":
        return cls(V.by_name(d["verdict"]) if d["verdict"] else None, d["reason"],
                   [cache.result_from_json(b) for b in d["builds"]], [cache.result_from_json(r) for r in d["runs"]],
                   from_cache=True)

    @property
    def expected(self) -> ProcResult:
        return self.runs[0]

    def invalid(self, reason: str) -> "RefOutcome":
        self.verdict, self.reason = V.REF_INVALID, reason
        return self


@dataclass(slots=True)
class Result:
    case: Case
    verdict: V.Verdict
    reason: str
    duration: float = 0.0
    ref: RefOutcome | None = None
    build: ProcResult | None = None
    run: ProcResult | None = None
    traceback: str = ""
    stale_cache: bool = False  # the cached reference outcome disagreed with a fresh one (and was replaced)
    reused_run: bool = False  # the judgement of a byte-identical candidate executable was reused (not run)
    reused_build: bool = False  # the same compiler's judgement of the case was reused: not compiled either
    culprits: list[str] = field(default_factory=list)  # project cases: the TUs bisection blames
    project: dict | None = None  # project cases: what the case folder needs (repro, bisection log)
    stack_hint: bool = False  # project cases: the test passes with an unlimited stack
    signal: str = ""  # the signal that killed the program when no status says it (a test's shell's 128+N)
    clang: str = ""  # a runtime failure's third opinion (model/record.Evidence.clang)
    ub: str = ""  # the sanitizers' report on the test, when they see undefined behaviour
    preprocessor: tuple[str, ...] = ()  # project cases: (kind, macro, where) of a culprit TU's -E difference
    metrics: dict = field(default_factory=dict)  # compile_s, run_s, text_bytes (judge/metrics.py)
    # A runtime failure's disassembly of the test's functions, by side ("candidate", "reference":
    # judge/disasm.py); "" when it was tried and there is none (no objdump, no function found)
    disasm: dict = field(default_factory=dict)

    def record(self, case: Case | None = None) -> CaseRecord:
        """The case's record; `case`: the case as the suite made it, when this result's case is a
        materialised or shrunk program (a record names what can be judged again)."""
        if self.stale_cache:
            origin = REF_STALE  # says a cache entry was wrong: worth a look
        elif self.ref is not None:
            origin = REF_CACHED if self.ref.from_cache else REF_BUILT
        else:
            origin = None
        made = case or self.case
        ev = evidence.of(self.case.sources, made.sources, made.test, self.verdict,
                         self.reason if self.verdict in evidence.DIAG_VERDICTS else "", self.run,
                         signal=self.signal, stack_hint=self.stack_hint, clang=self.clang, ub=self.ub,
                         preprocessor=self.preprocessor)
        return CaseRecord(made, self.verdict, clean(self.reason, 500), self.duration, origin,
                          tuple(self.culprits), candidate_run=RUN_KNOWN if self.reused_build else RUN_REUSED if self.reused_run else None, evidence=ev,
                          metrics=tuple(sorted(self.metrics.items())))
