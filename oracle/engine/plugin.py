"""The pytest plugin: each test is a pytest.File, each case an Item (`smoke/vla.c::x86_64-O0`);
results travel back to the controller as an attribute of the call report.

Thin on purpose: collection, items, and handing records to the reports.
Verdicts are decided in judge/judging.py, never here. Loaded through the `pytest11`
entry point, it stays inert unless oracle options are given:

    pytest -n 2 --oracle-compiler tcc --oracle-suite smoke
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
from pathlib import Path

import pytest

from oracle.infra import proc, scratch
from oracle.model import verdict as V
from oracle.infra.backends import finish_run
from oracle.config.options import DEFAULTS, OPTIONS, RunConfig
from oracle.config.machine import build
from oracle.model.errors import OracleError
from oracle.model.case import Case
from oracle.judge.judging import Judge
from oracle.model.record import CaseRecord
from oracle.engine.journal import Recorder, previous_records
from oracle.engine.ending import finish, summary_lines
from oracle.report.casedir import slug
from oracle.discover.select import select_cases
from oracle.engine.settle import settle

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
            cases = [Case.from_json(d) for d in json.loads(workerinput["oracle_cases"])]
            runner = Runner(RunConfig.from_json(workerinput["oracle_config"]), skip=[], cases=cases)
            signal.signal(signal.SIGINT, functools.partial(_stop_worker, runner))
            signal.signal(signal.SIGTERM, functools.partial(_stop_worker, runner))
            config.pluginmanager.register(runner, RUNNER)
        return
    if config.pluginmanager.get_plugin(RUNNER) is not None:
        return  # `oracle run` registered a runner with its configuration already
    values = {opt.dest: getattr(config.option, f"oracle_{opt.dest}", None) for opt in OPTIONS}
    if not values.get("compiler"):
        if getattr(config.option, "oracle_suite", DEFAULTS["suite"]) != DEFAULTS["suite"]:
            raise pytest.UsageError("oracle: --oracle-suite needs --oracle-compiler")
        return
    try:
        cfg = build(values)
    except OracleError as exc:
        raise pytest.UsageError(f"oracle: {exc}") from None
    # --co judges nothing: no reports are written (an earlier run's in --oracle-out stay), no history.
    recorder = None if config.option.collectonly else Recorder(cfg, to_terminal=True)
    config.pluginmanager.register(Runner(cfg, recorder=recorder), RUNNER)


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


def split_id(case_id: str) -> tuple[str, str]:
    """A case id as pytest's (file node id, item name): `smoke/vla.c@x86_64-O0` is
    `smoke/vla.c::x86_64-O0` (an id holds one '@', and no ':': both are %-escaped in names)."""
    head, _, tail = case_id.rpartition("@")
    return head, tail


class _RootHooks:
    """Hooks as at the session's folder (pytest's rootdir): the conftest.py files that apply there,
    and not those of the suite's folders (which pytest never walks into: see pytest_collection)."""

    @property
    def ihook(self):
        return self.session.gethookproxy(self.session.path)


class CaseFile(_RootHooks, pytest.File):
    """One test of the suite (a C file, or a generated program's seed); its cases are its items."""

    def __init__(self, *, cases: list[Case], runner: "Runner", **kwargs):
        super().__init__(**kwargs)
        self.cases = cases
        self.runner = runner
        self._items: list[CaseItem] | None = None

    def collect(self) -> list["CaseItem"]:
        if self._items is None:
            self._items = [CaseItem.from_parent(self, name=split_id(c.id)[1], case=c, runner=self.runner)
                           for c in self.cases]
        return self._items


