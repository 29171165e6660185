"""Task files and reduction end to end: the agent view, reproductions from a clean shell, C-Vise."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess

import pytest

from ..conftest import COMPILERS, ORACLE, have, needs_tcc, run_cli


def test_agent_view_writes_tasks_that_reproduce(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_exit.c", "wrong_output.c", "crash.c", "garbage.c")
    tasks = tmp_path / "current_tasks"
    env = {**os.environ, "AGENT_ID": "agent-3"}  # stdout is a pipe here: the agent view is on
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out",
                  str(tmp_path / "out"), "-j", "2", "--run-timeout", "2", "--tasks", str(tasks), env=env)
    assert res.returncode == 1, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) <= 10 and "\r" not in res.stderr  # no progress bar
    assert lines[-1].startswith(f"tasks: {tasks}/ holds ")
    files = sorted(p for p in tasks.iterdir() if not p.name.startswith("."))
    assert files and all(re.fullmatch(r"[a-z0-9-]+--[0-9a-f]{12}\.txt", p.name) for p in files)
    for p in files:  # `oracle repro ID --compiler C --suite S`, from the folder the suite is relative to
        cmd = next(ln for ln in p.read_text().splitlines() if ln.startswith("  oracle repro "))
        argv = shlex.split(cmd)[1:]
        rep = subprocess.run([*ORACLE, *argv], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                             stdin=subprocess.DEVNULL)
        assert rep.returncode == 1 and "still fails" in rep.stdout, (p.name, rep.stdout, rep.stderr)
    # Running `oracle tasks` on the same results changes nothing.
    before = {p.name: p.read_bytes() for p in tasks.iterdir()}
    res = run_cli("tasks", "--run", str(tmp_path / "out"), "--dir", str(tasks))
    assert res.returncode == 0 and {p.name: p.read_bytes() for p in tasks.iterdir()} == before


def test_agent_view_stays_short_with_many_failures(tmp_path):
    suite = tmp_path / "many"
    suite.mkdir()
    for i in range(15):  # fifteen tests, each miscompiled its own way
        (suite / f"t{i}.c").write_text(f"int main(void){{\n#ifdef ORACLE_CANDIDATE\nreturn {i + 1};\n#endif\n"
                                       "return 0; }\n")
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out",
                  str(tmp_path / "out"), "-j", "2", "--agent", cwd=tmp_path)
    lines = res.stdout.splitlines()
    assert res.returncode == 1 and len(lines) <= 10, res.stdout
    assert lines[-1].startswith(f"tasks: {tmp_path / 'current_tasks'}/ holds 15 open task files")


@needs_tcc
@pytest.mark.skipif(not (have("cvise") or have("creduce")), reason="cvise not installed: run make setup")
def test_reduce_a_real_tcc_miscompilation(tmp_path, program_dir):
    suite = program_dir("tcc_bitfield.c")
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", "tcc", "--suite", str(suite), "--out", str(out), "-j", "1")
    assert res.returncode == 1 and "crash" in res.stdout, res.stdout
    case = "suite/tcc_bitfield.c@x86_64-O0"
    res = run_cli("reduce", case, "--run", str(out), "--budget", "60", "-n", "2")
    assert res.returncode == 0, res.stdout + res.stderr
    m = re.search(r": (\d+) -> (\d+) lines \(still fails the same way and is UB-clean\): (\S+)", res.stdout)
    assert m, res.stdout
    before, after, path = int(m.group(1)), int(m.group(2)), m.group(3)
    assert after * 3 <= before, res.stdout
    reduced = open(path).read()
    assert "ull35" in reduced
    # The reduced program still crashes with tcc and runs clean with gcc.
    exe = tmp_path / "r"
    subprocess.run(["tcc", path, "-o", str(exe)], check=True, capture_output=True)
    assert subprocess.run([str(exe)], capture_output=True).returncode != 0
    subprocess.run(["gcc", "-w", path, "-o", str(exe)], check=True, capture_output=True)
    assert subprocess.run([str(exe)], capture_output=True).returncode == 0
    # The task file shows it, and `oracle tasks --reduce` reduces by itself.
    tasks = tmp_path / "tasks"
    assert run_cli("tasks", "--run", str(out), "--dir", str(tasks)).returncode == 0
    (task,) = [p for p in tasks.iterdir() if not p.name.startswith(".")]
    assert reduced in task.read_text()
    shutil.rmtree(out / "reduced")
    res = run_cli("tasks", "--run", str(out), "--dir", str(tasks), "--reduce", "--budget", "15", "-n", "2")
    assert res.returncode == 0, res.stderr
    (task,) = [p for p in tasks.iterdir() if not p.name.startswith(".")]
    assert "reduced by oracle reduce" in task.read_text()
