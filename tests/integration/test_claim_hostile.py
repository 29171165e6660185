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
    rc, out = done(cli("done", CID, "--agent", "bob", "--force", cwd=b))
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


# ---------------------------------------------------------------- tasks --commit and the agent's own files

def test_tasks_commit_never_touches_a_claimed_task_or_the_agents_own_files(tmp_path, upstream):  # noqa: F811
    from ..unit.test_cluster import rec
    from .test_claim import results_dir

    a = clone(upstream, tmp_path / "a")
    rc, out = done(cli("claim", CID, "--agent", "alice", cwd=a))
    assert rc == 0, out
    tasks = a / "current_tasks"
    mine = "crash in s/a.c [1 failing case]\n\nalice: the bug is in the register allocator\n"
    (tasks / TASK).write_text(mine)  # an agent's notes in its claimed task, not committed yet
    (tasks / "alice-notes.md").write_text("scratch\n")
    (tasks / f"scratch--{CID}.txt").write_text("my own file, named like a task\n")
    run = results_dir(tmp_path / "run", [rec("t1.c", "x86_64", "wrong-exit", "exit 1 (reference: exit 0)")])
    rc, out = done(cli("tasks", "--run", str(run), "--dir", "current_tasks", "--commit", cwd=a))
    assert rc == 0 and "pushed" in out, out
    assert (tasks / TASK).read_text() == mine
    assert (tasks / "alice-notes.md").read_text() == "scratch\n"
    assert (tasks / f"scratch--{CID}.txt").exists()
    pushed = git(a, "show", "--name-only", "--format=", "HEAD").split()
    assert pushed and all(not p.endswith(("alice-notes.md", f"scratch--{CID}.txt", TASK)) for p in pushed), pushed
    assert upstream_file(upstream, f"current_tasks/{TASK}") == "crash in s/a.c [1 failing case]\n"
    rc, out = done(cli("tasks", "--run", str(run), "--dir", "current_tasks", "--commit", cwd=a))
    assert rc == 0 and "nothing to commit" in out and (tasks / TASK).read_text() == mine, out


# ---------------------------------------------------------------- a clone in no state to push from

