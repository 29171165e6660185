"""A case folder's repro.sh is `oracle repro` with the run's settings: the one judge decides, the
script decides nothing, and nothing in a name or a reason becomes a shell command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from oracle.model.errors import EXIT_INCOMPLETE

from ..conftest import COMPILERS, PROGRAMS, run_cli

CLEAN_ENV = {"PATH": os.environ["PATH"]}


def run(tmp_path: Path, suite: Path, compiler: str, *extra: str) -> dict[str, dict]:
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", compiler, "--suite", str(suite), "--out", str(out), "--run-timeout", "1",
                  "--no-cache", "--no-history", "-j", "2", *extra)
    assert res.returncode == 1, res.stdout + res.stderr
    return {c["id"]: c for c in json.loads((out / "results.json").read_text())["cases"]}


def folder_of(out: Path, case_id: str) -> Path:
    return next(d for d in (out / "cases").iterdir() if (d / "verdict.txt").read_text().startswith(case_id + "\n"))


def sh(script: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", str(script)], capture_output=True, text=True, cwd="/", env={**CLEAN_ENV, **env},
                          timeout=120,
                          stdin=subprocess.DEVNULL)


def test_repro_sh_and_oracle_repro_agree_and_the_script_holds_no_verdict_logic(tmp_path):
    suite = tmp_path / "suite with 'quotes' $(x)"
    suite.mkdir()
    for name in ("garbage.c", "ok.c", "wrong_exit.c", "crash.c", "loop.c", "wrong_output.c", "unstable_opt.c"):
        shutil.copy(PROGRAMS / name, suite / name)
    cases = run(tmp_path, suite, str(COMPILERS / "gcc-bug"))
    failing = {i: c for i, c in cases.items() if c["verdict"] not in ("pass", "unstable", "ref-invalid")}
    assert {c["verdict"] for c in failing.values()} >= {"wrong-output", "wrong-exit", "crash", "timeout"}
    shutil.rmtree(suite)  # the case folder carries its own copy of what the case needs
    for case_id, c in failing.items():
        script = folder_of(tmp_path / "out", case_id) / "repro.sh"
        text = script.read_text()
        # No verdict logic: no comparison, no exit-status arithmetic, no timeout of its own.
        assert "cmp " not in text and "diff " not in text and "137" not in text and "timeout -s" not in text
        assert " repro " in text
        got = sh(script)
        assert got.returncode == 1, got.stdout + got.stderr
        assert got.stdout.startswith(f"{case_id}: {c['verdict']}: "), got.stdout
    # The same verdict as `oracle repro` given the same case by hand.
    case_id = next(i for i, c in failing.items() if c["verdict"] == "timeout")
    shutil.copytree(folder_of(tmp_path / "out", case_id) / "suite" / suite.name, suite)
    direct = run_cli("repro", case_id, "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite),
                     "--run-timeout", "1")
    assert direct.returncode == 1 and direct.stdout.split(":")[:2] == [case_id, " timeout"], direct.stdout
    # An unstable case has no folder (it is no candidate failure); `oracle repro` still says unstable,
    # with the not-judged status, never pass or a failure.
    unstable = next(i for i, c in cases.items() if c["verdict"] == "unstable")
    folders = (tmp_path / "out" / "cases").iterdir()
    assert not any((d / "verdict.txt").read_text().startswith(unstable + "\n") for d in folders)
    shutil.copy(PROGRAMS / "unstable_opt.c", suite / "unstable_opt.c")
    again = run_cli("repro", unstable, "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite),
                    "--run-timeout", "1")
    assert again.returncode == EXIT_INCOMPLETE and again.stdout.startswith(f"{unstable}: unstable: "), again.stdout


def test_nothing_in_a_reason_or_a_name_runs_in_repro_sh(tmp_path):
    mark = tmp_path / "pwned"
    comp = tmp_path / "evil-cc"
    # A compiler whose diagnostics (the reason) hold newlines and shell commands.
    comp.write_text(f"#!/bin/sh\nprintf 'error: x\\ntouch {mark}\\n$(touch {mark})\\n`touch {mark}`\\n' >&2\nexit 1\n")
    comp.chmod(0o755)
    suite = tmp_path / "s"
    suite.mkdir()
    (suite / "a$(touch $MARK)\ntouch $MARK\nb.c").write_text("int main(void){return 0;}\n")
    cases = run(tmp_path, suite, str(comp))
    (case_id, c), = cases.items()
    assert c["verdict"] == "compile-error"
    script = folder_of(tmp_path / "out", case_id) / "repro.sh"
    got = sh(script, MARK=str(mark))
    assert got.returncode == 1 and "compile-error" in got.stdout, got.stdout + got.stderr
    assert not mark.exists()
    # Every comment line is one line: the reason's newlines are escaped.
    assert all(ln.startswith(("#", "HERE=", "cd ")) for ln in script.read_text().splitlines() if ln)
