"""The task feed as a team uses it: a committed current_tasks/ in a git repository, partial runs by
several agents into it, reproductions from a fresh clone, claimed tasks left alone."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import COMPILERS, ORACLE, PROGRAMS, have, run_cli

pytestmark = pytest.mark.skipif(not have("git"), reason="git not installed")
ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@t"}


def git(where: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(where), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".lock"}


def oracle_run(repo: Path, out: str, *extra: str) -> subprocess.CompletedProcess:
    return run_cli("run", "--compiler", "./cc", "--suite", "suite", "--out", str(repo.parent / out), "-j", "2",
                   "--run-timeout", "5", "--no-history", "--tasks", "current_tasks", *extra, cwd=repo)


def test_partial_runs_leave_the_committed_feed_alone_and_tasks_reproduce_in_a_fresh_clone(tmp_path):
    repo = tmp_path / "repo"
    (repo / "suite").mkdir(parents=True)
    for name in ("ok.c", "wrong_exit.c", "wrong_output.c", "crash.c", "garbage.c", "address.c"):
        shutil.copy(PROGRAMS / name, repo / "suite" / name)
    for i in range(6):  # more tests failing at once, so samples and shards leave some out
        (repo / "suite" / f"w{i}.c").write_text(
            f"int main(void){{\n#ifdef ORACLE_CANDIDATE\nreturn {i + 1};\n#endif\nreturn 0;\n}}\n")
    shutil.copy(COMPILERS / "gcc-bug", repo / "cc")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    res = oracle_run(repo, "full")
    assert res.returncode == 1, res.stdout + res.stderr
    tasks = repo / "current_tasks"
    first = snapshot(tasks)
    names = [n for n in first if n.endswith(".txt")]
    assert len(names) == 10, names  # crash, wrong_exit, wrong_output, garbage, w0..w5
    for n in names:
        text = first[n].decode()
        assert str(tmp_path) not in text and "/tmp" not in text and "repro.sh" not in text, text
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "tasks")
    assert git(repo, "status", "--porcelain") == ""
    # A claimed task: never touched, even by a run that would change it.
    crash = next(n for n in names if n.startswith("crash-"))
    cid = crash[-16:-4]
    (tasks / f"{cid}.claim").write_text("Claimed-by: x\nStarted: 2026-01-01T00:00:00Z\nToken: 1\n")
    partial = [("fast", "--fast", "--seed", "agent-7"), ("ratio", "--ratio", "40", "--seed", "agent-8"),
               ("filter", "-k", "w[0-2]"), ("shard", "--shard", "1/3", "--seed", "agent-9")]
    for out, *extra in partial:
        res = oracle_run(repo, out, *extra)
        assert res.returncode in (0, 1), res.stdout + res.stderr
        now = snapshot(tasks)
        now.pop(f"{cid}.claim")
        assert now == first, out
        assert "holds 9 open task files and 1 claimed" in res.stdout.splitlines()[-1], res.stdout
    res = oracle_run(repo, "full2")
    now = snapshot(tasks)
    now.pop(f"{cid}.claim")
    assert now == first
    (tasks / f"{cid}.claim").unlink()
    assert git(repo, "status", "--porcelain") == ""  # the flock file is ignored, nothing else changed
    # Every task reproduces from a fresh clone in another folder, with no access to the runs.
    fresh = tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(fresh)], check=True, capture_output=True)
    for name in names:
        line = next(ln for ln in first[name].decode().splitlines() if ln.startswith("  oracle repro "))
        argv = shlex.split(line)
        rep = subprocess.run([*ORACLE, *argv[1:]], cwd=fresh, capture_output=True, text=True, timeout=300,
                             stdin=subprocess.DEVNULL)
        verdict = first[name].decode().split("Verdict: ")[1].split()[0]
        assert rep.returncode == 1 and f": {verdict}: " in rep.stdout and "still fails" in rep.stdout, \
            (name, rep.stdout, rep.stderr)
    # Fixed: the same command exits 0.
    line = next(ln for ln in first[names[0]].decode().splitlines() if ln.startswith("  oracle repro "))
    argv = shlex.split(line)
    argv[argv.index("./cc")] = "gcc"
    rep = subprocess.run([*ORACLE, *argv[1:]], cwd=fresh, capture_output=True, text=True, timeout=300)
    assert rep.returncode == 0 and ": pass: " in rep.stdout, rep.stdout + rep.stderr
