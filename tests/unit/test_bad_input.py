"""Bad input before and around a run: test files that cannot be cases, output, cache and history
paths oracle cannot use, cases it could not judge (exit status, gate)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oracle.config import machine
from oracle.model import verdict as V
from oracle.model.errors import EXIT_FAILURES, EXIT_INCOMPLETE, UsageError
from oracle.feed.gate import Baseline, gate
from oracle.model.case import Case
from oracle.model.record import CaseRecord
from oracle.discover.suites.files import FileSuite

from .test_cluster import rec
from .test_tasks import results

OK = "int main(void){return 0;}\n"


def deep_file(root: Path, name: str = "deep.c") -> int:
    """A .c file under root whose path is longer than the system allows; its path's length."""
    fd = os.open(root, os.O_RDONLY)
    length = len(os.fsencode(root))
    try:
        while length < 4200:
            os.mkdir("d" * 250, dir_fd=fd)
            nxt = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
            length += 251
        out = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, OK.encode())
        os.close(out)
    finally:
        os.close(fd)
    return length + 1 + len(name)


def test_a_file_name_that_is_not_utf8_is_one_unsupported_case_and_the_others_run(tmp_path):
    (tmp_path / "ok.c").write_text(OK)
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff-name.c"), "wb") as f:
        f.write(OK.encode())
    cases = list(FileSuite("s", tmp_path).cases(("x86_64", "aarch64"), ("-O0", "-O2")))
    bad = [c for c in cases if c.unsupported]
    assert len(bad) == 1 and "UTF-8" in bad[0].unsupported
    assert bad[0].id == "s/bad%5Cxff-name.c@x86_64-O0" and bad[0].test.isprintable()
    assert sorted(c.id for c in cases if not c.unsupported) == [
        "s/ok.c@aarch64-O0", "s/ok.c@aarch64-O2", "s/ok.c@x86_64-O0", "s/ok.c@x86_64-O2"]
    CaseRecord(bad[0], V.UNSUPPORTED, bad[0].unsupported).line().encode("ascii")  # reports can take it


def test_a_path_longer_than_the_system_allows_is_one_unsupported_case(tmp_path):
    (tmp_path / "ok.c").write_text(OK)
    size = deep_file(tmp_path)
    cases = list(FileSuite("s", tmp_path).cases(("x86_64",), ("-O0",)))
    assert [c.test for c in cases][-1] == "ok.c" and len(cases) == 2
    bad = cases[0]
    assert bad.unsupported and f"{size} bytes" in bad.unsupported and "longer than the system allows" in bad.unsupported
    assert bad.test.endswith("/deep.c")


def config_values(tmp_path: Path, suite: Path, **more) -> dict:
    return {"compiler": ["gcc"], "suite": str(suite), "out": str(tmp_path / "out"),
            "cache": str(tmp_path / "cache"), "history": str(tmp_path / "history.db"), **more}


def test_an_empty_suite_folder_is_a_usage_error(tmp_path):
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.txt").write_text("no programs here")
    with pytest.raises(UsageError, match="no .c files under"):
        machine.build(config_values(tmp_path, empty), probe_toolchains=False)


@pytest.mark.parametrize("where", ["inside", "file", "proc"])
def test_an_output_folder_oracle_cannot_use_is_a_usage_error(tmp_path, where):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "ok.c").write_text(OK)
    out = {"inside": suite / "runs" / "one", "file": tmp_path / "afile", "proc": Path("/proc/oracle-out")}[where]
    if where == "file":
        out.write_text("not a folder")
    with pytest.raises(UsageError, match={"inside": "inside the suite folder", "file": "is a file",
                                          "proc": "cannot write in"}[where]):
        machine.build(config_values(tmp_path, suite, out=str(out)), probe_toolchains=False)
    assert not (suite / "runs").exists()


@pytest.mark.parametrize("where", ["file", "proc", "folder-db"])
def test_a_cache_that_cannot_be_opened_is_a_usage_error(tmp_path, where):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "ok.c").write_text(OK)
    cache = {"file": tmp_path / "afile", "proc": Path("/proc/oracle-cache"), "folder-db": tmp_path / "x.sqlite"}[where]
    if where == "file":
        cache.write_text("not a folder")
    if where == "folder-db":
        cache.mkdir()
    with pytest.raises(UsageError, match="--cache"):
        machine.build(config_values(tmp_path, suite, cache=str(cache)), probe_toolchains=False)


def test_a_history_that_is_a_folder_is_a_usage_error(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "ok.c").write_text(OK)
    (tmp_path / "hist").mkdir()
    with pytest.raises(UsageError, match="--history .* is a folder"):
        machine.build(config_values(tmp_path, suite, history=str(tmp_path / "hist")), probe_toolchains=False)