def _mid_operation(tmp_path: Path, upstream: Path, state: str) -> Path:  # noqa: F811
    a = clone(upstream, tmp_path / "a")
    if state == "detached":
        git(a, "checkout", "-q", "--detach")
        return a
    b = clone(upstream, tmp_path / "b")
    (b / "file.txt").write_text("theirs\n")
    commit_all(b)
    (a / "file.txt").write_text("ours\n")
    git(a, "add", "-A")
    git(a, "commit", "-q", "-m", "ours")
    verb = {"rebase": ["pull", "--rebase"], "merge": ["pull", "--no-rebase"]}[state]
    res = subprocess.run(["git", "-C", str(a), *verb], capture_output=True, text=True,
                         env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                              "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})
    assert res.returncode != 0  # a conflict: the operation stays in progress
    return a


@pytest.mark.parametrize("state", ["detached", "rebase", "merge"])
def test_no_claim_release_or_commit_from_a_detached_head_or_an_operation_in_progress(tmp_path, upstream, state):  # noqa: F811
    from ..unit.test_cluster import rec
    from .test_claim import results_dir

    a = _mid_operation(tmp_path, upstream, state)
    head = git(a, "rev-parse", "HEAD")
    word = "detached" if state == "detached" else f"{state} in progress"
    for args in (("claim", CID, "--agent", "bob"), ("release", CID, "--agent", "bob"),
                 ("done", CID, "--agent", "bob", "--force")):
        rc, out = done(cli(*args, cwd=a))
        assert rc == 2 and word in out and one_line(out), (args, out)
    run = results_dir(tmp_path / "run", [rec("t1.c", "x86_64", "wrong-exit", "exit 1 (reference: exit 0)")])
    rc, out = done(cli("tasks", "--run", str(run), "--dir", "current_tasks", "--commit", cwd=a))
    assert rc == 2 and word in out and one_line(out), out
    assert git(a, "rev-parse", "HEAD") == head and not (a / "current_tasks" / f"{CID}.claim").exists()
    assert upstream_file(upstream, f"current_tasks/{CID}.claim") is None


# ---------------------------------------------------------------- remotes that stall or refuse

def _hook(bare: Path, name: str, body: str) -> None:
    hook = bare / "hooks" / name
    hook.write_text("#!/bin/sh\n" + body)
    hook.chmod(0o755)


def test_a_remote_that_stalls_is_given_up_on_in_time_and_the_claim_state_is_exact(tmp_path, upstream):  # noqa: F811
    a = clone(upstream, tmp_path / "a")
    _hook(upstream, "pre-receive", "cat >/dev/null\nsleep 120\n")
    start = time.monotonic()
    rc, out = done(cli("claim", CID, "--agent", "bob", cwd=a, env={"ORACLE_GIT_TIMEOUT": "3"}))
    assert time.monotonic() - start < 60, "the stalled push was not given up on"
    assert rc == 3 and "did not answer" in out and one_line(out), out
    assert upstream_file(upstream, f"current_tasks/{CID}.claim") is None
    assert git(a, "rev-parse", "HEAD") == git(a, "rev-parse", "origin/main") and clean(a)


def test_a_push_that_landed_before_the_remote_stalled_is_a_claim(tmp_path, upstream):  # noqa: F811
    a = clone(upstream, tmp_path / "a")
    _hook(upstream, "post-receive", "cat >/dev/null\nsleep 120\n")  # the ref is updated; the answer never comes
    start = time.monotonic()
    rc, out = done(cli("claim", CID, "--agent", "bob", cwd=a, env={"ORACLE_GIT_TIMEOUT": "3"}))
    assert time.monotonic() - start < 60
    assert rc == 0 and f"claimed task {CID} for bob" in out, out
    assert upstream_file(upstream, f"current_tasks/{CID}.claim").startswith("Claimed-by: bob\n")
    (upstream / "hooks" / "post-receive").unlink()
    rc, out = done(cli("claim", CID, "--agent", "bob", cwd=a))
    assert rc == 0 and "lease renewed" in out, out


def test_a_push_refused_by_policy_shows_the_hooks_words_and_is_not_retried(tmp_path, upstream):  # noqa: F811
    a = clone(upstream, tmp_path / "a")
    _hook(upstream, "pre-receive", "cat >/dev/null\necho 'policy: claims must be signed off' >&2\nexit 1\n")
    start = time.monotonic()
    rc, out = done(cli("claim", CID, "--agent", "bob", cwd=a))
    assert rc == 2 and "remote: policy: claims must be signed off" in out and one_line(out), out
    assert "refused" in out and time.monotonic() - start < 30
    assert upstream_file(upstream, f"current_tasks/{CID}.claim") is None
    assert git(a, "rev-parse", "HEAD") == git(a, "rev-parse", "origin/main") and clean(a)


# ---------------------------------------------------------------- oracle tasks reads the folder with caps

@pytest.mark.parametrize("what", ["task-link", "state-huge", "state-link", "ideas-fifo"])
def test_oracle_tasks_never_reads_through_links_or_huge_files(tmp_path, what):
    from ..unit.test_cluster import rec
    from .test_claim import results_dir

    folder = tmp_path / "current_tasks"
    folder.mkdir()
    if what == "task-link":
        (folder / TASK).symlink_to("/dev/zero")
    elif what == "state-huge":
        (folder / TASK).write_text("crash in s/a.c [1 failing case]\n")
        with open(folder / f".{CID}.json", "wb") as f:
            f.truncate(4 << 30)
    elif what == "state-link":
        (folder / TASK).write_text("crash in s/a.c [1 failing case]\n")
        (folder / f".{CID}.json").symlink_to("/dev/zero")
    else:
        os.mkfifo(folder / "ideas.txt")
    run = results_dir(tmp_path / "run", [rec("t1.c", "x86_64", "wrong-exit", "exit 1 (reference: exit 0)")])
    p = cli("tasks", "--run", str(run), "--dir", str(folder), "--max-tasks", "0", cwd=tmp_path, mem=1 << 30)
    rc, out = done(p)
    assert rc == 2 and one_line(out) and ("symlink" in out or "too big" in out or "not a regular file" in out), out
