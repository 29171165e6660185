"""Running a whole session: the controller's recorder, and `oracle run`'s call into pytest."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from . import verdict as V
from .backends import finish_run
from .config import RunConfig
from .model import Case
from .reports import errors_log, json_report, junit, summary
from .select import select

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def select_cases(cfg: RunConfig) -> list[Case]:
    from .suites import open_suite

    suite = open_suite(cfg.suite)
    return select(suite.cases(cfg.arches, cfg.opts), seed=cfg.seed, ratio=cfg.ratio,
                  at_least_one=cfg.at_least_one, shard=cfg.shard, pattern=cfg.filter)


class Recorder:
    """Collects case records on the controller and writes every report at the end."""

    def __init__(self, cfg: RunConfig, progress: bool = False, quiet: bool = False):
        self.cfg = cfg
        self.progress = progress
        self.quiet = quiet
        self.records: dict[str, dict] = {}
        self.lost: dict[str, str] = {}
        self.total: int | None = None
        self.exit_code = EXIT_OK
        self.write_error: str | None = None
        self.interrupted = False
        self._bar = None

    def expect(self, total: int) -> None:
        if self.total is None:
            self.total = total
            if self.progress:
                from tqdm import tqdm

                self._bar = tqdm(total=total, unit="case", file=sys.stderr, leave=False, dynamic_ncols=True)

    def add(self, record: dict) -> None:
        self.records[record["id"]] = record
        if self._bar is not None:
            self._bar.update(1)

    def add_lost(self, case_id: str, why: str) -> None:
        if case_id not in self.records:
            self.lost[case_id] = why
            if self._bar is not None:
                self._bar.update(1)

    def finish(self, interrupted: bool = False) -> None:
        if self._bar is not None:
            self._bar.close()
        self.interrupted = interrupted
        if self.lost or (self.total is not None and len(self.records) < self.total) or interrupted:
            self._fill_missing()
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
            self.write_error = f"could not write the reports in {out}: {exc.strerror or exc}"
        failed = any(V.by_name(r["verdict"]).is_failure for r in records)
        if self.write_error or interrupted:
            self.exit_code = EXIT_INCOMPLETE
        else:
            self.exit_code = EXIT_FAILURES if failed else EXIT_OK

    def _fill_missing(self) -> None:
        try:
            cases = select_cases(self.cfg)
        except Exception:  # discovery failed now: report what we have
            cases = []
        for case in cases:
            if case.id in self.records:
                continue
            if case.id in self.lost:
                rec = {**case.record(), "verdict": V.INFRA_ERROR.name, "reason": f"worker lost: {self.lost[case.id]}",
                       "duration_s": 0.0}
            else:
                rec = {**case.record(), "verdict": V.NOT_RUN.name, "reason": "the run stopped before this case",
                       "duration_s": 0.0}
            self.records[case.id] = rec

    def ordered(self) -> list[dict]:
        return [self.records[k] for k in sorted(self.records)]

    def summary_lines(self) -> list[str]:
        records = self.ordered()
        lines = [f"warning: {w}" for w in self.cfg.warnings]
        if not records:
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

    from .plugin import RUNNER, Runner

    recorder = Recorder(cfg, progress=progress, quiet=True)
    runner = Runner(cfg, recorder)
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    args = ["-c", os.devnull, "--rootdir", str(out), "--noconftest", "-q", "-p", "no:cacheprovider",
            "-p", "no:stepwise", "-p", "no:warnings", "-p", "no:logging", "-p", "no:junitxml"]
    if jobs > 1:
        args += ["-n", str(jobs), "--max-worker-restart", "1000"]
        if len(cfg.opts) > 1:
            args += ["--dist", "loadgroup"]
    else:
        args += ["-p", "no:xdist"]
    try:
        with open(out / "pytest.log", "w") as log, contextlib.redirect_stdout(log):
            code = pytest.main(args, plugins=[(runner)])
            del code
    finally:
        finish_run(cfg)  # again, in case pytest stopped before its session finished
    if recorder.total is None:  # pytest stopped before collection: still leave reports behind
        recorder.finish(interrupted=True)
    return recorder


__all__ = ["Recorder", "execute", "select_cases", "RUNNER"]
