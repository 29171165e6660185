"""`oracle bisect TASK --build CMD --compiler CC`: the first bad commit of a regression.

`git bisect run` over the candidate's repository (the clone oracle runs in), between the task's
passing and failing revisions (a regression task names both; `--good`/`--bad` otherwise), with
oracle as the test: at each commit CMD builds the compiler (a build that fails skips the commit,
exit 125) and `oracle check` judges every case of the task with it (0: good, 1: bad, anything
else: skip). The task's state is copied aside first (older commits may hold another task
folder, or none). The first bad commit is printed and written into the task ("First bad commit:"),
committed and pushed in a clone with an upstream; the clone is left at the commit it was at.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from oracle.feed.check import task_cases
from oracle.feed.claim import Git, resolve_task
from oracle.feed.tasks import _dump, _load_state, file_name, locked, render, repo_root
from oracle.model.errors import OracleError, UsageError
from oracle.report import atomic_write

_FIRST_BAD = re.compile(r"^([0-9a-f]{7,40}) is the first bad commit", re.M)
BISECT_TIMEOUT = 6 * 3600.0  # the whole search; each step is bounded by check's own timeouts


def _git(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=timeout)


def bisect(folder: str | Path, task: str, check_argv: list[str], build: str, good: str | None = None,
           bad: str | None = None) -> list[str]:
    """Run the search; the lines to print. `check_argv`: the options `oracle check` gets (the
    compiler and the rest), as words."""
    folder = Path(folder)
    cid, _ = resolve_task(folder, task)
    state = _load_state(folder, cid)
    if state is None:
        raise UsageError(f"no task {cid} in {folder}/: pick one of its task files")
    revs = state.get("revisions") or {}
    # A revision recorded with uncommitted changes ("+dirty-…") is bisected from its commit.
    good = (good or revs.get("good") or "").split("+dirty", 1)[0] or None
    bad = (bad or revs.get("bad") or "HEAD").split("+dirty", 1)[0]
    if not good:
        raise UsageError(f"task {cid} names no revision where its cases passed: pass --good REV")
    if not build:
        raise UsageError("pass --build CMD: how to build the compiler at each commit (e.g. 'make -C cc')")
    root = Path(_git(Path.cwd(), "rev-parse", "--show-toplevel").stdout.strip() or ".")
    if _git(root, "rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        raise UsageError("oracle bisect runs in the candidate's git clone: cd into it")
    if _git(root, "status", "--porcelain", "--untracked-files=no").stdout.strip():
        raise UsageError(f"{root} has uncommitted changes: commit or stash them first (bisect checks out commits)")
    for rev in (good, bad):
        if _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode != 0:
            raise UsageError(f"no commit {rev} in {root}: fetch it, or pass --good/--bad")
    _, suite = task_cases(folder, cid)
    extra = []
    if suite and "--suite" not in check_argv:
        where = repo_root(folder) / suite
        extra = ["--suite", str(where if where.exists() else suite)]
    with tempfile.TemporaryDirectory(prefix="oracle-bisect-") as tmp:
        aside = Path(tmp, "tasks")
        aside.mkdir()
        shutil.copyfile(folder / f".{cid}.json", aside / f".{cid}.json")
        check = [sys.executable, "-m", "oracle.cli", "check", cid, "--dir", str(aside), *check_argv, *extra]
        step = Path(tmp, "step.sh")
        step.write_text("#!/bin/sh\n"
                        f"( {build} ) >/dev/null 2>&1 || exit 125\n"
                        f"{shlex.join(check)} >/dev/null 2>&1\n"
                        "rc=$?\n[ $rc -le 1 ] && exit $rc\nexit 125\n")
        step.chmod(0o755)
        try:
            started = _git(root, "bisect", "start", bad, good)
            if started.returncode != 0:
                raise OracleError(f"git bisect start failed: {(started.stderr or started.stdout).strip()[:300]}")
            res = _git(root, "bisect", "run", str(step), timeout=BISECT_TIMEOUT)
        finally:
            _git(root, "bisect", "reset")  # back to the branch (or commit) it started on
    found = _FIRST_BAD.search(res.stdout)
    if not found:
        tail = (res.stdout + res.stderr).strip().splitlines()[-3:]
        raise OracleError(f"git bisect found no first bad commit between {good[:12]} and {bad[:12]}: "
                          f"{' | '.join(tail)[:400]}")
    sha = _git(root, "rev-parse", found.group(1)).stdout.strip()
    subject = _git(root, "log", "-1", "--format=%s", sha).stdout.strip()
    first = f"{sha[:12]} ({subject[:80]})"
    lines = [f"task {cid}: the first bad commit is {first}"]
    lines.append(_record(folder, cid, first))
    return lines


def _record(folder: Path, cid: str, first: str) -> str:
    """Write the first bad commit into the task (its state and file), and publish it in a clone."""
    git = Git.of(folder)
    if git is not None:
        git.pull()
    with locked(folder):
        state = _load_state(folder, cid)
        if state is None:
            return f"task {cid} is gone from {folder}/ meanwhile: nothing recorded"
        state["first_bad"] = first
        atomic_write(folder / f".{cid}.json", _dump(state))
        atomic_write(folder / file_name(state), render(state))
    if git is None:
        return f"recorded in {folder / file_name(state)}"
    paths = [str((folder / f".{cid}.json").resolve().relative_to(git.root)),
             str((folder / file_name(state)).resolve().relative_to(git.root))]
    git.run("add", "--", *paths)
    git.commit("oracle", f"oracle bisect {cid}: first bad commit {first[:12]}", paths)
    for _ in range(5):
        if git.try_push() is None:
            return f"recorded in {file_name(state)}, pushed to {git.upstream}"
        git.pull()
    return f"recorded in {file_name(state)} and committed; the push was rejected 5 times: push it yourself"


def argv_of(values: dict, options) -> list[str]:
    """The command-line words for the run options in `values` that differ from their defaults."""
    out: list[str] = []
    for opt in options:
        v = values.get(opt.dest)
        if v is None or v == opt.default or v is False or v == []:
            continue
        if opt.flag:
            out.append(f"--{opt.name}")
        elif opt.append:
            for item in v:
                out += [f"--{opt.name}", str(item)]
        else:
            out += [f"--{opt.name}", str(v)]
    return out


__all__ = ["argv_of", "bisect"]
