"""Issue 23 class 5: the git feed never trusts the repository it works in. Committed symlinks and
special files in the task folder, huge claims, an agent's own files next to the tasks, a clone in
the middle of a rebase, a remote that stalls or refuses by policy."""

from __future__ import annotations

import os
import resource
import subprocess
import time
from pathlib import Path

import pytest

from ..conftest import ORACLE, have
from .test_claim import CID, TASK, clean, clone, done, git, upstream, upstream_file  # noqa: F401

pytestmark = pytest.mark.skipif(not have("git"), reason="git not installed")
SOURCE = "int main(void) { return 0; }\n"


def cli(*args: str, cwd: Path, env: dict | None = None, mem: int | None = None) -> subprocess.Popen:
    base = {k: v for k, v in os.environ.items() if k != "AGENT_ID"}
    limit = (lambda: resource.setrlimit(resource.RLIMIT_AS, (mem, mem))) if mem else None
    return subprocess.Popen([*ORACLE, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=limit,
                            env={**base, **(env or {}), "PYTHONPATH": str(Path(__file__).resolve().parents[2])})


def commit_all(repo: Path, msg: str = "x") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", msg)
    git(repo, "push", "-q")


def one_line(out: str) -> bool:
    return out.count("\n") == 1 and "Traceback" not in out


@pytest.fixture
def seeded(tmp_path, upstream):  # noqa: F811
    """A clone with a committed source file next to the task folder."""
    a = clone(upstream, tmp_path / "a")
    (a / "src").mkdir()
    (a / "src" / "main.c").write_text(SOURCE)
    return a


@pytest.mark.parametrize("target", ["../src/main.c", "OUTSIDE"])
def test_a_committed_claim_symlink_is_refused_and_never_written_through(tmp_path, upstream, seeded, target):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    link = seeded / "current_tasks" / f"{CID}.claim"
    link.symlink_to(str(outside) if target == "OUTSIDE" else target)
    commit_all(seeded)
    b = clone(upstream, tmp_path / "b")
    rc, out = done(cli("claim", CID, "--agent", "bob", cwd=b))
    assert rc == 2 and "symlink" in out and one_line(out), out
    assert (b / "src" / "main.c").read_text() == SOURCE and outside.read_text() == "precious\n"
    assert upstream_file(upstream, "src/main.c") == SOURCE and clean(b)
    rc, out = done(cli("done", CID, "--agent", "bob", "--force", cwd=b))
    assert rc == 2 and "symlink" in out and one_line(out), out
    assert upstream_file(upstream, "src/main.c") == SOURCE and outside.read_text() == "precious\n"


def test_done_never_deletes_through_a_symlinked_task_file(tmp_path, upstream, seeded):
    (seeded / "current_tasks" / TASK).unlink()
    (seeded / "current_tasks" / TASK).symlink_to("../src/main.c")
    (seeded / "current_tasks" / f".{CID}.json").symlink_to("../src/main.c")
    commit_all(seeded)
    b = clone(upstream, tmp_path / "b")
    rc, out = done(cli("done", CID, "--agent", "bob", cwd=b))
    assert rc == 2 and "symlink" in out and one_line(out), out
    assert (b / "src" / "main.c").read_text() == SOURCE and upstream_file(upstream, "src/main.c") == SOURCE
    rc, out = done(cli("claim", CID, "--agent", "bob", cwd=b))
    assert rc == 2 and "symlink" in out and one_line(out), out


def test_a_huge_claim_file_is_refused_not_read(tmp_path):
    folder = tmp_path / "current_tasks"
    folder.mkdir()
    (folder / TASK).write_text("crash in s/a.c [1 failing case]\n")
    with open(folder / f"{CID}.claim", "wb") as f:  # sparse: costs no disk
        f.truncate(4 << 30)
    rc, out = done(cli("claim", CID, "--dir", str(folder), "--agent", "bob", cwd=tmp_path, mem=1 << 30))
    assert rc == 2 and "too big" in out and one_line(out), out
    (folder / f"{CID}.claim").unlink()
    (folder / f"{CID}.claim").symlink_to("/dev/zero")
    rc, out = done(cli("claim", CID, "--dir", str(folder), "--agent", "bob", cwd=tmp_path, mem=1 << 30))
    assert rc == 2 and "symlink" in out and one_line(out), out
    (folder / f"{CID}.claim").unlink()
    os.mkfifo(folder / f"{CID}.claim")
    rc, out = done(cli("release", CID, "--dir", str(folder), "--agent", "bob", cwd=tmp_path))
    assert rc == 2 and "not a regular file" in out and one_line(out), out
