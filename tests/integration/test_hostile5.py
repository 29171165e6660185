"""Hostile inputs, third round (issue 23), class 2: no case is silently dropped or hidden. A
candidate cannot pre-empt the judge's next work folders; --resume drops what the suite no longer
has; two recipes of one name are refused."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ..conftest import COMPILERS, ORACLE, PROGRAMS


def _oracle(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*ORACLE, "run", "--no-history", "--no-cache", "--out", str(tmp_path / "out"), *args],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, cwd=tmp_path)


def _verdicts(tmp_path: Path) -> dict[str, str]:
    cases = json.loads((tmp_path / "out" / "results.json").read_text())["cases"]
    return {Path(c["test"]).stem: c["verdict"] for c in cases}


@pytest.mark.parametrize("sandbox", ["none", "bwrap"])
def test_a_candidate_that_makes_the_next_work_folders_first_hides_nothing(tmp_path, sandbox):
    if sandbox == "bwrap":
        from oracle.backends import sandbox as sb

        if sb.available() is not None:
            pytest.skip("bwrap unusable here")
    suite = tmp_path / "src"
    suite.mkdir()
    for name in ("a", "bad", "c", "d"):
        (suite / f"{name}.c").write_text((PROGRAMS / "ok.c").read_text())
    res = _oracle(tmp_path, "--compiler", str(COMPILERS / "pre-empt"), "--suite", str(suite), "--arch", "x86_64",
                  "--opt", "-O0", "--sandbox", sandbox, "-j", "1")
    assert _verdicts(tmp_path) == {"a": "pass", "bad": "compile-error", "c": "pass", "d": "pass"}, res.stdout + res.stderr
    assert res.returncode == 1, res.stdout + res.stderr


def test_resume_drops_the_cases_the_suite_no_longer_has(tmp_path):
    suite = tmp_path / "src"
    suite.mkdir()
    for name in ("a", "b", "gone"):
        (suite / f"{name}.c").write_text((PROGRAMS / "ok.c").read_text())
    args = ("--compiler", "gcc", "--suite", str(suite), "--arch", "x86_64", "--opt", "-O0")
    first = _oracle(tmp_path, *args)
    assert first.returncode == 0, first.stdout + first.stderr
    (suite / "gone.c").unlink()
    res = _oracle(tmp_path, *args, "--resume")
    assert res.returncode == 0, res.stdout + res.stderr
    assert _verdicts(tmp_path) == {"a": "pass", "b": "pass"}
    assert "1 case(s) the interrupted run judged are no longer in the suite" in res.stdout
    junit = (tmp_path / "out" / "junit.xml").read_text()
    assert "gone" not in junit
