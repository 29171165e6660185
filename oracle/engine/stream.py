"""The streaming scheduler: cases judged on a pool of threads as a lazy stream yields them.

Generated suites (`oracle run --suite csmith`) and `oracle fuzz` (an unbounded generated
suite plus a deadline) run here: no pytest item per case and no list of cases, so memory
stays flat whatever --count is; at most 2 × jobs programs are in flight. Every case is
settled exactly as under pytest (settle.py), and its record goes to the Recorder's
journal in the stream's order, so Ctrl-C, the deadline or a full disk lose nothing judged.
"""

from __future__ import annotations

import itertools
import re
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Iterator

from oracle.infra import proc
from oracle.model import verdict as V
from oracle.config.options import RunConfig
from oracle.model.errors import UsageError
from oracle.model.case import Case
from oracle.judge.judging import Judge
from oracle.judge.outcome import Result
from oracle.model.record import CaseRecord
from oracle.engine.journal import Recorder
from oracle.engine.progress import Progress
from oracle.engine.settle import settle
from oracle.config.targets import HOST_ARCH

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}


def parse_budget(text: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text or "")
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"bad --budget {text!r}: give a duration like 90s, 10m or 2h")
    return float(m.group(1)) * _UNITS[m.group(2)]


class Stream:
    """Judges a stream of cases on a pool of threads until it ends, the deadline passes or the
    run is stopped. `budget_s` None: a finite suite (`oracle run`), whose unjudged cases are
    recorded not-run if it is stopped; else `oracle fuzz`, for which stopping is the end."""

    def __init__(self, cfg: RunConfig, cases: Iterator[Case], jobs: int, budget_s: float | None = None,
                 progress: bool = True, echo_failures: bool = False):
        self.cfg = cfg
        self.cases = cases
        self.finite = budget_s is None
        self.budget_s = float("inf") if budget_s is None else budget_s
        self.echo_failures = echo_failures
        self.jobs = jobs
        self.progress = progress
        self.bar = Progress(False)  # a bar with the total (oracle run, on a terminal), set in run()
        self.recorder = Recorder(cfg, self.bar, stream=True)
        self.stop = threading.Event()
        self._local = threading.local()
        self._judges: list[Judge] = []
        self._lock = threading.Lock()
        self.failures = 0
        self.interrupted = False
        self._cut = False  # _cut_short done

    def run(self) -> Recorder:
        self.start = time.monotonic()
        if self.finite and self.progress and self._total() is not None:
            self.bar.on = True  # advanced by the recorder as the records come
            self.recorder.expect(total=self._total())
        self.deadline = self.start + self.budget_s
        # A program's cases (its arches and opt levels) go to one judge: the program is generated,
        # and its UB check built and run, once. The host arch first: it is the quickest to find a
        # program too slow to be a test.
        programs = (sorted(group, key=lambda c: c.arch != HOST_ARCH)
                    for _, group in itertools.groupby(self.cases, key=lambda c: (c.suite, c.test)))
        exhausted = False
        pending: dict[Future, tuple[int, list[Case]]] = {}
        # Records are kept in the stream's order (seed order), whatever order they finish in.
        finished: dict[int, tuple[list[Case], list[CaseRecord | None]]] = {}
        submitted = recorded = 0
        pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="oracle-stream")
        handlers = self._catch_signals()
        try:
            while True:
                if self.interrupted and not self._cut:
                    self._cut_short()
                while (not exhausted and not self.stop.is_set() and time.monotonic() < self.deadline
                       and len(pending) < 2 * self.jobs):
                    program = next(programs, None)
                    if program is None:
                        exhausted = True
                        break
                    pending[pool.submit(self._settle_program, program)] = (submitted, program)
                    submitted += 1
                if not pending:
                    break
                if time.monotonic() >= self.deadline and not self._cut:
                    self._cut_short()
                done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for fut in done:
                    seq, program = pending.pop(fut)
                    finished[seq] = (program, fut.result())
                while recorded in finished or (not pending and finished):
                    # (once nothing is pending, a stopped run records what it has, gaps and all)
                    recorded = recorded if recorded in finished else min(finished)
                    self._take(*finished.pop(recorded))
                    recorded += 1
                self._show()
        except KeyboardInterrupt:  # a second Ctrl-C, or one outside the main loop
            self.interrupted = True
            self._cut_short()
        finally:
            for sig, old in handlers.items():
                signal.signal(sig, old)
            pool.shutdown(wait=True, cancel_futures=True)
            for judge in self._judges:
                judge.close()
        for fut, (seq, program) in pending.items():  # what finished as the run was stopped is kept
            ok = fut.done() and not fut.cancelled() and fut.exception() is None
            finished[seq] = (program, fut.result() if ok else [])
        for seq in sorted(finished):
            self._take(*finished[seq])
        if self.finite and self.stop.is_set():
            self.recorder.add_missing(itertools.chain.from_iterable(programs))
        if self.progress:
            sys.stderr.write("\r\033[K" if self.finite else "\n")
        self.recorder.close(interrupted=self.interrupted and self.finite)
        return self.recorder

    def _catch_signals(self) -> dict:
        """Ctrl-C and SIGTERM set a flag the main loop acts on (the first of them): a
        KeyboardInterrupt raised anywhere in the loop could drop a result taken from a finished
        future before it is recorded. {signal: the handler it replaced}."""
        if threading.current_thread() is not threading.main_thread():
            return {}

        def on_signal(signum, frame):
            if self.interrupted:  # the second: stop now
                raise KeyboardInterrupt
            self.interrupted = True
            self.stop.set()  # before anything else: a case judged from here on is no result

        return {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}

    def _cut_short(self) -> None:
        """Budget spent or interrupted: the cases in flight are stopped, and their results dropped."""
        self._cut = True
        self.stop.set()
        with self._lock:
            for judge in self._judges:
                judge.cancel.set()
        for _ in range(2):  # again, for a process started just as the judges were cancelled
            proc.kill_live()
            time.sleep(0.1)

    def _settle_program(self, cases: list[Case]) -> list[CaseRecord | None]:
        judge = getattr(self._local, "judge", None)
        if judge is None:
            judge = self._local.judge = Judge(self.cfg)
            with self._lock:
                self._judges.append(judge)
        out: list[CaseRecord | None] = []
        for case in cases:
            if self.stop.is_set():
                break
            try:
                rec = settle(judge, case, self.cfg, deadline=None if self.finite else self.deadline, stop=self.stop)
            except Exception as exc:  # (oracle's own failure) the case says so; the run and its results go on
                rec = Result(case, V.INFRA_ERROR, f"{type(exc).__name__}: {exc}",
                             traceback=traceback.format_exc()).record(case)
            out.append(rec)
        return out

    def _take(self, program: list[Case], records: list[CaseRecord | None]) -> None:
        """Record a program's results; its cases cut short by a stop are not-run (a finite suite)."""
        for i, case in enumerate(program):
            rec = records[i] if i < len(records) else None
            if rec is None:
                if self.finite:
                    self.recorder.add_missing([case])
                continue
            self.recorder.add(rec)
            if rec.verdict.is_failure:
                self.failures += 1
                if self.echo_failures:
                    print(f"ERROR {rec.id} {rec.verdict.name}: {rec.reason[:200]}", file=sys.stderr, flush=True)
                if self.recorder.stopped_early and not self.stop.is_set():
                    self._cut_short()  # --max-failures: what is in flight is dropped (not-run)

    def _total(self) -> int | None:
        """How many cases a generated run judges, when it is known before they are made: --count
        programs on every arch and opt level (a sample, shard or filter keeps an unknown part)."""
        cfg = self.cfg
        if (cfg.ratio is not None and cfg.ratio < 100) or cfg.shard or cfg.filter or cfg.resume:
            return None
        return cfg.count * len(cfg.arches) * len(cfg.opts)

    def _show(self) -> None:
        now = time.monotonic()
        if not self.progress and now - getattr(self, "_shown", 0.0) < 10:
            return  # not a terminal: one line every 10 s instead of a line redrawn in place
        self._shown = now
        n = self.recorder.count
        passed = self.recorder.verdicts[V.PASS.name]
        if self.finite:  # oracle run: a progress bar (or line) on a terminal only
            if self.bar.drawn:
                self.bar.note(failures=self.failures)
            elif self.progress:
                sys.stderr.write(f"\r{n} cases, {passed} passed, {self.failures} failures ")
                sys.stderr.flush()
            return
        left = max(0.0, self.deadline - time.monotonic())
        line = (f"fuzz: {n} cases, {passed} passed, {self.failures} failures, "
                f"{int(left) // 60}m{int(left) % 60:02d}s left")
        sys.stderr.write(f"\r{line} " if self.progress else f"{line}\n")
        sys.stderr.flush()
