"""Done stays done: a task an agent fixed and marked done is not re-opened by a run of a candidate
that predates the fix, nor by `oracle tasks --commit` on an old run; a later real regression of
the same cases re-opens it, saying it is one. Three clones of one repository (compiler, suite and
task folder in it), a real upstream, real git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import PROGRAMS, have, run_cli

pytestmark = pytest.mark.skipif(not have("git"), reason="git not installed")
ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@t"}
BROKEN = '#!/bin/sh\nexec gcc -DORACLE_CANDIDATE=1 "$@"\n'
FIXED = '#!/bin/sh\ncase "$*" in *wrong_output*) exec gcc "$@";; esac\nexec gcc -DORACLE_CANDIDATE=1 "$@"\n'


def git(where: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(where), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout.strip()


def oracle(where: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=where, env={**ENV, "AGENT_ID": where.name})


def run(where: Path, out: str) -> subprocess.CompletedProcess:
    return oracle(where, "run", "--compiler", "./cc", "--suite", "suite", "--out", str(where.parent / out), "-j", "2",
                  "--no-history", "--no-cache")


def task_files(where: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in (where / "current_tasks").glob("*.txt")}


def write_cc(where: Path, text: str) -> None:
    (where / "cc").write_text(text)
    (where / "cc").chmod(0o755)


def test_done_stays_done_across_clones_and_a_regression_reopens_it(tmp_path):
    bare = tmp_path / "upstream.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    seed = tmp_path / "seed"
    subprocess.run(["git", "clone", "-q", str(bare), str(seed)], check=True, capture_output=True)
    git(seed, "checkout", "-q", "-b", "main")
    (seed / "suite").mkdir()
    for name in ("ok.c", "wrong_output.c", "wrong_exit.c"):
        shutil.copy(PROGRAMS / name, seed / "suite" / name)
    write_cc(seed, BROKEN)
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "compiler v0")
    git(seed, "push", "-q", "-u", "origin", "main")
    a, b, c = (tmp_path / n for n in ("alice", "bob", "carol"))
    for where in (a, b, c):
        subprocess.run(["git", "clone", "-q", str(bare), str(where)], check=True, capture_output=True)

    # Alice's run makes the tasks, published for everyone.
    assert run(a, "a0").returncode == 1
    res = oracle(a, "tasks", "--run", str(tmp_path / "a0"), "--commit")
    assert res.returncode == 0 and "pushed" in res.stdout, res.stdout + res.stderr
    tasks = task_files(a)
    assert len(tasks) == 2
    name = next(n for n in tasks if "suite/wrong_output.c@x86_64-O0" in tasks[n])
    cid = name[-16:-4]
    # Bob's compiler is v0 too; he runs now (before any fix), and keeps that run.
    assert run(b, "b0").returncode == 1

    # Alice claims the task, fixes the compiler, pushes the fix and marks the task done.
    res = oracle(a, "claim", cid)
    assert res.returncode == 0, res.stdout + res.stderr
    write_cc(a, FIXED)
    git(a, "commit", "-qam", "fix the wrong output")
    git(a, "push", "-q")
    fix = git(a, "rev-parse", "HEAD")
    assert run(a, "a1").returncode == 1  # wrong_exit.c still fails; wrong_output.c passes
    # `oracle done` checks every case of the task first: refused with the unfixed compiler.
    other = next(n for n in tasks if n != name)[-16:-4]
    res = oracle(a, "done", other, "--compiler", "./cc")
    assert res.returncode == 1 and "still fail" in res.stdout and "not done" in res.stdout, res.stdout + res.stderr
    assert next((a / "current_tasks").glob(f"*{other}.txt"), None) is not None
    res = oracle(a, "check", cid, "--compiler", "./cc")
    assert res.returncode == 0 and f"task {cid}: all 1 cases pass" in res.stdout, res.stdout + res.stderr
    res = oracle(a, "done", cid, "--compiler", "./cc")
    assert res.returncode == 0 and "done" in res.stdout, res.stdout + res.stderr
    record = json.loads((a / "current_tasks" / f".{cid}.done").read_text())
    assert record["fix"] == fix and record["agent"] == "alice" and record["cases"]
    assert record["checked"] == f"task {cid}: all 1 cases pass"

    # Carol has not pulled: her compiler predates the fix. Her run, and Bob's old run, published
    # with `oracle tasks --commit` (which pulls first), re-open nothing.
    assert run(c, "c0").returncode == 1
    for who, out in ((c, "c0"), (b, "b0"), (a, "a0")):
        res = oracle(who, "tasks", "--run", str(tmp_path / out), "--commit")
        assert res.returncode == 0, res.stdout + res.stderr
        assert name not in task_files(who) and (who / "current_tasks" / f".{cid}.done").exists(), who.name
        assert "done ones left closed" in res.stdout
    upstream_names = git(a, "ls-tree", "--name-only", "origin/main", "current_tasks/")
    git(a, "pull", "-q")
    assert name not in task_files(a)

    # A later change breaks it again: a run of a candidate that contains the fix re-opens the task
    # as a regression, and the done record goes.
    git(b, "pull", "-q")
    write_cc(b, BROKEN + "# refactored\n")
    git(b, "commit", "-qam", "refactor (breaks it again)")
    git(b, "push", "-q")
    assert run(b, "b1").returncode == 1
    res = oracle(b, "tasks", "--run", str(tmp_path / "b1"), "--commit")
    assert res.returncode == 0 and "re-opened as regressions" in res.stdout, res.stdout + res.stderr
    text = task_files(b)[name]
    assert text.startswith("REGRESSION of a done task") and f"contains the fix {fix[:12]}" in text
    assert not (b / "current_tasks" / f".{cid}.done").exists()
    assert upstream_names  # (the folder was published all along)
