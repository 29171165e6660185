"""`oracle claim/release/done` with real git (a bare upstream and clones) and in a plain shared
folder: many agents at once, exactly one wins, nobody's clone is left dirty, stale claims."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ..conftest import ORACLE, have

pytestmark = pytest.mark.skipif(not have("git"), reason="git not installed")

CID = "0123456789ab"
TASK = f"crash-in-s-a-c--{CID}.txt"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@t"}


def git(where: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(where), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout


def cli(*args: str, cwd: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "AGENT_ID"}
    return subprocess.Popen([*ORACLE, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})


def done(p: subprocess.Popen) -> tuple[int, str]:
    out, err = p.communicate(timeout=300)
    return p.returncode, out + err


@pytest.fixture
def upstream(tmp_path):
    bare = tmp_path / "upstream.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    seed = tmp_path / "seed"
    subprocess.run(["git", "clone", "-q", str(bare), str(seed)], check=True, capture_output=True)
    git(seed, "checkout", "-q", "-b", "main")
    (seed / "current_tasks").mkdir()
    (seed / "current_tasks" / TASK).write_text("crash in s/a.c [1 failing case]\n")
    (seed / "current_tasks" / f"other--{'f' * 12}.txt").write_text("another task\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "tasks")
    git(seed, "push", "-q", "-u", "origin", "main")
    return bare


def clone(bare: Path, where: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(bare), str(where)], check=True, capture_output=True)
    return where


def clean(repo: Path) -> bool:
    return git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def upstream_file(bare: Path, rel: str) -> str | None:
    res = subprocess.run(["git", "--git-dir", str(bare), "show", f"main:{rel}"], capture_output=True, text=True)
    return res.stdout if res.returncode == 0 else None


def test_eight_clones_claim_one_task_at_once_exactly_one_wins(tmp_path, upstream):
    clones = [clone(upstream, tmp_path / f"agent{i}") for i in range(8)]
    procs = [cli("claim", CID, "--agent", f"agent-{i}", cwd=c) for i, c in enumerate(clones)]
    outcomes = [done(p) for p in procs]
    winners = [i for i, (rc, _) in enumerate(outcomes) if rc == 0]
    assert len(winners) == 1, outcomes
    (w,) = winners
    lock = upstream_file(upstream, f"current_tasks/{CID}.claim")
    assert lock is not None and lock.startswith(f"Claimed-by: agent-{w}\n")
    for i, (rc, text) in enumerate(outcomes):
        assert clean(clones[i]), (i, git(clones[i], "status", "--porcelain"))
        if i != w:
            assert rc == 1 and f"task {CID} is claimed by agent-{w}" in text, text
            assert "Traceback" not in text
            # The loser's own commit is gone: nothing of it can be pushed later.
            git(clones[i], "fetch", "-q")
            assert git(clones[i], "rev-list", "--count", "origin/main..HEAD").strip() == "0"
    claims = [ln for ln in git(clones[w], "log", "--format=%s").splitlines() if ln.startswith("oracle claim")]
    assert claims == [f"oracle claim {CID} for agent-{w}"]


def test_claim_holds_against_later_agents_release_and_done(tmp_path, upstream):
    a, b = clone(upstream, tmp_path / "a"), clone(upstream, tmp_path / "b")
    rc, out = done(cli("claim", TASK, "--agent", "alice", cwd=a))
    assert rc == 0 and f"claimed task {CID} for alice" in out
    rc, out = done(cli("claim", f"current_tasks/{TASK}", "--agent", "bob", cwd=b))
    assert rc == 1 and "claimed by alice" in out and clean(b)
    rc, out = done(cli("claim", CID, "--agent", "alice", cwd=a))
    assert rc == 0 and "lease renewed" in out
    rc, out = done(cli("release", CID, "--agent", "bob", cwd=b))
    assert rc == 1 and "not released" in out and clean(b)
    rc, out = done(cli("release", CID, "--agent", "alice", cwd=a))
    assert rc == 0 and upstream_file(upstream, f"current_tasks/{CID}.claim") is None and clean(a)
    rc, out = done(cli("claim", CID, "--agent", "bob", cwd=b))
    assert rc == 0, out
    rc, out = done(cli("done", CID, "--agent", "bob", "--force", cwd=b))
    assert rc == 0 and clean(b), out
    assert upstream_file(upstream, f"current_tasks/{TASK}") is None
    assert upstream_file(upstream, f"current_tasks/{CID}.claim") is None
    assert upstream_file(upstream, f"current_tasks/other--{'f' * 12}.txt") == "another task\n"


def test_a_stale_claim_can_be_taken_over_a_fresh_one_cannot(tmp_path, upstream):
    a, b = clone(upstream, tmp_path / "a"), clone(upstream, tmp_path / "b")
    (a / "current_tasks" / f"{CID}.claim").write_text(
        "Claimed-by: sleepy\nStarted: 2020-01-01T00:00:00Z\nToken: 00\n")
    git(a, "add", "-A")
    git(a, "commit", "-q", "-m", "old claim")
    git(a, "push", "-q")
    rc, out = done(cli("claim", CID, "--agent", "bob", "--stale-after", "1e9", cwd=b))
    assert rc == 1 and "claimed by sleepy" in out and clean(b)
    rc, out = done(cli("claim", CID, "--agent", "bob", cwd=b))
    assert rc == 0 and "took over from sleepy" in out, out
    lock = upstream_file(upstream, f"current_tasks/{CID}.claim")
    assert lock.startswith("Claimed-by: bob\n") and "Note: took over a stale claim of sleepy" in lock
    rc, out = done(cli("claim", CID, "--agent", "carol", cwd=a))
    assert rc == 1 and "claimed by bob" in out and clean(a)


def test_unrelated_pushes_are_rebased_not_refused(tmp_path, upstream):
    a, b = clone(upstream, tmp_path / "a"), clone(upstream, tmp_path / "b")
    (a / "notes.txt").write_text("unrelated work\n")
    git(a, "add", "-A")
    git(a, "commit", "-q", "-m", "work")
    git(a, "push", "-q")
    (b / "wip.c").write_text("int x;\n")  # b's own uncommitted work survives the claim
    rc, out = done(cli("claim", CID, "--agent", "bob", cwd=b))
    assert rc == 0, out
    assert (b / "wip.c").read_text() == "int x;\n" and (b / "notes.txt").exists()
    assert upstream_file(upstream, f"current_tasks/{CID}.claim").startswith("Claimed-by: bob")


def test_usage_errors_are_one_line(tmp_path, upstream):
    a = clone(upstream, tmp_path / "a")
    rc, out = done(cli("claim", "nonsense", "--agent", "x", cwd=a))
    assert rc == 2 and "names no task" in out and "Traceback" not in out
    rc, out = done(cli("claim", "abcdefabcdef", "--agent", "x", cwd=a))
    assert rc == 2 and "no task abcdefabcdef" in out and clean(a)
    rc, out = done(cli("claim", CID, "--agent", "x", "--stale-after", "0", cwd=a))
    assert rc == 2 and "--stale-after must be positive" in out and clean(a)
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "results.json").write_text('{"cases": []}')
    rc, out = done(cli("tasks", "--run", str(plain), "--commit", cwd=plain))
    assert rc == 2 and "not in a git work tree" in out and out.count("\n") == 1
    assert not (plain / "current_tasks").exists()


def test_shared_folder_eight_agents_at_once_exactly_one_wins(tmp_path):
    folder = tmp_path / "current_tasks"
    folder.mkdir()
    (folder / TASK).write_text("crash in s/a.c [1 failing case]\n")
    procs = [cli("claim", CID, "--dir", str(folder), "--agent", f"agent-{i}", cwd=tmp_path) for i in range(8)]
    outcomes = [done(p) for p in procs]
    winners = [i for i, (rc, _) in enumerate(outcomes) if rc == 0]
    assert len(winners) == 1, outcomes
    lock = (folder / f"{CID}.claim").read_text()
    assert lock.startswith(f"Claimed-by: agent-{winners[0]}\n")
    assert all(rc == 1 and "is claimed by agent-" in t for rc, t in outcomes if rc != 0)
    assert sorted(p.name for p in folder.iterdir()) == sorted([TASK, f"{CID}.claim"])  # no temp files left
    # A stale lock is taken over; release by another agent is refused; done removes the task.
    (folder / f"{CID}.claim").write_text("Claimed-by: sleepy\nStarted: 2020-01-01T00:00:00Z\nToken: 00\n")
    rc, out = done(cli("claim", CID, "--dir", str(folder), "--agent", "bob", cwd=tmp_path))
    assert rc == 0 and "took over from sleepy" in out
    rc, out = done(cli("release", CID, "--dir", str(folder), "--agent", "eve", cwd=tmp_path))
    assert rc == 1 and "claimed by bob" in out
    rc, out = done(cli("done", CID, "--dir", str(folder), "--agent", "bob", "--force", cwd=tmp_path))
    assert rc == 0 and sorted(p.name for p in folder.iterdir()) == [f".{CID}.done"]  # the done record stays


def results_dir(where: Path, cases: list) -> Path:
    import json

    where.mkdir(parents=True)
    (where / "results.json").write_text(json.dumps({"arches": ["x86_64"], "cases": [c.to_json() for c in cases]}))
    return where


def test_tasks_commit_makes_one_commit_per_update_and_never_commits_claims(tmp_path):
    from ..unit.test_cluster import rec

    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    run = results_dir(tmp_path / "run", [rec(f"t{i}.c", "x86_64", "wrong-exit", "exit 1 (reference: exit 0)")
                                         for i in range(3)])
    rc, out = done(cli("tasks", "--run", str(run), "--dir", "current_tasks", "--commit", cwd=repo))
    assert rc == 0 and "committed" in out, out
    assert clean(repo) and git(repo, "log", "--format=%s").count("oracle tasks:") == 1
    files = git(repo, "ls-files").split()
    assert len([f for f in files if f.endswith(".txt")]) == 3 and "current_tasks/.lock" not in files
    (repo / "current_tasks" / f"{'a' * 12}.claim").write_text("Claimed-by: x\n")
    rc, out = done(cli("tasks", "--run", str(run), "--dir", "current_tasks", "--commit", cwd=repo))
    assert rc == 0 and "nothing to commit" in out, out
    assert git(repo, "log", "--format=%s").count("oracle tasks:") == 1


def test_two_agents_publish_different_partial_runs_and_both_land(tmp_path, upstream):
    """Each agent's update is merged into the newest upstream folder: no conflict, nothing lost."""
    from ..unit.test_cluster import rec

    a, b = clone(upstream, tmp_path / "a"), clone(upstream, tmp_path / "b")
    err = "x.c:1: error: ';' expected (got \"q\")"
    run_a = results_dir(tmp_path / "ra", [rec(f"t{i}.c", "x86_64", "compile-error", err) for i in (0, 1)])
    run_b = results_dir(tmp_path / "rb", [rec(f"t{i}.c", "x86_64", "compile-error", err) for i in (1, 2)]
                        + [rec("w.c", "x86_64", "crash", "killed by SIGSEGV (reference: exit 0)")])
    pa = cli("tasks", "--run", str(run_a), "--dir", "current_tasks", "--commit", cwd=a)
    pb = cli("tasks", "--run", str(run_b), "--dir", "current_tasks", "--commit", cwd=b)
    for p in (pa, pb):
        rc, out = done(p)
        assert rc == 0 and "pushed" in out, out
    assert clean(a) and clean(b)
    fresh = clone(upstream, tmp_path / "c")
    names = sorted(p.name for p in (fresh / "current_tasks").iterdir() if p.name.endswith(".txt"))
    (syntax,) = [n for n in names if n.startswith("compile-error")]
    text = (fresh / "current_tasks" / syntax).read_text()
    assert "[3 failing cases]" in text and all(f"s/t{i}.c@x86_64-O0" in text for i in range(3))
    assert any(n.startswith("crash-in-plain-c-code-s-w-c--") for n in names)
    assert TASK in names  # the seed's own tasks are untouched


