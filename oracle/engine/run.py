"""A run, stage by stage: `session` is the whole of it; `run` picks the scheduler, `execute` is
the pytest one.

A finite suite runs as pytest items, fanned out by pytest-xdist; a generated suite streams
through stream.py's pool. Both settle each case the same way (settle.py) and hand records
to the same Recorder; then the run's end (ending.py) writes the reports and the history, the
gate and the tasks follow, and the exit status is decided once.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from oracle.infra import proc, scratch
from oracle.infra.backends import finish_run
from oracle.config.options import RunConfig
from oracle.model.errors import EXIT_INCOMPLETE, FeedError, UsageError
from oracle.engine.ending import closing_line, exit_status, finish, summary_lines
from oracle.engine.journal import Recorder, previous_records
from oracle.feed.gate import gate
from oracle.feed.tasks import sync
from oracle.report.json_report import header
from oracle.report.results import Run, load
from oracle.discover.order import by_history
from oracle.discover.select import select_cases
from oracle.discover.suites import is_generated
from oracle.engine.progress import Progress
from oracle.engine.stream import Stream
from oracle.report import open_regular


@dataclass(frozen=True)
class After:
    """What follows a complete run's reports: the gate against a baseline, the task files."""

    baseline: str | None = None
    reruns: int = 0
    update_baseline: bool = False
    tasks_dir: str | None = None
    max_tasks: int | None = None


@dataclass
class Ending:
    """What a run prints (a few lines, what it could not judge last) and its exit status."""

    lines: list[str]
    code: int


def session(cfg: RunConfig, jobs: int, progress: bool, after: After = After()) -> Ending:
    """The run: judge every case → reports → history → gate → tasks, on the records in memory;
    the exit status decided once, at the end. A run cut short or unable to write its results is
    neither gated nor tasked; one with cases oracle could not judge is (and exits 3)."""
    recorder = run(cfg, jobs, progress)  # judge: each record journalled as it comes
    finish(recorder)  # reports, history (already written if the run was interrupted)
    lines = summary_lines(recorder)
    gated = tasked = None
    # A run that saw part of the suite (stopped by --max-failures) would close tasks and pass gates
    # for cases it never judged: it is neither gated nor tasked.
    partial = recorder.interrupted or recorder.write_error or recorder.stopped_early
    if not partial and (after.baseline or after.tasks_dir):
        judged = _judged_run(recorder)
        if after.baseline:
            result = gate(after.baseline, [judged], reruns=after.reruns, update=after.update_baseline)
            lines += result.lines()
            _write_lines(recorder.out / "gate.log", result.lines(max_fixed=len(result.fixed)))
            gated = result.exit_code
        if after.tasks_dir:
            try:
                lines.append(sync(judged, after.tasks_dir, after.max_tasks).line(Path(after.tasks_dir).resolve()))
            except OSError as exc:
                lines.append(f"error: could not write the task files in {after.tasks_dir}: "
                             f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}")
                tasked = getattr(exc, "exit_code", EXIT_INCOMPLETE)  # 2: not a regular file (NotAFile)
            except FeedError as exc:  # a link, a special or a huge file in the task folder: not read
                lines.append(f"error: the task files in {after.tasks_dir} were not updated: {exc}")
                tasked = exc.exit_code
    last = closing_line(recorder)
    if last:  # what oracle could not judge stays the last line
        lines = [ln for ln in lines if ln != last] + [last]
    if not recorder.write_error:
        _write_lines(recorder.out / "summary.log", lines)  # what the console shows, whole (the agent view cuts it)
    return Ending(lines, exit_status(recorder, gate=gated, tasks=tasked))


def _write_lines(path: Path, lines: list[str]) -> None:
    """A few lines for people and agents to read later; a full disk costs the file, not the run."""
    with contextlib.suppress(OSError), open(open_regular(path), "w") as f:
        f.write("".join(f"{ln}\n" for ln in lines))


def _judged_run(recorder: Recorder) -> Run:
    """The finished run as the gate and the tasks read it: its records in memory (a stream's are
    read back from results.json: a stream never holds them)."""
    if recorder.stream:
        return load(recorder.cfg.out_dir)
    records = recorder.ordered()
    return Run((recorder.out / "results.json").resolve(), header(recorder.cfg, records), list(records))


def run(cfg: RunConfig, jobs: int, progress: bool) -> Recorder:
    """Judge the run's cases (--resume: those an interrupted run left); the recorder comes back
    closed, every record journalled.

    The suite is discovered here, once: a finite suite's selection goes to every worker as
    data (workers never open the suite); a generated one streams from this one iterator."""
    skip = set(previous_records(cfg.out_dir)) if cfg.resume else set()
    still = None  # --resume of a finite suite: the ids it has now (an earlier record of another is dropped)
    if skip and not is_generated(cfg.suite):
        selected = list(select_cases(cfg, ()))
        still = {c.id for c in selected}
        cases = iter([c for c in selected if c.id not in skip])
    else:
        cases = select_cases(cfg, skip)
    head = list(itertools.islice(cases, jobs))  # no more workers than cases (each is a process)
    if not head and not cfg.resume:
        # Nothing to judge is a mistake in the arguments (a -k that matches nothing, say), not a pass.
        raise UsageError("no case selected: check --suite, --filter (-k), --shard, --ratio and --count")
    jobs = max(1, min(jobs, len(head)))
    cases = itertools.chain(head, cases)
    if is_generated(cfg.suite):
        return Stream(cfg, cases, jobs, progress=progress).run()
    return execute(cfg, jobs, progress, by_history(list(cases), cfg.history_path), skip, still)