def test_a_run_with_infra_errors_never_exits_0_and_says_how_many_last(make_config, tmp_path):
    from oracle.engine.ending import exit_status, finish, summary_lines
    from oracle.engine.journal import Recorder

    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "a.c").write_text(OK)

    def record(test, verdict):
        return CaseRecord(Case(f"suite/{test}@x86_64-O0", "suite", test, "x86_64", "-O0"), verdict, "why")

    for verdicts, code in (([V.PASS, V.INFRA_ERROR, V.INFRA_ERROR], EXIT_INCOMPLETE),
                           ([V.PASS, V.INFRA_ERROR, V.CRASH], EXIT_FAILURES)):
        cfg = make_config(["gcc"], suite, out=str(tmp_path / f"out{code}"), no_history=True)
        recorder = Recorder(cfg)
        for i, v in enumerate(verdicts):
            recorder.add(record(f"{i}.c", v))
        finish(recorder)
        assert exit_status(recorder) == code
        n = verdicts.count(V.INFRA_ERROR)
        # Their usual cause (every one's reason here is "why") is on the line too.
        assert summary_lines(recorder)[-1] == (f"{n} infra-error case{'s' if n > 1 else ''}: oracle could not "
                                               "judge them; why (see errors.log INFRA lines)")


def test_a_required_pass_that_could_not_be_judged_is_a_regression(tmp_path):
    path = tmp_path / "baseline.json"
    required = {f"s/{t}@x86_64-O0" for t in ("a.c", "b.c", "c.c", "d.c")}
    path.write_text(Baseline(frozenset(required)).render())
    run = results(tmp_path, "r", [rec("a.c", "x86_64", "infra-error", "worker lost"),
                                  rec("b.c", "x86_64", "not-run"), rec("c.c", "x86_64", "infra-error"),
                                  rec("d.c", "x86_64", "pass")])
    again = {"s/c.c@x86_64-O0": [V.PASS]}  # judged again, it passes: it was judged after all
    res = gate(path, [run], rejudge=lambda run, r, n: again.get(r.id, [V.INFRA_ERROR] * n))
    assert [r.id for r in res.regressions] == ["s/a.c@x86_64-O0", "s/b.c@x86_64-O0"] and res.exit_code == 1
    assert res.lines()[0].startswith("REGRESSION s/a.c@x86_64-O0 infra-error: a required pass that could not be "
                                     "judged (worker lost)")
    assert not res.flaky
    # With no reruns (or none possible: no toolchains recorded), it stays a regression.
    assert len(gate(path, [run], reruns=0).regressions) == 3
    assert len(gate(path, [run]).regressions) == 3


def test_the_exit_status_is_decided_in_one_place_from_every_stage(make_config, tmp_path):
    """ending.exit_status: cut short → 3; the tasks' error; else the gate's word (or 1 for any
    failure), and never 0 with cases oracle could not judge."""
    from oracle.engine.ending import exit_status
    from oracle.engine.journal import Recorder
    from oracle.model.errors import EXIT_OK, EXIT_USAGE

    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "a.c").write_text(OK)

    def recorder(*verdicts, interrupted=False, write_error=None):
        rec = Recorder(make_config(["gcc"], suite, out=str(tmp_path / f"o{len(list(tmp_path.iterdir()))}"),
                                   no_history=True))
        for i, v in enumerate(verdicts):
            rec.add(CaseRecord(Case(f"suite/{i}.c@x86_64-O0", "suite", f"{i}.c", "x86_64", "-O0"), v, "why"))
        rec.close(interrupted)
        rec.write_error = write_error
        rec.release()
        return rec

    assert exit_status(recorder(V.PASS)) == EXIT_OK
    assert exit_status(recorder(V.PASS, V.CRASH)) == EXIT_FAILURES
    assert exit_status(recorder(V.PASS, V.CRASH), gate=EXIT_OK) == EXIT_OK  # a known failure: the gate says
    assert exit_status(recorder(V.PASS), gate=EXIT_FAILURES) == EXIT_FAILURES  # a regression
    assert exit_status(recorder(V.PASS, V.INFRA_ERROR), gate=EXIT_OK) == EXIT_INCOMPLETE
    assert exit_status(recorder(V.REF_INVALID, V.UNSUPPORTED)) == EXIT_INCOMPLETE  # nothing judged
    assert exit_status(recorder(V.PASS, V.CRASH), tasks=EXIT_USAGE) == EXIT_USAGE
    assert exit_status(recorder(V.PASS, V.CRASH, interrupted=True)) == EXIT_INCOMPLETE
    assert exit_status(recorder(V.PASS, write_error="disk full"), gate=EXIT_OK) == EXIT_INCOMPLETE
