"""`oracle fuzz`: generate and judge programs until a time budget is spent.

No pytest here: the stream of seeds is endless, so cases are made on the fly and
at most 2 × jobs are in flight (constant memory). Each failure's folder is
written as soon as it is judged, so Ctrl-C (or the budget) loses nothing; the
reports cover every case judged before the stop.
"""

from __future__ import annotations

import itertools
import re
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Iterator

from . import proc
from . import verdict as V
from .config import RunConfig
from .errors import UsageError
from .model import Case, case_id
from .pipeline import Judge, Result
from .reports import casedir
from .run import Recorder
from .targets import HOST_ARCH
from .suites.generated import SEED_PREFIX, open_generator

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}


def parse_budget(text: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text or "")
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"bad --budget {text!r}: give a duration like 90s, 10m or 2h")
    return float(m.group(1)) * _UNITS[m.group(2)]


def fuzz_cases(cfg: RunConfig, generators: tuple[str, ...]) -> Iterator[Case]:
    """Seeds S, S+1, ... for each generator in turn, each on every arch and opt level."""
    flags = {g: open_generator(g, cfg.gen).flags() for g in generators}
    for seed in itertools.count(cfg.gen_seed):
        test = f"{SEED_PREFIX}{seed}"
        for gen in generators:
            for arch in cfg.arches:
                for opt in cfg.opts:
                    yield Case(case_id(gen, test, arch, opt), gen, test, arch, opt, (), flags[gen])


class Fuzzer:
    """Judges a stream of cases on a pool of threads, at most 2 × jobs in flight.

    `oracle fuzz` feeds it an endless stream and a budget; `oracle run` on a generated
    suite feeds it the suite's (finite, lazily made) stream, so memory stays flat
    whatever --count is: no pytest item per case, no list of cases."""

    def __init__(self, cfg: RunConfig, generators: tuple[str, ...], budget_s: float | None, jobs: int,
                 progress: bool = True, cases: Iterator[Case] | None = None, echo_failures: bool = True):
        self.cfg = cfg
        self.generators = generators
        self.budget_s = budget_s if budget_s is not None else float("inf")
        self.cases = cases
        self.echo_failures = echo_failures
        self.jobs = jobs
        self.progress = progress
        self.recorder = Recorder(cfg, quiet=True, stream=True)
        self.stop = threading.Event()
        self._local = threading.local()
        self._judges: list[Judge] = []
        self._lock = threading.Lock()
        self.failures = 0
        self.interrupted = False

    def run(self) -> Recorder:
        self.start = time.monotonic()
        self.deadline = self.start + self.budget_s
        cases = self.cases if self.cases is not None else fuzz_cases(self.cfg, self.generators)
        # A program's cases (its arches and opt levels) go to one judge: the program is generated,
        # and its UB check built and run, once.
        # The host arch first: it is the quickest to find a program too slow to be a test.
        programs = (sorted(group, key=lambda c: c.arch != HOST_ARCH)
                    for _, group in itertools.groupby(cases, key=lambda c: (c.suite, c.test)))
        exhausted = False
        pending: dict[Future, int] = {}
        # Results are recorded in the stream's order (seed order), whatever order they finish in.
        finished: dict[int, list] = {}
        submitted = recorded = 0
        pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="oracle-fuzz")
        try:
            while True:
                while (not exhausted and not self.stop.is_set() and time.monotonic() < self.deadline
                       and len(pending) < 2 * self.jobs):
                    program = next(programs, None)
                    if program is None:
                        exhausted = True
                        break
                    pending[pool.submit(self._judge_program, program)] = submitted
                    submitted += 1
                if not pending:
                    break
                if time.monotonic() >= self.deadline and not self.stop.is_set():
                    self._cut_short()
                done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for fut in done:
                    finished[pending.pop(fut)] = fut.result()
                while recorded in finished or (not pending and finished):
                    # (once nothing is pending, a stopped run records what it has, gaps and all)
                    recorded = recorded if recorded in finished else min(finished)
                    for res in finished.pop(recorded):
                        self._take(res)
                    recorded += 1
                self._show()
        except KeyboardInterrupt:
            self.interrupted = True
            self._cut_short()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            for judge in self._judges:
                judge.close()
        for fut, seq in pending.items():  # what finished as the run was stopped is kept
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                finished[seq] = fut.result()
        for seq in sorted(finished):
            for res in finished[seq]:
                self._take(res)
        if self.progress:
            sys.stderr.write("\n")
        self.recorder.expect(self.recorder.count)
        self.recorder.finish(interrupted=self.interrupted and self.cases is not None)
        return self.recorder

    def _cut_short(self) -> None:
        """Budget spent or interrupted: the cases in flight are stopped, and their results dropped."""
        self.stop.set()
        with self._lock:
            for judge in self._judges:
                judge.cancel.set()
        for _ in range(2):  # again, for a process started just as the judges were cancelled
            proc.kill_live()
            time.sleep(0.1)

    def _judge_program(self, cases: list[Case]) -> list[Result | None]:
        results = []
        for case in cases:
            if self.stop.is_set():
                break
            results.append(self._judge(case))
        return results

    def _judge(self, case: Case) -> Result | None:
        judge = getattr(self._local, "judge", None)
        if judge is None:
            judge = self._local.judge = Judge(self.cfg)
            with self._lock:
                self._judges.append(judge)
        res = judge.judge(case)
        if self.stop.is_set():
            return None
        if casedir.wanted(res):
            original = res
            budget = min(self.cfg.shrink_timeout, self.deadline - time.monotonic())
            if res.verdict.is_failure and case.suite == "hypothesis" and budget > 0:
                from .shrink import shrink

                res = shrink(res, judge, budget)
            if self.stop.is_set():
                return None
            casedir.write(self.cfg.out_dir, res, self.cfg, original=original)
        return res

    def _take(self, res: Result | None) -> None:
        if res is None:  # (a case cut short by the stop: _judge drops its result)
            return
        self.recorder.add(res.record())
        if res.verdict.is_failure:
            self.failures += 1
            if self.echo_failures:
                print(f"ERROR {res.case.id} {res.verdict.name}: {res.reason[:200]}", file=sys.stderr, flush=True)

    def _show(self) -> None:
        now = time.monotonic()
        if not self.progress and now - getattr(self, "_shown", 0.0) < 10:
            return  # not a terminal: one line every 10 s instead of a line redrawn in place
        self._shown = now
        n = self.recorder.count
        passed = self.recorder.verdicts[V.PASS.name]
        if self.cases is not None:  # oracle run: a progress line on a terminal only
            if self.progress:
                sys.stderr.write(f"\r{n} cases, {passed} passed, {self.failures} failures ")
                sys.stderr.flush()
            return
        left = max(0.0, self.deadline - time.monotonic())
        line = (f"fuzz: {n} cases, {passed} passed, {self.failures} failures, "
                f"{int(left) // 60}m{int(left) % 60:02d}s left")
        sys.stderr.write(f"\r{line} " if self.progress else f"{line}\n")
        sys.stderr.flush()
