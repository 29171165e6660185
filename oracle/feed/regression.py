"""Regressions as causes: tests that passed in the previous run of the same selection and fail now.

A change that breaks k passing tests is one bug of the change, whatever each test exercises:
they are one task, titled as a regression between the two candidate revisions (both named),
listing its cases, rather than k unrelated one-test tasks. The previous run is the newest complete
run of the same selection (suite, opt levels, filter, sample, shard) in the run's history before
this one; with the same candidate commit on both sides nothing is a regression (a flip without a
change is flakiness, the gate's business). A regression task keeps its cases while they fail (a
later run, whose previous run failed them too, does not scatter them into cause tasks).
`oracle bisect TASK` then names the first bad commit (feed/bisect_git.py).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from oracle.feed.cluster import Cluster, cluster_id
from oracle.model import verdict as V
from oracle.report.history import selection_key, selection_of
from oracle.report.results import Run

PREFIX = "regression|"


@dataclass(frozen=True)
class Previous:
    run_id: int
    started: str
    commit: str  # the candidate's commit then ("" when unknown)
    verdicts: dict[str, str]  # case id -> verdict name


def _commit_of(text: str | None) -> str:
    try:
        commits = json.loads(text or "{}")
    except ValueError:
        return ""
    found = sorted({c for c in commits.values() if c}) if isinstance(commits, dict) else []
    return found[0] if len(found) == 1 else ""


def previous_run(run: Run) -> Previous | None:
    """The newest complete run of the same selection before `run`, from the run's history."""
    raw = run.config_dict
    path = raw.get("history_path")
    if not path or not Path(path).is_file():
        return None
    try:
        key = selection_key(selection_of(run.recorded_config()))
    except Exception:  # an older results.json: no regression can be told
        return None
    try:
        db = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return None
    try:
        rows = db.execute("SELECT id, started, out_dir, candidate_commit, complete FROM runs WHERE selection_key = ? "
                          "ORDER BY id", (key,)).fetchall()
        started, out = raw.get("started"), raw.get("out_dir")
        mine = next((i for i, r in enumerate(rows) if r[1] == started and r[2] == out), None)
        before = rows[:mine] if mine is not None else [r for r in rows if (r[1] or "") < (started or "")]
        prev = next((r for r in reversed(before) if r[4]), None)
        if prev is None:
            return None
        verdicts = {cid: v for cid, v in db.execute("SELECT case_id, verdict FROM verdicts WHERE run = ?", (prev[0],))}
        return Previous(prev[0], prev[1] or "", _commit_of(prev[3]), verdicts)
    except sqlite3.Error:
        return None
    finally:
        db.close()


def current_commit(run: Run) -> str:
    cands = run.config_dict.get("candidates") or {}
    found = sorted({c.get("commit") for c in cands.values() if isinstance(c, dict) and c.get("commit")})
    return found[0] if len(found) == 1 else ""


def cluster_of(found: tuple, arches) -> "Cluster":
    """The one task a regression is: its records, titled by the two revisions."""
    from collections import Counter

    recs, signature, cause, _ = found
    recs = sorted(recs, key=lambda r: r.id)
    verdict = Counter(r.verdict for r in recs).most_common(1)[0][0]
    cl_arches = tuple(sorted({r.arch for r in recs}))
    return Cluster(cluster_id(signature), signature, verdict, cause, recs, cl_arches,
                   set(cl_arches) >= set(arches or cl_arches), cause)


def regressed(run: Run) -> tuple[list, str, str, dict] | None:
    """(the failing records that passed in the previous run, signature, cause, what the task
    records of it: both revisions and runs), or None when nothing regressed (or it cannot be told)."""
    prev = previous_run(run)
    if prev is None:
        return None
    now = current_commit(run)
    if now and now == prev.commit:
        return None  # the same candidate: a flip is flakiness, not a regression
    recs = [r for r in run.cases if r.verdict.is_failure and prev.verdicts.get(r.id) == V.PASS.name]
    if not recs:
        return None
    good = prev.commit or f"the run of {prev.started}"
    bad = now or f"the run of {run.doc.get('started', '?')}"
    short = lambda c: c[:12] if len(c) >= 12 and " " not in c else c  # noqa: E731
    signature = f"{PREFIX}{prev.commit or prev.started}|{now or run.doc.get('started', '')}"
    cause = f"regression between candidate {short(good)} and {short(bad)}: tests that passed fail now"
    return recs, signature, cause, {"good": prev.commit, "bad": now, "good_run": prev.started,
                                    "bad_run": str(run.doc.get("started", ""))}
