"""Settling a case: the one step every scheduler takes for every case.

Judge it; shrink a failing generated program where the generator can; write the case's
folder; and turn a folder that cannot be written (a full disk) into words in the record,
never into a lost case or a dead run. pytest items (finite suites, under xdist) and the
streaming pool (generated suites, `oracle fuzz`) both call `settle`, so they cannot drift.
"""

from __future__ import annotations

import threading
import time
import traceback

from oracle.config.options import RunConfig
from oracle.model.case import Case
from oracle.judge.judging import Judge
from oracle.model.record import CaseRecord
from oracle.report import casedir
from oracle.judge.kinds import kind_of



def settle(judge: Judge, case: Case, cfg: RunConfig, *, deadline: float | None = None,
           stop: threading.Event | None = None) -> CaseRecord | None:
    """The record of `case`, its folder written if it failed; None when `stop` was set meanwhile
    (the run was cut short: a half-judged case is not a result)."""
    res = judge.judge(case)
    if stop is not None and stop.is_set():
        return None
    if casedir.wanted(res):
        original = res
        budget = cfg.shrink_timeout if deadline is None else min(cfg.shrink_timeout, deadline - time.monotonic())
        if res.verdict.is_failure and kind_of(case.suite).shrinkable and budget > 0:
            from oracle.engine.shrink import shrink

            try:
                res = shrink(res, judge, budget)
            except Exception:  # (oracle's own failure) the unshrunk program is still the failure
                res.reason += f" (not shrunk: {traceback.format_exc(limit=0).strip()})"
            if stop is not None and stop.is_set():
                return None
        try:
            judge.disassembly(res)
        except Exception:  # (oracle's own failure, or the machine's) the folder goes without it
            pass
        if stop is not None and stop.is_set():
            return None
        try:
            casedir.write(cfg.out_dir, res, cfg, original=original)
        except OSError:
            res.reason += f" (its case folder could not be written: {traceback.format_exc(limit=0).strip()})"
    else:
        casedir.remove(cfg.out_dir, case.id)  # a folder from an earlier run into this --out is stale now
    return res.record(case)
