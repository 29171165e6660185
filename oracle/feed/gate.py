"""The CI gate: a committed baseline of cases that must keep passing.

A regression is a case that passes in the baseline and fails now. Before a case is
called one it is judged again (`reruns` times, same toolchains): if any rerun passes
it is flaky, quarantined rather than blamed. The baseline file is small, sorted JSON,
one case id per line, so its diffs read well in review.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from oracle.model import verdict as V
from oracle.model.errors import OracleError, UsageError
from oracle.report import atomic_write, refuse_special
from oracle.model.record import CaseRecord
from oracle.report.results import Run
from oracle.model.text import clean

FORMAT = "oracle-baseline/1"
DEFAULT_RERUNS = 2
# Verdicts that say nothing of the candidate: a required case with one of them was not judged.
UNJUDGED = (V.INFRA_ERROR, V.NOT_RUN)


@dataclass(frozen=True, slots=True)
class Baseline:
    passing: frozenset[str] = frozenset()  # required to pass
    failing: frozenset[str] = frozenset()  # known failures: passing one of these is a fix
    flaky: frozenset[str] = frozenset()  # quarantined: never a regression

    @classmethod
    def read(cls, path: str | Path) -> "Baseline | None":
        if os.path.exists(path) and not os.path.isfile(path):  # a FIFO would block the read, /dev/zero fill memory
            raise UsageError(f"--baseline {path} is not a regular file: pass the baseline's JSON file")
        try:
            doc = json.loads(Path(path).read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read baseline {path}: {exc}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise UsageError(f"{path} is not an oracle baseline (format {FORMAT!r})")
        return cls(*(_ids(path, doc, key) for key in ("passing", "failing", "flaky")))

    def render(self) -> str:
        doc = {"format": FORMAT, "passing": sorted(self.passing), "failing": sorted(self.failing),
               "flaky": sorted(self.flaky)}
        return json.dumps(doc, indent=1) + "\n"


def _ids(path: str | Path, doc: dict, key: str) -> frozenset[str]:
    """The baseline's list `key` of case ids. A string is no list: read as one, it would be a set of
    characters, no case would be required and the gate would pass every regression."""
    ids = doc.get(key, [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise UsageError(f"{path}: {key!r} must be a list of case ids (strings): fix the file, or remove it "
                         "and write a new one with --update-baseline")
    return frozenset(ids)


@dataclass(slots=True)
class GateResult:
    regressions: list[CaseRecord] = field(default_factory=list)
    flaky: list[CaseRecord] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    new: int = 0  # passing cases the baseline does not know at all
    checked: int = 0
    missing: int = 0  # required cases no results mention (another shard, a filter)
    baseline_written: str | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.regressions else 0

    def lines(self, max_fixed: int = 20) -> list[str]:
        out = [f"REGRESSION {r.id} {r.verdict}: {clean(r.reason, 300)}" for r in self.regressions]
        out += [f"FLAKY {r.id} {r.verdict}: passed on a rerun; quarantined, not a regression"
                for r in self.flaky]
        out += [f"FIXED {i}" for i in self.fixed[:max_fixed]]
        if len(self.fixed) > max_fixed:
            out.append(f"... and {len(self.fixed) - max_fixed} more fixed cases")
        out.append(f"gate: {len(self.regressions)} regressions, {len(self.flaky)} flaky, {len(self.fixed)} fixed, "
                   f"{self.checked} required cases checked" + (f", {self.missing} not in these results"
                                                                if self.missing else "")
                   + (f", {self.new} passing cases new to the baseline" if self.new else ""))
        if self.baseline_written:
            out.append(f"baseline: {self.baseline_written}")
        return out


def merged_records(runs: list[Run]) -> dict[str, tuple[CaseRecord, Run]]:
    out: dict[str, tuple[CaseRecord, Run]] = {}
    for run in runs:
        for r in run.cases:
            out[r.id] = (r, run)
    return out


def gate(baseline_path: str | Path, runs: list[Run], reruns: int = DEFAULT_RERUNS, update: bool = False,
         rejudge=None) -> GateResult:
    """Compare results with the baseline; re-judge suspects; optionally write the ratcheted baseline."""
    if update:
        refuse_special(baseline_path, "--baseline")  # it is written: never through a link, never over a device
    base = Baseline.read(baseline_path)
    creating = base is None
    records = merged_records(runs)
    res = GateResult()
    if base is None:
        if not update:
            raise UsageError(f"no baseline at {baseline_path}: create it with --update-baseline")
        base = Baseline()
    rejudge = rejudge or rejudge_case
    for cid in sorted(base.passing - base.flaky):
        if cid not in records:
            res.missing += 1
            continue
        res.checked += 1
        r, run = records[cid]
        unjudged = r.verdict in UNJUDGED
        if not (r.is_failure or unjudged):
            continue
        again = rejudge(run, r, reruns) if reruns > 0 else []
        if unjudged:
            # A required pass oracle could not judge is no pass: judged again, it must pass.
            if not any(v is V.PASS for v in again):
                done = f"judged again: {', '.join(v.name for v in again)}" if again else "not judged again"
                res.regressions.append(r.but(reason=f"a required pass that could not be judged ({r.reason}); {done}"))
        elif any(v is V.PASS for v in again):
            res.flaky.append(r)
        else:
            res.regressions.append(r)
    passing_now = {cid for cid, (r, _) in records.items() if r.verdict is V.PASS}
    failing_now = {cid for cid, (r, _) in records.items() if r.verdict.is_failure}
    res.fixed = sorted(passing_now & base.failing)
    res.new = 0 if creating else len(passing_now - base.passing - base.failing - base.flaky)
    if update:
        # A ratchet: required passes only grow (regressions stay required), flaky cases leave them.
        flaky = base.flaky | {r.id for r in res.flaky}
        passing = (base.passing | passing_now) - flaky
        failing = ((base.failing - passing_now) | failing_now) - passing - flaky
        new = Baseline(frozenset(passing), frozenset(failing), frozenset(flaky))
        atomic_write(baseline_path, new.render())
        res.baseline_written = (f"{baseline_path} ({len(new.passing)} required passes, {len(new.failing)} known "
                                f"failures, {len(new.flaky)} flaky)")
    return res


def rejudge_case(run: Run, record: CaseRecord, times: int) -> list[V.Verdict]:
    """Judge one case again `times` times exactly as its run judged it (its recorded configuration:
    toolchains, sandbox, backend, UB check, generator options); the verdicts."""
    from oracle.judge.judging import alone

    with tempfile.TemporaryDirectory(prefix="oracle-gate-") as tmp:
        try:
            cfg = run.config(tmp)
        except UsageError:
            return []  # cannot be re-judged here: stays a regression
        verdicts = []
        for _ in range(times):
            with contextlib.ExitStack() as stack:
                try:  # a fresh judge each time: the reference is not memoised across reruns
                    judge = stack.enter_context(alone(cfg))
                except (OracleError, OSError):
                    break  # no judge here (a backend that does not start): what was judged stands
                judge.reuse_judgements = False  # a rerun asks whether the binary is flaky: it must run
                verdicts.append(judge.judge(record.case).verdict)
        return verdicts
