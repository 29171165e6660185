"""Regressions as causes: a compiler change that breaks k passing tests is one task naming the two
candidate revisions, and `oracle bisect` names the change (a small git history of compiler
wrappers, real git, real gcc)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ..conftest import have, run_cli

pytestmark = pytest.mark.skipif(not have("git"), reason="git not installed")
ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@t"}


def git(where: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(where), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout.strip()


def commit(repo: Path, cc: str, message: str) -> str:
    (repo / "cc").write_text(cc)
    (repo / "cc").chmod(0o755)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD")


def test_a_change_that_breaks_k_tests_is_one_regression_task_and_bisect_names_it(tmp_path):
    repo = tmp_path / "compiler"
    (repo / "suite").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / ".gitignore").write_text("current_tasks/\n")
    for i in range(6):
        bad = "#ifdef BROKEN\n return 3;\n#endif\n" if i % 2 == 0 else ""  # t0, t2, t4 break
        (repo / "suite" / f"t{i}.c").write_text(f"#include <stdio.h>\nint main(void){{\n{bad} puts(\"{i}\");"
                                                f" return 0; }}\n")
    good = commit(repo, '#!/bin/sh\nexec gcc "$@"\n', "compiler v1")
    commit(repo, '#!/bin/sh\n# faster\nexec gcc "$@"\n', "v2: a harmless change")
    breaking = commit(repo, '#!/bin/sh\n# faster\nexec gcc -DBROKEN "$@"\n', "v3: the breaking change")
    commit(repo, '#!/bin/sh\n# faster, tidier\nexec gcc -DBROKEN "$@"\n', "v4: harmless again")
    head = git(repo, "rev-parse", "HEAD")
    history = str(tmp_path / "history.db")

    def run(out: str) -> subprocess.CompletedProcess:
        return run_cli("run", "--compiler", "./cc", "--suite", "suite", "--arch", "x86_64", "-j", "2", "--no-cache",
                       "--history", history, "--out", str(tmp_path / out), "--tasks", "current_tasks", cwd=repo)

    git(repo, "checkout", "-q", good)
    assert run("r1").returncode == 0
    git(repo, "checkout", "-q", "main")
    res = run("r2")
    assert res.returncode == 1, res.stdout + res.stderr
    tasks = list((repo / "current_tasks").glob("*.txt"))
    assert len(tasks) == 1, [p.name for p in tasks]
    text = tasks[0].read_text()
    assert text.startswith(f"regression between candidate {good[:12]} and {head[:12]}: tests that passed fail now "
                           "[3 failing cases]"), text
    assert all(f"suite/t{i}.c@x86_64-O0" in text for i in (0, 2, 4)) and f"passed with {good}" in text
    cid = tasks[0].name[-16:-4]

    res = run_cli("bisect", cid, "--build", "true", "--compiler", "./cc", cwd=repo)
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"the first bad commit is {breaking[:12]} (v3: the breaking change)" in res.stdout
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain", "--untracked-files=no") == ""
    assert f"First bad commit: {breaking[:12]}" in tasks[0].read_text()

    # The next run of the same candidate: nothing newly regressed, and the regression task keeps
    # its cases (they do not scatter into cause tasks).
    assert run("r3").returncode == 1
    again = list((repo / "current_tasks").glob("*.txt"))
    assert [p.name for p in again] == [tasks[0].name] and "[3 failing cases]" in again[0].read_text()