def test_a_renewed_claim_holds_an_expired_one_is_taken_and_its_holder_told(tmp_path, upstream):
    """Leases: the holder's claim again (or any oracle command of its clone, once a quarter of the
    lease is spent) renews it; a takeover needs an expired lease, and the old holder's next command
    says so on one line."""
    import time

    a, b = clone(upstream, tmp_path / "a"), clone(upstream, tmp_path / "b")
    lease = 0.002  # hours: 7.2 s
    (a / "oracle.toml").write_text(f"lease-hours = {lease}\n")  # the holder's clone renews at a quarter of it
    rc, out = done(cli("claim", CID, "--agent", "alice", cwd=a))
    assert rc == 0, out
    token = next(ln for ln in upstream_file(upstream, f"current_tasks/{CID}.claim").splitlines()
                 if ln.startswith("Token:"))
    time.sleep(2.5)  # past a quarter of the lease
    rc, out = done(cli("release", "f" * 12, "--agent", "alice", cwd=a))  # any command of alice's clone
    lock = upstream_file(upstream, f"current_tasks/{CID}.claim")
    assert "Renewed:" in lock and token in lock and lock.startswith("Claimed-by: alice\n"), (out, lock)
    rc, out = done(cli("claim", CID, "--agent", "bob", "--stale-after", str(lease), cwd=b))
    assert rc == 1 and "claimed by alice" in out and "renewed" in out, out
    rc, out = done(cli("claim", "--renew", "--agent", "alice", cwd=a))
    assert rc == 0 and "lease renewed" in out, out
    time.sleep(lease * 3600 + 1)  # alice stops renewing: her lease expires
    rc, out = done(cli("claim", CID, "--agent", "bob", "--stale-after", str(lease), cwd=b))
    assert rc == 0 and "took over from alice" in out, out
    rc, out = done(cli("release", "f" * 12, "--agent", "alice", cwd=a))
    notice = [ln for ln in out.splitlines() if f"your claim on task {CID}" in ln]
    assert len(notice) == 1 and "taken over by bob" in notice[0], out
    rc, out = done(cli("release", "f" * 12, "--agent", "alice", cwd=a))
    assert f"your claim on task {CID}" not in out  # said once