def execute(cfg: RunConfig, jobs: int, progress: bool, cases: list | None = None,
            skip: set[str] | None = None, still: set[str] | None = None) -> Recorder:
    """Run the cases through pytest (and xdist when jobs > 1); returns the closed recorder.
    `cases`: the selection (None: the runner selects, once); `skip`: what --resume left out;
    `still`: the ids the suite selects now (--resume keeps no earlier record of another)."""
    # pytest (and the plugin, which needs it) only here: a generated suite streams without it, and
    # importing it costs every other command a third of a second.
    import pytest

    from oracle.engine.plugin import Runner

    # pytest and xdist want a base temp folder (pytest may remove and remake it): ours is inside a
    # folder locked for the run's life, so a run killed outright leaves it unlocked and the next
    # run removes it; otherwise it goes away with the run.
    basetemp = tempfile.mkdtemp(prefix="oracle-pytest-")
    scratch.hold(basetemp)  # (the lock is the process's until it exits)

    def stopped(rec: Recorder) -> None:
        # The reports are written. Waiting for xdist to take its workers down politely
        # takes seconds; they were told to stop (and kill what they started) already, by the
        # signal that stopped the run; a run stopped by --max-failures tells them now.
        if rec.stopped_early:
            for pid in proc.children(live=True):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGTERM)
        for line in summary_lines(rec):
            print(line, file=sys.__stdout__)
        sys.__stdout__.flush()
        _end_children(grace=2.0)
        shutil.rmtree(basetemp, ignore_errors=True)
        scratch.sweep_run(cfg.run_id)  # os._exit skips the plugin's end-of-run sweep
        os._exit(exit_status(rec))

    recorder = Recorder(cfg, Progress(progress), still=still)
    runner = Runner(cfg, recorder, skip=sorted(skip) if skip is not None else None, cases=cases,
                    on_stopped=stopped if jobs > 1 else None)
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # --assert=plain: pytest would otherwise rewrite the asserts of every module of every installed
    # plugin's package (oracle's and hypothesis's included) as it imports them, in the controller
    # and again in each worker: about 1.5 s of CPU per process at every start. --tb=no: pytest's
    # failure summary pairs every failure with every report (quadratic; 0.6 s for 266 failures
    # of 1,707, minutes for a 20,000-case run); the failures are in oracle's own reports.
    args = ["-c", os.devnull, "--rootdir", str(out), "--noconftest", "-q", "--assert=plain", "--tb=no",
            "-p", "no:cacheprovider", "-p", "no:stepwise", "-p", "no:warnings", "-p", "no:logging",
            "-p", "no:junitxml", "-p", "no:hypothesispytest"]
    if jobs > 1:
        args += ["-n", str(jobs), "--max-worker-restart", "1000"]
        if len(cfg.opts) > 1:
            args += ["--dist", "loadgroup"]
    else:
        args += ["-p", "no:xdist"]
    args += ["--basetemp", os.path.join(basetemp, "pytest")]
    try:
        with _Log(out / "pytest.log") as log, contextlib.redirect_stdout(log):
            pytest.main(args, plugins=[runner])
    finally:
        shutil.rmtree(basetemp, ignore_errors=True)
        finish_run(cfg)  # again, in case pytest stopped before its session finished
        _drop_if_routine(out / "pytest.log")
    recorder.close(interrupted=True)  # (nothing, unless pytest stopped before its session finished)
    return recorder


# A line of pytest's own output worth keeping: anything but its progress and its counts.
_NOTEWORTHY = re.compile(r"(?i)error|traceback|exception|warning|crash|node down|replacing|killed|internal")


def _drop_if_routine(path: Path) -> None:
    """pytest.log stays only when it says more than pytest's progress ("bringing up nodes...",
    dots, counts): an error, a worker crash, a warning."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > (1 << 20):
            return
        if not _NOTEWORTHY.search(path.read_text(errors="replace")):
            path.unlink()
    except OSError:
        pass


class _Log(io.TextIOBase):
    """pytest's own output, kept in a file; a full disk loses the log, not the run."""

    def __init__(self, path: Path):
        try:
            self._f = open(open_regular(path), "w")  # never through a symlink, into a FIFO or a device
        except OSError:
            self._f = None

    def write(self, s: str) -> int:
        if self._f is not None:
            try:
                self._f.write(s)
            except OSError:
                self._f = None
        return len(s)

    def flush(self) -> None:
        if self._f is not None:
            try:
                self._f.flush()
            except (OSError, ValueError):
                self._f = None

    def isatty(self) -> bool:
        return False

    def close(self) -> None:
        f, self._f = self._f, None
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()
        super().close()


def _end_children(grace: float) -> None:
    """Give children `grace` seconds to finish leaving, then kill what is left."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and proc.children(live=True):
        time.sleep(0.05)
    for pid in proc.children():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


__all__ = ["After", "Ending", "execute", "run", "session"]
