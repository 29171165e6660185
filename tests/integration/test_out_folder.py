"""The output folder: one run at a time, a resume that finishes the same run, and a case folder
exactly for each case whose latest verdict is a failure."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

from ..conftest import COMPILERS, ORACLE, run_cli, slow_suite


def _cases(out) -> set[str]:
    return {d.name.rsplit("-", 1)[0] for d in (out / "cases").glob("[!.]*")} if (out / "cases").is_dir() else set()


def test_a_second_run_into_the_same_out_is_refused(tmp_path):
    suite = slow_suite(tmp_path / "many", 12, 300000)
    out = tmp_path / "out"
    first = subprocess.Popen([*ORACLE, "run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out),
                              "--no-history", "--no-cache", "-j", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out / "journal.jsonl").exists():
        time.sleep(0.1)
    second = run_cli("run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out), "--no-history")
    assert second.returncode == 2, second.stdout + second.stderr
    assert "another oracle run is writing into" in second.stderr and len(second.stderr.splitlines()) == 1
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stdout + stderr
    doc = json.loads((out / "results.json").read_text())
    assert len(doc["cases"]) == 12 and {c["verdict"] for c in doc["cases"]} == {"pass"}


def test_resume_with_other_settings_is_refused_naming_the_difference(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_output.c")
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out", str(out),
                  "--no-history")
    assert res.returncode == 1, res.stdout + res.stderr
    res = run_cli("run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out), "--no-history", "--resume")
    assert res.returncode == 2 and "candidates was" in res.stderr, res.stdout + res.stderr
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out", str(out),
                  "--no-history", "--resume", "--run-timeout", "3")
    assert res.returncode == 2 and "run-timeout was" in res.stderr, res.stdout + res.stderr


def test_a_judged_failure_whose_folder_was_lost_gets_it_back_on_resume(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_output.c", "wrong_exit.c")
    out = tmp_path / "out"
    args = ["run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out", str(out), "--no-history"]
    assert run_cli(*args).returncode == 1
    failing = _cases(out)
    assert len(failing) == 2
    shutil.rmtree(out / "cases")  # as a full disk would have left it
    res = run_cli(*args, "--resume")
    assert res.returncode == 1, res.stdout + res.stderr
    assert _cases(out) == failing
    assert all((d / "repro.sh").is_file() for d in (out / "cases").iterdir())


def test_case_folders_exist_exactly_for_the_latest_failures(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_output.c", "wrong_exit.c")
    out = tmp_path / "out"
    assert run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out", str(out),
                   "--no-history").returncode == 1
    assert len(_cases(out)) == 2
    # The same --out again, the failures fixed: no folder is left to say otherwise (nor for merge to copy).
    res = run_cli("run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out), "--no-history")
    assert res.returncode == 0, res.stdout + res.stderr
    assert _cases(out) == set()
    # A filtered run into a folder that held a full run's failures: only this run's failures stay.
    assert run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out", str(out),
                   "--no-history").returncode == 1
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out", str(out),
                  "--no-history", "-k", "wrong_exit")
    assert res.returncode == 1 and len(_cases(out)) == 1, res.stdout
    merged = tmp_path / "merged"
    assert run_cli("merge", str(merged), str(out)).returncode == 0
    assert _cases(merged) == _cases(out)
