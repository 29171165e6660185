"""oracle as a pytest plugin behaves as pytest users expect: real node ids (`suite/t.c::x86_64-O0`),
a node id on the command line selects that case, --co counts, deselected cases in no report,
--lf, pytest's own --junitxml without JSON blobs, exit 5 for an empty selection."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from ..conftest import COMPILERS

SCHEMA = Path(__file__).parent.parent / "data" / "junit.xsd"


@pytest.fixture
def suite(program_dir):
    return program_dir("ok.c", "wrong_output.c", "wrong_exit.c")


def pytest_run(tmp_path: Path, suite: Path, *args: str, cache: bool = False) -> subprocess.CompletedProcess:
    # pytest's own temp folders go under tmp_path, not /tmp/pytest-of-USER (which would outlive the test)
    cmd = [sys.executable, "-m", "pytest", "--no-header", "--rootdir", str(tmp_path), "--basetemp", str(tmp_path / "bt"),
           "--oracle-compiler", str(COMPILERS / "gcc-bug"), "--oracle-suite", str(suite),
           "--oracle-out", str(tmp_path / "out"), "--oracle-history", str(tmp_path / "h.db"), *args]
    if not cache:
        cmd[3:3] = ["-p", "no:cacheprovider"]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=300)


def _ids(tmp_path: Path) -> list[str]:
    return [c["id"] for c in json.loads((tmp_path / "out" / "results.json").read_text())["cases"]]


def _junit_ids(tmp_path: Path) -> list[str]:
    return sorted(c.get("name") for c in ET.parse(tmp_path / "out" / "junit.xml").getroot().iter("testcase"))


def test_collect_only_lists_real_node_ids_and_counts(tmp_path, suite):
    res = pytest_run(tmp_path, suite, "--co", "-q")
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert lines[:3] == ["suite/ok.c::x86_64-O0", "suite/wrong_exit.c::x86_64-O0",
                         "suite/wrong_output.c::x86_64-O0"]
    assert "3 tests collected" in res.stdout
    assert not (tmp_path / "out" / "results.json").exists() and not (tmp_path / "h.db").exists()
    tree = pytest_run(tmp_path, suite, "--co", "-k", "wrong")
    assert "<CaseFile suite/wrong_exit.c>" in tree.stdout and "<CaseItem x86_64-O0>" in tree.stdout
    assert "3 items / 1 deselected / 2 selected" in tree.stdout


def test_a_node_id_on_the_command_line_selects_that_case(tmp_path, suite):
    res = pytest_run(tmp_path, suite, "-q", "suite/wrong_output.c::x86_64-O0")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "1 failed in" in res.stdout
    assert "FAILED suite/wrong_output.c::x86_64-O0 - wrong-output: stdout differs" in res.stdout
    assert _ids(tmp_path) == ["suite/wrong_output.c@x86_64-O0"] and len(_junit_ids(tmp_path)) == 1
    # A path works too (the test file itself), and a name that matches nothing is one clear error.
    by_path = pytest_run(tmp_path, suite, "-q", str(suite / "ok.c"))
    assert by_path.returncode == 0 and _ids(tmp_path) == ["suite/ok.c@x86_64-O0"]
    bad = pytest_run(tmp_path, suite, "-q", "suite/nope.c::x86_64-O0")
    assert bad.returncode == 4 and "suite/nope.c::x86_64-O0 names no case" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_deselected_cases_are_in_no_report_and_history_keeps_the_subset_apart(tmp_path, suite):
    # Two opt levels and two workers: xdist's loadgroup suffixes node ids, which must still map back.
    res = pytest_run(tmp_path, suite, "-q", "-n", "2", "--oracle-opt", "O0,O2", "-k", "wrong",
                     "--deselect", "suite/wrong_exit.c::x86_64-O2")
    assert res.returncode == 1, res.stdout + res.stderr
    want = ["suite/wrong_exit.c@x86_64-O0", "suite/wrong_output.c@x86_64-O0", "suite/wrong_output.c@x86_64-O2"]
    assert _ids(tmp_path) == want and _junit_ids(tmp_path) == want  # no not-run rows for the rest
    errors = (tmp_path / "out" / "errors.log").read_text()
    assert "ok.c" not in errors and "not-run" not in json.dumps(_ids(tmp_path))
    from oracle.report import history

    db = history.open_history(tmp_path / "h.db")
    [(key, label, _)] = history.selections(db)
    assert "pytest subset" in label  # not the series of a full run of the suite
    db.close()


def test_last_failed_reruns_only_the_failures(tmp_path, suite):
    first = pytest_run(tmp_path, suite, "-q", cache=True)
    assert first.returncode == 1 and "2 failed, 1 passed" in first.stdout
    again = pytest_run(tmp_path, suite, "-q", "--lf", cache=True)
    assert again.returncode == 1 and "2 failed, 1 deselected" in again.stdout, again.stdout
    assert _ids(tmp_path) == ["suite/wrong_exit.c@x86_64-O0", "suite/wrong_output.c@x86_64-O0"]


def test_pytest_junitxml_has_classnames_and_no_json_blobs(tmp_path, suite):
    res = pytest_run(tmp_path, suite, "-q", f"--junitxml={tmp_path / 'pytest.xml'}")
    assert res.returncode == 1, res.stdout + res.stderr
    xmlschema.XMLSchema(SCHEMA).validate(str(tmp_path / "pytest.xml"))
    root = ET.parse(tmp_path / "pytest.xml").getroot()
    cases = {(c.get("classname"), c.get("name")) for c in root.iter("testcase")}
    assert cases == {("suite.ok.c", "x86_64-O0"), ("suite.wrong_exit.c", "x86_64-O0"),
                     ("suite.wrong_output.c", "x86_64-O0")}
    assert root.find(".//properties") is None and root.find(".//property") is None
    failure = root.find(".//testcase[@classname='suite.wrong_output.c']/failure")
    assert failure.text.startswith("wrong-output: stdout differs") and "repro: " in failure.text


def test_an_empty_selection_exits_5_under_pytest(tmp_path, suite):
    by_k = pytest_run(tmp_path, suite, "-q", "-k", "matches_nothing")
    assert by_k.returncode == 5, by_k.stdout + by_k.stderr
    by_filter = pytest_run(tmp_path, suite, "-q", "--oracle-filter", "matches_nothing")
    assert by_filter.returncode == 5, by_filter.stdout + by_filter.stderr
    assert not (tmp_path / "h.db").exists()  # and nothing recorded in the history


def test_case_ids_from_node_ids():
    from oracle.engine.plugin import _case_id, split_id

    assert split_id("torture/pr1.c@x86_64-O0") == ("torture/pr1.c", "x86_64-O0")
    assert _case_id("torture/pr1.c::x86_64-O0") == "torture/pr1.c@x86_64-O0"
    assert _case_id("torture/pr1.c::x86_64-O0@torture/pr1.c@x86_64") == "torture/pr1.c@x86_64-O0"
    assert _case_id("csmith/seed-7::aarch64-O2") == "csmith/seed-7@aarch64-O2"
