"""Shrinking a failing `hypothesis` program with Hypothesis itself.

The failing program's choice sequence is saved in Hypothesis's example
database under a key naming the seed; `hypothesis.find` replays it from there
(phase `reuse`) and shrinks it, judging every smaller program with the same
Judge. The minimal program is kept in the database too (primary key), so the next
shrink of this seed replays it from there instead of shrinking again.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.database import DirectoryBasedExampleDatabase, choices_to_bytes
from hypothesis.errors import HypothesisException, NoSuchExample

from oracle.model.case import Case
from oracle.judge.judging import Judge
from oracle.judge.outcome import Result
from oracle.discover.suites.cprog import programs
from oracle.discover.suites.generated import seed_of
from oracle.discover.suites.hyp import draw_program


def database_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "oracle", "hypothesis-db")


def database_key(case: Case, verdict: str) -> bytes:
    return f"oracle/{case.suite}/{case.test}@{case.arch}{case.opt}/{verdict}".encode()


def shrink(result: Result, judge: Judge, budget_s: float, db_dir: Path | None = None) -> Result:
    """The smallest program Hypothesis finds that fails the same way, judged; `result` if none is smaller.

    Judging stops counting after budget_s seconds (every later candidate is "not failing"), so a
    shrink never holds a worker much longer than its budget.
    """
    case, verdict = result.case, result.verdict
    text, choices = draw_program(seed_of(case))
    db = DirectoryBasedExampleDatabase(str(db_dir or database_dir()))
    key = database_key(case, verdict.name)
    # Under the secondary key: Hypothesis takes what it finds under the primary key as already
    # shrunk. The minimal program it finds goes to the primary key, so the next shrink of this
    # seed replays it at once.
    db.save(key + b".secondary", choices_to_bytes(choices))
    folder = judge.root / f"shrink-{case.test}"
    folder.mkdir(exist_ok=True)
    deadline = time.monotonic() + budget_s
    best: dict[str, Result] = {}
    counter = [0]

    answers: dict[str, bool] = {}  # a program judged once keeps its answer, also after the deadline

    def still_fails(program: str) -> bool:
        if program not in answers:
            answers[program] = time.monotonic() <= deadline and judge_one(program)
        return answers[program]

    def judge_one(program: str) -> bool:
        counter[0] += 1
        path = folder / f"p{counter[0]}.c"
        path.write_text(program)
        res = judge.judge(replace(case, sources=(str(path),)))
        if res.verdict is not verdict:
            path.unlink(missing_ok=True)
            return False
        if "res" in best and len(program) >= best["len"]:
            path.unlink(missing_ok=True)
        else:
            best.update(res=res, len=len(program))
        return True

    shrink_settings = settings(database=db, phases=[Phase.reuse, Phase.shrink], deadline=None,
                               suppress_health_check=list(HealthCheck), max_examples=1000)
    try:
        with judge.without_disassembly():  # many tries; the one kept is disassembled with its folder
            find(programs(), still_fails, settings=shrink_settings, database_key=key)
    except (NoSuchExample, HypothesisException):
        pass  # whatever Hypothesis makes of it, the smallest failing program judged so far stands
    small = best.get("res")
    if small is None or best["len"] >= len(text):
        return result
    small.reason = f"{small.reason} [shrunk by Hypothesis from {len(text)} to {best['len']} bytes in {counter[0]} tries]"
    return small
