"""The pytest plugin: cases become items, results travel back as user properties.

Thin on purpose: collection, items, and handing records to the reports.
Verdicts are decided in pipeline.py, never here. Loaded through the `pytest11`
entry point, it stays inert unless oracle options are given:

    pytest -n 2 --oracle-compiler tcc --oracle-suite smoke
"""

from __future__ import annotations

import functools
import json
import os
import signal

import pytest

from . import proc, scratch
from . import verdict as V
from .backends import finish_run
from .config import OPTIONS, RunConfig
from .configure import build
from .errors import OracleError
from .model import Case
from .pipeline import Judge
from .record import CaseRecord
from .recorder import Recorder, previous_records
from .select import select_cases
from .settle import settle

PROP = "oracle"
RUNNER = "oracle-runner"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("oracle", "differential testing of a C compiler against GCC")
    for opt in OPTIONS:
        kwargs: dict = {"dest": f"oracle_{opt.dest}", "help": opt.help}
        if opt.flag:
            kwargs.update(action="store_true", default=False)
        else:
            kwargs.update(action="append" if opt.append else "store", metavar=opt.metavar,
                          default=None if opt.append else opt.default)
            if opt.type is not str:
                kwargs["type"] = opt.type
        group.addoption(f"--oracle-{opt.name}", **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        if "oracle_config" in workerinput:
            runner = Runner(RunConfig.from_json(workerinput["oracle_config"]), skip=workerinput["oracle_skip"])
            signal.signal(signal.SIGINT, functools.partial(_stop_worker, runner))
            signal.signal(signal.SIGTERM, functools.partial(_stop_worker, runner))
            config.pluginmanager.register(runner, RUNNER)
        return
    if config.pluginmanager.get_plugin(RUNNER) is not None:
        return  # `oracle run` registered a runner with its configuration already
    values = {opt.dest: getattr(config.option, f"oracle_{opt.dest}", None) for opt in OPTIONS}
    if not values.get("compiler"):
        if getattr(config.option, "oracle_suite", "torture") != "torture":
            raise pytest.UsageError("oracle: --oracle-suite needs --oracle-compiler")
        return
    try:
        cfg = build(values)
    except OracleError as exc:
        raise pytest.UsageError(f"oracle: {exc}") from None
    config.pluginmanager.register(Runner(cfg, recorder=Recorder(cfg, to_terminal=True)), RUNNER)


def _stop_worker(runner: "Runner", signum, frame):
    """Stopping a run: a worker kills what it started and leaves at once.

    Its unfinished case is lost either way; the controller keeps every result
    already sent and marks the rest not-run. Waiting for pytest to unwind the
    worker politely costs seconds a stopped run should not take."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    proc.kill_live()
    runner.abort()
    os._exit(128 + signum)


class CaseFailure(Exception):
    """Raised by an item whose case the candidate failed (or oracle could not judge)."""


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, runner: "Runner", **kwargs):
        super().__init__(**kwargs)
        self.case = case
        self.runner = runner

    def runtest(self) -> None:
        rec = self.runner.judge(self.case)
        self.user_properties.append((PROP, rec.line()))
        if rec.verdict.is_failure or rec.verdict is V.INFRA_ERROR:
            raise CaseFailure(f"{rec.verdict.name}: {rec.reason}")
        if rec.verdict is not V.PASS:
            pytest.skip(f"{rec.verdict.name}: {rec.reason}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.case.id}\n{excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, self.case.id


class SuiteCollector(pytest.Collector):
    def collect(self):  # never called: items are made directly in pytest_collection
        return []


class Runner:
    """The per-process plugin object: judges on workers, records on the controller."""

    def __init__(self, cfg: RunConfig, recorder: Recorder | None = None, skip: list[str] | None = None):
        self.cfg = cfg
        self.recorder = recorder
        # --resume: what the interrupted run judged, read once by the controller. Each worker
        # must collect the very same cases, and the journal grows while they start.
        if skip is None:
            skip = list(previous_records(cfg.out_dir)) if cfg.resume else []
        self.skip = set(skip)
        self._judge: Judge | None = None

    # ---------------------------------------------------------------- workers and in-process runs

    def judge(self, case: Case) -> CaseRecord:
        if self._judge is None:
            self._judge = Judge(self.cfg)
        return settle(self._judge, case, self.cfg)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session):
        cases = list(select_cases(self.cfg, self.skip))
        parent = SuiteCollector.from_parent(session, name="oracle")
        session.items = [CaseItem.from_parent(parent, name=c.id, case=c, runner=self) for c in cases]
        if len(self.cfg.opts) > 1:  # a test's opt levels on one worker, so its reference is built once
            for item in session.items:
                item.add_marker(pytest.mark.xdist_group(item.case.group))
        if self.recorder is not None:
            self.recorder.expect(cases)
        session.testscollected = len(session.items)
        hook = session.config.hook
        hook.pytest_collection_modifyitems(session=session, config=session.config, items=session.items)
        hook.pytest_collection_finish(session=session)
        return True

    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        # Generate the next program while this one is judged.
        if isinstance(nextitem, CaseItem) and isinstance(item, CaseItem):
            if self._judge is None:
                self._judge = Judge(self.cfg)
            self._judge.prefetch(nextitem.case)

    def abort(self) -> None:
        if self._judge is not None:
            self._judge.close()
            self._judge = None

    @pytest.hookimpl(tryfirst=True)  # reports before xdist's (slow) teardown of its workers
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        self.abort()
        if self.recorder is not None:
            finish_run(self.cfg)
            self.recorder.finish(interrupted=exitstatus in (pytest.ExitCode.INTERRUPTED,
                                                            pytest.ExitCode.INTERNAL_ERROR))

    def pytest_unconfigure(self, config) -> None:
        if self.recorder is not None:  # the controller, after xdist has taken its workers down
            scratch.sweep_run(self.cfg.run_id)

    # ---------------------------------------------------------------- controller

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        node.workerinput["oracle_config"] = self.cfg.to_json()
        node.workerinput["oracle_skip"] = sorted(self.skip)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids) -> None:
        if self.recorder is not None:
            self.recorder.expect(total=len(ids))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.recorder is None:
            return
        for name, value in report.user_properties:
            if name == PROP and report.when == "call":
                self.recorder.add(CaseRecord.from_json(json.loads(value)))
                return
        if report.failed and report.when != "teardown":
            # No record: the item died before it could judge (a worker crash, a setup error).
            why = str(report.longrepr).strip().splitlines()
            self.recorder.add_lost(_case_id(report.nodeid), why[-1] if why else "worker lost")

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.recorder is not None and self.recorder.to_terminal:
            for line in self.recorder.summary_lines():
                terminalreporter.write_line(line)


def _case_id(nodeid: str) -> str:
    """The case id in a node id, without the `@<group>` suffix xdist's loadgroup adds
    (a case's group is a prefix of its id)."""
    rest = nodeid.rsplit("::", 1)[-1]  # case ids never hold "::" (':' is %-escaped)
    at = len(rest)
    while (at := rest.rfind("@", 0, at)) > 0:
        if rest[:at].startswith(rest[at + 1:]):
            return rest[:at]
    return rest

