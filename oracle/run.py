"""Running a whole session: the controller's recorder, and `oracle run`'s call into pytest."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from . import history, proc, scratch
from . import verdict as V
from .backends import finish_run
from .config import RunConfig
from .model import Case
from .reports import errors_log, json_report, junit, summary
from .select import select

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


RETRIED_ON_RESUME = (V.NOT_RUN.name, V.INFRA_ERROR.name)


def select_cases(cfg: RunConfig) -> list[Case]:
    from .suites import open_suite

    suite = open_suite(cfg.suite, cfg.gen)
    cases = select(suite.cases(cfg.arches, cfg.opts), seed=cfg.seed, ratio=cfg.ratio,
                   at_least_one=cfg.at_least_one, shard=cfg.shard, pattern=cfg.filter)
    if cfg.resume:
        done = finished_records(cfg)
        cases = [c for c in cases if c.id not in done]
    return cases


def finished_records(cfg: RunConfig) -> dict[str, dict]:
    """The cases an interrupted run already judged (what --resume keeps)."""
    try:
        doc = json.loads(Path(cfg.out_dir, "results.json").read_text())
        return {r["id"]: r for r in doc["cases"] if r["verdict"] not in RETRIED_ON_RESUME}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


class Recorder:
    """Collects case records on the controller and writes every report at the end."""

    def __init__(self, cfg: RunConfig, progress: bool = False, quiet: bool = False, on_stopped=None,
                 stream: bool = False):
        self.cfg = cfg
        self.progress = progress
        self.quiet = quiet
        self.records: dict[str, dict] = finished_records(cfg) if cfg.resume else {}
        # A stream of generated programs may be endless: its records go to disk as they come.
        self._spill = _Spill(cfg.out_dir) if stream else None
        self.verdicts: Counter = Counter()
        self.lost: dict[str, str] = {}
        self.total: int | None = None
        self.added = 0  # results received in this run (a resumed run starts with the earlier ones)
        self.exit_code = EXIT_OK
        self.write_error: str | None = None
        self.interrupted = False
        self.warnings: list[str] = []
        self.finished = False
        self.on_stopped = on_stopped  # called once the reports of an interrupted run are written
        self._bar = None

    def expect(self, total: int) -> None:
        if self.total is None:
            self.total = total
            if self.progress:
                from tqdm import tqdm

                self._bar = tqdm(total=total, unit="case", file=sys.stderr, leave=False, dynamic_ncols=True)

    @property
    def count(self) -> int:
        return self._spill.count if self._spill is not None else len(self.records)

    def add(self, record: dict) -> None:
        if self._spill is not None:
            self._spill.add(record)
        else:
            self.records[record["id"]] = record
        self.verdicts[record["verdict"]] += 1
        self.added += 1
        if self._bar is not None:
            self._bar.update(1)

    def add_lost(self, case_id: str, why: str) -> None:
        if case_id not in self.records:  # (pytest runs only: a stream loses no worker)
            self.lost[case_id] = why
            self.added += 1
            if self._bar is not None:
                self._bar.update(1)

    def finish(self, interrupted: bool = False) -> None:
        if self.finished:
            return
        self.finished = True
        if self._bar is not None:
            self._bar.close()
        self.interrupted = interrupted
        if self.lost or self.total is None or self.added < self.total or interrupted:
            self._fill_missing()
        if self._spill is not None:
            self._spill.flush()
        records = self.ordered()
        out = Path(self.cfg.out_dir)
        complete = not interrupted
        try:
            out.mkdir(parents=True, exist_ok=True)
            json_report.write(out / "results.json", self.cfg, records, complete)
            junit.write(out / "junit.xml", records)
            errors_log.write(out / "errors.log", records)
            if self.cfg.json_copy:
                json_report.write(self.cfg.json_copy, self.cfg, records, complete)
            if self.cfg.junit_copy:
                junit.write(self.cfg.junit_copy, records)
            _link_latest(out)
        except OSError as exc:
            self.write_error = (f"could not write the reports in {exc.filename or out}: {exc.strerror or exc}; "
                                "free some space or pass --out elsewhere, then run again with --resume")
        if self.cfg.history_path and not self.write_error:
            try:
                history.record_run(self.cfg.history_path, self.cfg, records, complete)
            except (OSError, sqlite3.Error) as exc:
                self.warnings.append(f"the run was not added to the history {self.cfg.history_path}: {exc}")
        failed = any(V.by_name(r["verdict"]).is_failure for r in records)
        if self.write_error or interrupted:
            self.exit_code = EXIT_INCOMPLETE
        else:
            self.exit_code = EXIT_FAILURES if failed else EXIT_OK
        if interrupted and self.on_stopped is not None:
            self.on_stopped(self)

    def _fill_missing(self) -> None:
        try:
            cases = select_cases(self.cfg)
        except Exception:  # discovery failed now: report what we have
            cases = []
        done = self.records.keys() if self._spill is None else {r["id"] for r in self._spill}
        for case in cases:
            if case.id in done:
                continue
            if case.id in self.lost and not self.interrupted:
                rec = {**case.record(), "verdict": V.INFRA_ERROR.name, "reason": f"worker lost: {self.lost[case.id]}",
                       "duration_s": 0.0}
            else:
                rec = {**case.record(), "verdict": V.NOT_RUN.name, "reason": "the run stopped before this case",
                       "duration_s": 0.0}
            if self._spill is not None:
                self._spill.add(rec)
            else:
                self.records[case.id] = rec

    def ordered(self):
        """Every record, for the reports: a sorted list, or (a stream) the records on disk."""
        if self._spill is not None:
            return self._spill
        return [self.records[k] for k in sorted(self.records)]

    def summary_lines(self) -> list[str]:
        records = self.ordered()
        lines = [f"warning: {w}" for w in (*self.cfg.warnings, *self.warnings)]
        if not self.count:
            lines.append("no case selected: check --suite, --filter, --shard and --ratio")
        lines += summary.lines(records, self.cfg.arches)
        if self.interrupted:
            lines.append("interrupted: reports hold the cases finished so far (the rest are not-run)")
        if self.write_error:
            lines.append(f"error: {self.write_error}")
        else:
            out = self.cfg.out_dir
            lines.append(f"reports: {out}/results.json · {out}/junit.xml · {out}/errors.log")
        return lines


class _Spill:
    """Records on disk, a JSON line each, in an unnamed file in the output folder (gone when
    oracle ends, however it ends): re-iterable, and costs no memory whatever their number."""

    def __init__(self, out_dir: str):
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        self._f = tempfile.TemporaryFile(dir=out_dir)
        self.count = 0

    def add(self, record: dict) -> None:
        self._f.write(json.dumps(record, ensure_ascii=True).encode() + b"\n")
        self.count += 1

    def flush(self) -> None:
        self._f.flush()

    def __iter__(self):
        self._f.flush()
        with open(f"/proc/self/fd/{self._f.fileno()}", "rb") as f:  # its own offset: writes go on at the end
            for line in f:
                yield json.loads(line)


def _link_latest(out: Path) -> None:
    if out.parent.name != "runs":
        return
    link = out.parent / "latest"
    tmp = out.parent / f".latest-{os.getpid()}"
    with contextlib.suppress(OSError):
        tmp.unlink()
    os.symlink(out.name, tmp)
    os.replace(tmp, link)


def execute(cfg: RunConfig, jobs: int, progress: bool) -> Recorder:
    """Run the cases through pytest (and xdist when jobs > 1); returns the finished recorder."""
    import pytest

    from .plugin import Runner

    # pytest and xdist want a base temp folder (pytest may remove and remake it): ours is inside a
    # folder locked for the run's life, so a run killed outright leaves it unlocked and the next
    # run removes it; otherwise it goes away with the run.
    basetemp = tempfile.mkdtemp(prefix="oracle-pytest-")
    scratch.hold(basetemp)  # (the lock is the process's until it exits)

    def stopped(rec: Recorder) -> None:
        # The reports are written. Waiting for xdist to take its workers down politely
        # takes seconds; they were told to stop (and kill what they started) already.
        for line in rec.summary_lines():
            print(line, file=sys.__stdout__)
        sys.__stdout__.flush()
        _end_children(grace=2.0)
        shutil.rmtree(basetemp, ignore_errors=True)
        scratch.sweep_run(cfg.run_id)  # os._exit skips the plugin's end-of-run sweep
        os._exit(rec.exit_code)

    recorder = Recorder(cfg, progress=progress, quiet=True, on_stopped=stopped if jobs > 1 else None)
    runner = Runner(cfg, recorder)
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
    if recorder.total is None:  # pytest stopped before collection: still leave reports behind
        recorder.finish(interrupted=True)
    return recorder


class _Log(io.TextIOBase):
    """pytest's own output, kept in a file; a full disk loses the log, not the run."""

    def __init__(self, path: Path):
        try:
            self._f = open(path, "w")
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


__all__ = ["Recorder", "execute", "select_cases"]
