"""Hostile inputs, third round, at the command line (issue 23): the default fuzz generators, bad
numbers, outputs that are not regular files, settings files and recorded runs from elsewhere."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from oracle import configure

from ..conftest import run_cli


def test_fuzz_with_its_default_generators_runs_from_any_folder(tmp_path):
    """Class 13: `oracle fuzz` without --generator took "csmith,hypothesis" for a folder path."""
    out = tmp_path / "out"
    res = run_cli("fuzz", "--compiler", "gcc", "--budget", "4s", "--out", str(out), "-j", "2", "--no-history",
                  "--no-cache", cwd=tmp_path, timeout=120)
    assert res.returncode in (0, 3), res.stdout + res.stderr
    assert "unknown suite" not in res.stderr
    doc = json.loads((out / "results.json").read_text())
    assert doc["config"]["suite"] == "csmith,hypothesis"


def test_a_generated_suite_of_two_generators_is_recorded_by_name(tmp_path):
    cfg = configure.build({"compiler": ["gcc"], "suite": "hypothesis,csmith", "out": str(tmp_path / "out")},
                          probe_toolchains=False)
    assert cfg.suite == "hypothesis,csmith"


ONE_LINE_EXIT_2 = [
    ("--compile-timeout", "inf"), ("--run-timeout", "nan"), ("--run-timeout", "1e400"),
    ("--ref-run-timeout", "inf"), ("-j", "99999999999999999999"),
]


@pytest.mark.parametrize("option, value", ONE_LINE_EXIT_2)
def test_a_number_no_run_can_use_is_one_line_and_exit_2(tmp_path, option, value):
    """Class 11: nan, inf, 1e400 and a 20-digit -j parse as numbers; none bounds or sizes a run."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "ok.c").write_text("int main(void){return 0;}\n")
    res = run_cli("run", "--compiler", "gcc", "--suite", str(suite), "--out", str(tmp_path / "out"), "--no-history",
                  "--no-cache", option, value, cwd=tmp_path, timeout=60)
    assert res.returncode == 2, res.stdout + res.stderr
    assert res.stderr.count("\n") == 1 and option.lstrip("-") in res.stderr, res.stderr
    assert not (tmp_path / "out" / "results.json").exists()


def _children(pid: int) -> list[int]:
    out = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in status:
            out.append(int(p))
    return out


def test_more_jobs_than_cases_start_no_more_workers_than_cases(tmp_path):
    """Class 11: -j 16 for 2 cases started 16 pytest-xdist worker processes."""
    import subprocess
    import time

    from ..conftest import ORACLE, slow_suite

    suite = slow_suite(tmp_path / "suite", 2, 2_000_000)
    p = subprocess.Popen([*ORACLE, "run", "--compiler", "gcc", "--suite", str(suite), "--out", str(tmp_path / "out"),
                          "--no-history", "--no-cache", "-j", "16", "--sandbox", "none"], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    most = 0
    while p.poll() is None:
        most = max(most, len(_children(p.pid)))
        time.sleep(0.05)
    out, err = p.communicate()
    assert p.returncode == 0, out + err
    assert 1 <= most <= 2, most