class CaseItem(_RootHooks, pytest.Item):
    def __init__(self, *, case: Case, runner: "Runner", **kwargs):
        super().__init__(**kwargs)
        self.case = case
        self.runner = runner
        self.record_line: str | None = None

    def runtest(self) -> None:
        rec = self.runner.judge(self.case)
        # To the controller as an attribute of the report (see Runner.pytest_runtest_makereport), not a
        # user property: pytest's --junitxml would write it out as a JSON blob.
        self.record_line = rec.line()
        if rec.verdict.is_failure or rec.verdict is V.INFRA_ERROR:
            raise CaseFailure(f"{rec.verdict.name}: {rec.reason}")
        if rec.verdict is not V.PASS:
            pytest.skip(f"{rec.verdict.name}: {rec.reason}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailure):  # the verdict first: pytest's short summary shows one line
            repro = os.path.join(self.runner.cfg.out_dir, "cases", slug(self.case.id), "repro.sh")
            return f"{excinfo.value}\ncase {self.case.id}\nrepro: {repro}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, self.case.id


def _matches(arg: str, item: CaseItem) -> bool:
    """Whether a command-line argument names this case: its node id, its file's node id, a folder of
    node ids, or the path of its test file (or of a folder holding it), with `::NAME` or not."""
    path, sep, name = arg.partition("::")
    if sep and name != item.name:
        return False
    file_id = item.parent.nodeid
    path = path.rstrip("/")
    if path in (file_id, "") or file_id.startswith(path + "/"):
        return True
    src = item.case.sources[0] if item.case.sources else None
    if src is None or not os.path.exists(path):
        return False
    want, have = os.path.realpath(path), os.path.realpath(src)
    return have == want or have.startswith(want.rstrip("/") + "/")


class Runner:
    """The per-process plugin object: judges on workers, records on the controller."""

    def __init__(self, cfg: RunConfig, recorder: Recorder | None = None, skip: list[str] | None = None,
                 cases: list[Case] | None = None, on_stopped=None):
        self.cfg = cfg
        self.recorder = recorder
        # Called once an interrupted run's end is written (`oracle run -n N` leaves there, without
        # waiting for xdist to take its workers down politely).
        self.on_stopped = on_stopped
        # --resume: what the interrupted run judged, read once by the controller (the journal
        # grows while workers start).
        if skip is None:
            skip = list(previous_records(cfg.out_dir)) if cfg.resume else []
        self.skip = set(skip)
        # The selection, discovered once by the controller (or given by `oracle run`): workers
        # receive it as data and never open the suite.
        self._selected: list[Case] | None = cases
        self._wire: str | None = None  # the selection as the workers receive it, encoded once
        self._judge: Judge | None = None
        self._cases: list[Case] = []  # collected, not judged yet: their references are prefetched once
        self._session: pytest.Session | None = None
        self._stopping = False  # --max-failures reached: the run is ending

    # ---------------------------------------------------------------- workers and in-process runs

    def judge(self, case: Case) -> CaseRecord:
        if self._judge is None:
            self._judge = Judge(self.cfg)
        if self._cases:  # a shared cache: this worker's first case asks for every case's reference at once
            cases, self._cases = self._cases, []
            self._judge.prefetch_references(cases)
        return settle(self._judge, case, self.cfg)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session):
        """The suite's cases as pytest nodes: one CaseFile per test (node id `suite/test.c`), one
        CaseItem per case (`suite/test.c::x86_64-O0`), in the selection's order. The suite is not
        under pytest's rootdir (the torture suite is in a cache folder, generated programs are
        seeds), so the nodes are made here rather than found by walking folders; the rest is
        pytest's: collect reports (`--co` counts), -k/--lf/--deselect, node ids as arguments."""
        self._session = session
        cases = self.selected()
        self._cases = list(cases)
        hook = session.config.hook
        by_file: dict[str, list[Case]] = {}
        for c in cases:
            by_file.setdefault(split_id(c.id)[0], []).append(c)
        item_of: dict[str, CaseItem] = {}
        for file_id, group in by_file.items():
            src = group[0].sources[0] if group[0].sources else os.path.join(self.cfg.out_dir, file_id)
            f = CaseFile.from_parent(session, path=Path(src), nodeid=file_id, cases=group, runner=self)
            hook.pytest_collectstart(collector=f)
            items = f.collect()
            item_of.update((it.case.id, it) for it in items)
            hook.pytest_collectreport(report=pytest.CollectReport(f.nodeid, "passed", None, items))
        session.items = [item_of[c.id] for c in cases]
        self._cases_by_node = {it.nodeid: it.case.id for it in session.items}
        if session.config.args_source is pytest.Config.ArgsSource.ARGS:
            session.items = self._named(session.config.args, session.items)
        if len(self.cfg.opts) > 1:  # a test's opt levels on one worker, so its reference is built once
            for item in session.items:
                item.add_marker(pytest.mark.xdist_group(item.case.group))
        hook.pytest_collection_modifyitems(session=session, config=session.config, items=session.items)
        session.testscollected = len(session.items)  # as pytest counts: after deselection (none left: exit 5)
        if self.recorder is not None:
            # Cases pytest deselected (-k, --lf, --deselect) are no part of the run: in no report.
            kept = [item.case for item in session.items if isinstance(item, CaseItem)]
            self.recorder.expect(kept)
            if len(kept) < len(cases):
                ids = "\n".join(sorted(c.id for c in kept)).encode()
                self.recorder.selection_extra = {"pytest": hashlib.sha256(ids).hexdigest()[:12]}
        hook.pytest_collection_finish(session=session)
        return True

    def selected(self) -> list[Case]:
        """The run's cases: discovered and selected here the first time, never again."""
        if self._selected is None:
            self._selected = list(select_cases(self.cfg, self.skip))
        return self._selected

    def _named(self, args: list[str], items: list[CaseItem]) -> list[CaseItem]:
        """The cases the command line names (node ids, files, folders); each argument must name one."""
        keep: set[str] = set()
        for arg in args:
            hits = [it.nodeid for it in items if _matches(arg, it)]
            if not hits:
                example = items[0].nodeid if items else "suite/test.c::x86_64-O0"
                raise pytest.UsageError(f"oracle: {arg} names no case of --oracle-suite {self.cfg.suite} "
                                        f"(node ids look like {example}; --co lists them)")
            keep.update(hits)
        return [it for it in items if it.nodeid in keep]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call):
        report = yield
        if call.when == "call" and isinstance(item, CaseItem) and item.record_line is not None:
            report.oracle_record = item.record_line  # travels with the report through xdist
        return report

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
            interrupted = exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR) and \
                not self.recorder.stopped_early
            self.recorder.close(interrupted)
            # The run's end (reports, history) is the session's (engine/run.py), after pytest returns;
            # but plain pytest has no session around it, and an interrupted run writes it now.
            if interrupted or self.recorder.to_terminal:
                finish(self.recorder)
                if interrupted and self.on_stopped is not None:
                    self.on_stopped(self.recorder)

    def pytest_unconfigure(self, config) -> None:
        if self.recorder is not None:  # the controller, after xdist has taken its workers down
            scratch.sweep_run(self.cfg.run_id)

    # ---------------------------------------------------------------- controller

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        node.workerinput["oracle_config"] = self.cfg.to_json()
        if self._wire is None:
            self._wire = json.dumps([c.to_json() for c in self.selected()])
        node.workerinput["oracle_cases"] = self._wire

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids) -> None:
        if self.recorder is not None:
            self.recorder.expect(total=len(ids))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.recorder is None:
            return
        line = getattr(report, "oracle_record", None)
        if line is not None and report.when == "call":
            self.recorder.add(CaseRecord.from_json(json.loads(line)))
            if self.recorder.stopped_early and not self._stopping:
                self._stop_early()
            return
        if report.failed and report.when != "teardown":
            # No record: the item died before it could judge (a worker crash, a setup error).
            why = str(report.longrepr).strip().splitlines()
            self.recorder.add_lost(self._case_of(report.nodeid), why[-1] if why else "worker lost")

    def _stop_early(self) -> None:
        """--max-failures reached: in one process pytest stops after this item; with workers, the
        reports are written now and the run leaves (on_stopped), as a stopped run does."""
        self._stopping = True
        session = self._session
        if session is not None:
            session.shouldstop = self.recorder.stopped_early
        if self.on_stopped is not None:
            finish_run(self.cfg)
            finish(self.recorder)
            self.on_stopped(self.recorder)

    def _case_of(self, nodeid: str) -> str:
        known = getattr(self, "_cases_by_node", {})
        base = nodeid
        while True:
            if base in known:
                return known[base]
            if "@" not in base:
                return _case_id(nodeid)
            base = base.rsplit("@", 1)[0]  # the `@<group>` suffix xdist's loadgroup adds

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.recorder is not None and self.recorder.to_terminal:
            for line in summary_lines(self.recorder):
                terminalreporter.write_line(line)


def _case_id(nodeid: str) -> str:
    """The case id in a node id (`suite/t.c::x86_64-O0`, or an older oracle's `…::oracle::<case id>`),
    without the `@<group>` suffix xdist's loadgroup adds (a case's group is a prefix of its id)."""
    head, _, rest = nodeid.rpartition("::")
    if head and not head.endswith("::oracle") and head != "oracle":
        return f"{head}@{rest.split('@', 1)[0]}"  # an item name holds no '@'
    at = len(rest)
    while (at := rest.rfind("@", 0, at)) > 0:
        if rest[:at].startswith(rest[at + 1:]):
            return rest[:at]
    return rest

