"""--max-failures: a run that stops at the Nth candidate failure, its reports written, the rest
not-run, and neither gated nor tasked; with a history, last run's failures come first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..conftest import run_cli


def suite(folder: Path, n: int = 40, bad: tuple[int, ...] = (7, 23, 31)) -> Path:
    folder.mkdir()
    for i in range(n):
        body = "#ifdef BROKEN\n return 1;\n#endif\n" if i in bad else ""
        (folder / f"t{i:02}.c").write_text(f"#include <stdio.h>\nint main(void){{\n{body} puts(\"{i}\"); return 0; }}\n")
    return folder


def broken_cc(path: Path) -> str:
    path.write_text('#!/bin/sh\nexec gcc -DBROKEN "$@"\n')
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_stops_after_n_failures_and_says_so(tmp_path, jobs):
    s = suite(tmp_path / "s")
    cc = broken_cc(tmp_path / "cc")
    res = run_cli("run", "--compiler", cc, "--suite", str(s), "--arch", "x86_64", "-j", jobs, "--no-cache",
                  "--no-history", "--max-failures", "1", "--out", str(tmp_path / "o"), "--tasks", str(tmp_path / "tasks"))
    assert res.returncode == 1, res.stderr
    assert "stopped after 1 candidate failure (--max-failures)" in res.stdout
    data = json.loads((tmp_path / "o" / "results.json").read_text())
    verdicts = [c["verdict"] for c in data["cases"]]
    assert len(verdicts) == 40 and 1 <= verdicts.count("wrong-exit") and "not-run" in verdicts
    assert data["complete"] is False
    errors = (tmp_path / "o" / "errors.log").read_text().splitlines()
    assert len(errors) == verdicts.count("wrong-exit") and all(ln.startswith("ERROR ") for ln in errors)
    assert not (tmp_path / "tasks").exists() or not any((tmp_path / "tasks").iterdir())  # a partial run makes no tasks


def test_last_failures_come_first(tmp_path):
    s = suite(tmp_path / "s", bad=(37,))
    cc = broken_cc(tmp_path / "cc")
    common = ["run", "--compiler", cc, "--suite", str(s), "--arch", "x86_64", "-j", "2", "--no-cache",
              "--history", str(tmp_path / "h.db")]
    assert run_cli(*common, "--out", str(tmp_path / "a")).returncode == 1
    res = run_cli(*common, "--max-failures", "1", "--out", str(tmp_path / "b"))
    assert res.returncode == 1, res.stderr
    cases = json.loads((tmp_path / "b" / "results.json").read_text())["cases"]
    judged = [c for c in cases if c["verdict"] != "not-run"]
    # t37 (the last of 40 in the suite's order) failed last time: it was judged first, and the run
    # stopped long before the suite's end.
    assert any(c["test"] == "t37.c" and c["verdict"] == "wrong-exit" for c in judged)
    assert len(judged) < 20
