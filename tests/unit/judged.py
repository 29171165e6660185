"""Records as the judge makes them: a Result with the run the reason describes, through
Result.record(), so a record's evidence is read the way the judge reads it (tests of clustering
and tasks give a reason, as a run's judge would have seen it)."""

from __future__ import annotations

import re
import signal

from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.judge.outcome import Result
from oracle.infra.proc import EXIT, SIGNAL, ProcResult, Status
from oracle.model.record import CaseRecord

_KILLED = re.compile(r"killed by (SIG[A-Z0-9]+)")


def judged(case: Case, verdict: V.Verdict | str, reason: str = "") -> CaseRecord:
    verdict = V.by_name(verdict) if isinstance(verdict, str) else verdict
    run = None
    if verdict in (V.CRASH, V.WRONG_EXIT, V.WRONG_OUTPUT):
        m = _KILLED.search(reason)
        status = Status(SIGNAL, signal.Signals[m.group(1)].value) if m else Status(EXIT, 1)
        stderr = reason.partition("stderr: ")[2].encode()
        run = ProcResult(("./prog",), status, stderr=stderr)
    return Result(case, verdict, reason, run=run).record()
