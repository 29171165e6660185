"""In which order a finite run judges its cases: what the history knows comes first.

The cases that failed when last judged go first (an agent fixing one sees it again in seconds,
and with --max-failures a run that still fails stops at once), then cases the history has never
seen (a new test, a new arch), then the rest longest first, as lit orders its tests: the slow
ones start early instead of holding the run's end. Ties keep the suite's order, so the order is
a function of the cases and the history only. No history (or a damaged one): the suite's order.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from oracle.model import verdict as V
from oracle.model.case import Case

RECENT_RUNS = 30  # the runs read: the latest word on each case is in them
_FAILED = {v.name for v in V.FAILURES}


def last_known(history_path: str | None) -> dict[str, tuple[bool, float]]:
    """Each case id's latest (failed?, seconds) in the recent runs of the history."""
    if not history_path or not Path(history_path).is_file():
        return {}
    try:
        db = sqlite3.connect(f"file:{Path(history_path).resolve()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return {}
    try:
        out: dict[str, tuple[bool, float]] = {}
        rows = db.execute("SELECT case_id, verdict, duration FROM verdicts WHERE run > "
                          "(SELECT coalesce(max(id), 0) FROM runs) - ? AND verdict != ? ORDER BY run",
                          (RECENT_RUNS, V.NOT_RUN.name))
        for case_id, verdict, seconds in rows:
            out[case_id] = (verdict in _FAILED, float(seconds or 0.0))
        return out
    except sqlite3.Error:
        return {}
    finally:
        db.close()


def by_history(cases: list[Case], history_path: str | None) -> list[Case]:
    known = last_known(history_path)
    if not known:
        return cases

    def rank(item: tuple[int, Case]) -> tuple:
        i, case = item
        seen = known.get(case.id)
        if seen is None:
            return (1, 0.0, i)
        failed, seconds = seen
        return (0 if failed else 2, -seconds, i)

    return [c for _, c in sorted(enumerate(cases), key=rank)]
