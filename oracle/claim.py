"""Claiming tasks: `oracle claim`, `oracle release`, `oracle done`.

A claim is one lock file per task, `<task-folder>/<cluster-id>.claim`, holding the holder's
name, when the claim started and a random token (so two claims never have the same bytes:
git's rebase drops a commit identical to one upstream, which once lost a claim silently).

* **In a git clone** (the task folder is tracked in a branch with an upstream): the lock is a
  commit pushed to the upstream. The push is the arbiter: of several clones claiming at once,
  exactly one push is a fast-forward; every other is rejected, fetches, finds the winner's lock
  upstream, drops its own commit (`git reset --keep HEAD~1`, the work tree is left as it was) and
  says who holds the task. A rejection caused by unrelated commits is rebased and pushed again.
* **In a plain shared folder**: the lock is written to a temp file and hard-linked to its name
  (`link` fails if the name exists): creating it is atomic, so of several agents exactly one wins,
  with no check-then-append.

A lock whose `Started:` is older than the stale age (default 2 hours) can be taken over; the new
lock says whose it replaced. `oracle release` removes one's own lock; `oracle done` removes the
lock, the task file and its state (the next run re-creates the task if its cases still fail).
oracle's own task-folder updates never touch a claimed task's files (see oracle/tasks.py).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import secrets
import socket
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import ClaimRefused, FeedError, OracleError, UsageError
from .tasks import CLAIM_SUFFIX, claim_path, task_id

DEFAULT_STALE_HOURS = 2.0
PUSH_ATTEMPTS = 20
GIT_TIMEOUT = 120
MAX_CLAIM_BYTES = 64 << 10  # a claim is a few lines: anything bigger was not written by oracle


@dataclass(frozen=True, slots=True)
class Lock:
    agent: str
    started: dt.datetime
    token: str
    note: str = ""

    def render(self) -> str:
        return (f"Claimed-by: {self.agent}\nStarted: {self.started.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
                f"Token: {self.token}\n" + (f"Note: {self.note}\n" if self.note else ""))

    @classmethod
    def parse(cls, text: str) -> "Lock | None":
        fields = dict(re.findall(r"^([A-Za-z-]+):[ \t]*(.*)$", text, re.M))
        try:
            started = dt.datetime.strptime(fields["Started"].strip(), "%Y-%m-%dT%H:%M:%SZ")
        except (KeyError, ValueError):
            started = dt.datetime(1970, 1, 1)  # unreadable: as stale as can be
        return cls(fields.get("Claimed-by", "?").strip(), started.replace(tzinfo=dt.timezone.utc),
                   fields.get("Token", "").strip(), fields.get("Note", "").strip())

    def age_hours(self, now: dt.datetime) -> float:
        return (now - self.started).total_seconds() / 3600

    def describe(self) -> str:
        return f"{self.agent} (since {self.started.strftime('%Y-%m-%d %H:%M UTC')})"


def default_agent() -> str:
    name = os.environ.get("AGENT_ID")
    if name:
        return name
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "agent"
    return f"{user}@{socket.gethostname()}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _new_lock(agent: str, old: Lock | None = None) -> Lock:
    note = f"took over a stale claim of {old.describe()}" if old else ""
    return Lock(agent, _now(), secrets.token_hex(8), note)


def _check_agent(agent: str) -> str:
    agent = " ".join(agent.split())
    if not agent or len(agent) > 100:
        raise UsageError("--agent NAME: give a short name (it is written in the claim)")
    return agent


def resolve_task(folder: Path, task: str) -> tuple[str, Path | None]:
    """The cluster id of TASK (an id, a task file name or path) and its task file, if any."""
    cid = task_id(task)
    if cid is None:
        raise UsageError(f"{task!r} names no task: give the 12-hex-digit id or the task file "
                         f"(e.g. oracle claim 0123456789ab)")
    files = sorted(p for p in folder.glob(f"*--{cid}*") if not p.name.startswith("."))
    for p in files:
        _entry(p)
    return cid, (files[0] if files else None)


def _entry(path: Path) -> os.stat_result | None:
    """The lstat of a task-folder entry (None: absent). A symlink or a special file is refused:
    a committed link would make a claim write, or `done` delete, whatever it points to."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISLNK(st.st_mode):
        raise FeedError(f"{path} is a symlink: oracle never reads, writes or deletes through one; "
                        f"remove it (git rm) and try again")
    if not stat.S_ISREG(st.st_mode):
        raise FeedError(f"{path} is not a regular file: oracle never reads, writes or deletes it; "
                        f"remove it and try again")
    return st


# ---------------------------------------------------------------- the commands

def claim(folder: str | Path, task: str, agent: str, stale_hours: float = DEFAULT_STALE_HOURS) -> str:
    folder = Path(folder)
    agent = _check_agent(agent)
    if stale_hours <= 0:
        raise UsageError("--stale-after must be positive (hours)")
    git = Git.of(folder)
    if git is not None:
        return git.claim(folder, task, agent, stale_hours)
    return _folder_claim(folder, task, agent, stale_hours)


def release(folder: str | Path, task: str, agent: str, force: bool = False, done: bool = False) -> str:
    folder = Path(folder)
    agent = _check_agent(agent)
    git = Git.of(folder)
    if git is not None:
        return git.release(folder, task, agent, force, done)
    return _folder_release(folder, task, agent, force, done)


def _refuse_unless_takeable(cid: str, held: Lock, agent: str, stale_hours: float) -> bool:
    """True when the lock is stale (to be taken over); raises ClaimRefused when someone holds it."""
    if held.agent == agent:
        return False
    age = held.age_hours(_now())
    if age < stale_hours:
        raise ClaimRefused(f"task {cid} is claimed by {held.describe()}: pick another task (a claim older "
                           f"than {stale_hours:g} h can be taken over)")
    return True


# ---------------------------------------------------------------- a plain shared folder

def _folder_claim(folder: Path, task: str, agent: str, stale_hours: float) -> str:
    cid, tfile = resolve_task(folder, task)
    if tfile is None:
        raise UsageError(f"no task {cid} in {folder}/: run 'oracle tasks' or pick one of its files")
    path = claim_path(folder, cid)
    for _ in range(3):
        held = _read_lock(path)
        old = None
        if held is not None:
            if held.agent == agent:
                return f"task {cid} is already yours ({held.describe()}): {tfile}"
            if not _refuse_unless_takeable(cid, held, agent, stale_hours):
                continue
            old = held
            if not _move_aside(path, held):
                continue  # someone else moved it first: look again
        lock = _new_lock(agent, old)
        tmp = folder / f".{cid}{CLAIM_SUFFIX}.{lock.token}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w") as f:
            f.write(lock.render())
        try:
            os.link(tmp, path)  # atomic: fails when the name exists, whoever made it
        except FileExistsError:
            continue
        finally:
            tmp.unlink(missing_ok=True)
        taken = f" (took over from {old.describe()}, stale)" if old else ""
        return f"claimed task {cid} for {agent}{taken}: {tfile}"
    held = _read_lock(path)
    raise ClaimRefused(f"task {cid} is claimed by {held.describe() if held else 'another agent'}: pick another task")


def _move_aside(path: Path, expected: Lock) -> bool:
    """Rename the stale lock away (atomic: one taker succeeds); put it back if it was not the one
    we judged stale (a fresh claim landed in between)."""
    aside = path.with_name(f".{path.name}.{secrets.token_hex(6)}.old")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    moved = _read_lock(aside)
    if moved is None or moved.token != expected.token:
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        aside.unlink(missing_ok=True)
        return False
    aside.unlink(missing_ok=True)
    return True


def _releasable(path: Path, cid: str, agent: str, force: bool, done: bool):
    """The claim on task cid that `agent` may release (None: unclaimed, with `done`); refusals."""
    held = _read_lock(path)
    if held is None and not done:
        raise UsageError(f"task {cid} is not claimed: nothing to release")
    if held is not None and held.agent != agent and not force:
        raise ClaimRefused(f"task {cid} is claimed by {held.describe()}, not {agent}: not released "
                           "(--force to release it anyway)")
    return held


def _folder_release(folder: Path, task: str, agent: str, force: bool, done: bool) -> str:
    cid, tfile = resolve_task(folder, task)
    path = claim_path(folder, cid)
    held = _releasable(path, cid, agent, force, done)
    files = _task_files(folder, cid) if done else []
    if held is not None and not _move_aside(path, held):
        raise ClaimRefused(f"task {cid}: its claim changed while releasing it: look again")
    if done:
        for p in files:
            p.unlink(missing_ok=True)
        return f"task {cid} done: its claim, task file and state are removed"
    return f"released task {cid}"


def _read_lock(path: Path) -> Lock | None:
    text = _read_claim(path)
    return None if text is None else Lock.parse(text)


def _read_claim(path: Path) -> str | None:
    """A claim file's text: a regular file, never through a link, at most MAX_CLAIM_BYTES."""
    st = _entry(path)
    if st is None:
        return None
    if st.st_size > MAX_CLAIM_BYTES:
        raise FeedError(f"{path} is too big for a claim ({st.st_size} bytes; oracle writes a few lines): "
                        f"remove it and try again")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FeedError(f"{path} cannot be read as a claim ({exc.strerror}): remove it and try again") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped since the lstat
            raise FeedError(f"{path} is not a regular file: remove it and try again")
        return f.read(MAX_CLAIM_BYTES).decode(errors="replace")


def _write_lock(path: Path, text: str) -> None:
    """Write a claim file in place, never through a link (checked again by O_NOFOLLOW)."""
    _entry(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _rel(git: "Git", folder: Path, path: Path) -> str:
    """The path git knows an entry by: the folder resolved, never the entry (it may be a link)."""
    return os.path.relpath(folder.resolve() / path.name, git.root)


def _task_files(folder: Path, cid: str) -> list[Path]:
    """A task's own entries (every one checked: a link or a special file is refused)."""
    files = sorted({*folder.glob(f"*--{cid}*"), folder / f".{cid}.json", folder / f".{cid}.cases"})
    return [p for p in files if _entry(p) is not None]


# ---------------------------------------------------------------- a git clone

class Git:
    """A git work tree whose current branch has an upstream: locks are pushed commits."""

    def __init__(self, root: Path, remote: str, merge: str):
        self.root = root
        self.remote = remote
        self.merge = merge  # refs/heads/NAME upstream

    @classmethod
    def of(cls, folder: Path) -> "Git | None":
        probe = folder if folder.is_dir() else folder.parent
        if not probe.is_dir():
            return None
        top = _git_out(probe, "rev-parse", "--show-toplevel")
        if top is None:
            return None
        branch = _git_out(probe, "symbolic-ref", "--short", "-q", "HEAD")
        if not branch:
            return None
        remote = _git_out(probe, "config", f"branch.{branch}.remote")
        merge = _git_out(probe, "config", f"branch.{branch}.merge")
        if not remote or not merge:
            return None  # a clone with no upstream: the folder protocol works in it as in any folder
        return cls(Path(top), remote, merge)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true"}
        res = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                             timeout=GIT_TIMEOUT, env=env, stdin=subprocess.DEVNULL)
        if check and res.returncode != 0:
            raise OracleError(f"git {' '.join(args[:2])} failed in {self.root}: {_first(res)}")
        return res

    @property
    def upstream(self) -> str:
        return f"{self.remote}/{self.merge.removeprefix('refs/heads/')}"

    def _identity(self, agent: str) -> list[str]:
        if self.run("config", "user.email", check=False).stdout.strip():
            return []
        return ["-c", f"user.name={agent}", "-c", "user.email=oracle-agent@localhost"]

    def pull(self) -> None:
        res = self.run("pull", "--rebase", "--autostash", "-q", check=False)
        if res.returncode != 0:
            self.run("rebase", "--abort", check=False)
            raise OracleError(f"git pull --rebase failed in {self.root}: {_first(res)}: fix the clone first")

    def upstream_lock(self, rel: str) -> Lock | None:
        entry = self.run("ls-tree", "-l", self.upstream, "--", rel, check=False).stdout.split()
        if len(entry) < 4:
            return None
        if entry[0] != "100644" and entry[0] != "100755" or not entry[3].isdigit() \
                or int(entry[3]) > MAX_CLAIM_BYTES:
            return Lock(f"an entry that is no claim ({rel} upstream: remove it)", _now(), "")
        res = self.run("show", f"{self.upstream}:{rel}", check=False)
        return Lock.parse(res.stdout) if res.returncode == 0 else None

    def commit(self, agent: str, message: str, paths: list[str]) -> None:
        self.run(*self._identity(agent), "commit", "-q", "--no-verify", "-m", message, "--", *paths)

    def undo(self) -> None:
        """Drop our own commit (HEAD), leaving the work tree's other changes as they are."""
        self.run("reset", "-q", "--keep", "HEAD~1", check=False)

    def push(self, rel: str, mine: str, replaced: str | None) -> Lock | None:
        """Push HEAD; on a rejection, find the winner's lock upstream (returned: we lost) or rebase
        onto unrelated commits and try again. None: pushed. `mine`: our lock's token ('' when we
        remove the lock); `replaced`: the token of the lock our commit replaces."""
        for _ in range(PUSH_ATTEMPTS):
            res = self.run("push", "-q", self.remote, f"HEAD:{self.merge}", check=False)
            if res.returncode == 0:
                return None
            if not re.search(r"rejected|non-fast-forward|fetch first|failed to update ref|cannot lock ref",
                             res.stderr):
                raise OracleError(f"git push failed in {self.root}: {_first(res)}")
            self.run("fetch", "-q", self.remote, check=False)
            there = self.upstream_lock(rel)
            token = there.token if there else None
            if token not in (mine or None, replaced):
                return there or Lock("another agent (the claim was removed)", _now(), "")
            rebased = self.run("rebase", "-q", "--autostash", self.upstream, check=False)
            if rebased.returncode != 0:
                self.run("rebase", "--abort", check=False)
                return there or Lock("another agent", _now(), "")
        raise OracleError(f"git push kept being rejected in {self.root} ({PUSH_ATTEMPTS} tries): try again")

    def claim(self, folder: Path, task: str, agent: str, stale_hours: float) -> str:
        self.pull()
        cid, tfile = resolve_task(folder, task)
        if tfile is None:
            raise UsageError(f"no task {cid} in {folder}/ (after git pull): pick one of its files")
        path = claim_path(folder, cid)
        rel = _rel(self, folder, path)
        held = _read_lock(path)
        old = None
        if held is not None:
            if held.agent == agent:
                return f"task {cid} is already yours ({held.describe()}): {tfile}"
            if _refuse_unless_takeable(cid, held, agent, stale_hours):
                old = held
        lock = _new_lock(agent, old)
        before = _read_claim(path)
        _write_lock(path, lock.render())
        self.run("add", "--", rel)
        try:
            self.commit(agent, f"oracle claim {cid} for {agent}" + (f" ({lock.note})" if old else ""), [rel])
        except OracleError:
            self.run("reset", "-q", "--", rel, check=False)
            _restore(path, before)
            raise
        try:
            winner = self.push(rel, lock.token, old.token if old else None)
        except OracleError:
            self.undo()
            raise
        if winner is not None:
            self.undo()
            raise ClaimRefused(f"task {cid} is claimed by {winner.describe()} (their push won): pick another task")
        taken = f" (took over from {old.describe()}, stale)" if old else ""
        return f"claimed task {cid} for {agent}{taken}, pushed to {self.upstream}: {tfile}"

    def release(self, folder: Path, task: str, agent: str, force: bool, done: bool) -> str:
        self.pull()
        cid, tfile = resolve_task(folder, task)
        path = claim_path(folder, cid)
        rel = _rel(self, folder, path)
        held = _releasable(path, cid, agent, force, done)
        paths = [rel] if held is not None else []
        if done:
            paths += [_rel(self, folder, p) for p in _task_files(folder, cid)]
        tracked = set(self.run("ls-files", "--", *paths).stdout.split()) if paths else set()
        for p in paths:
            if p in tracked:
                self.run("rm", "-q", "--", p)
            else:
                (self.root / p).unlink(missing_ok=True)
        if not tracked:
            return f"task {cid} done (nothing of it was committed)" if done else f"released task {cid}"
        what = "done" if done else "release"
        self.commit(agent, f"oracle {what} {cid} by {agent}", sorted(tracked))
        try:
            winner = self.push(rel, "", held.token if held else None)
        except OracleError:
            self.undo()
            raise
        if winner is not None:
            self.undo()
            raise ClaimRefused(f"task {cid}: its claim changed upstream ({winner.describe()}): not released")
        return f"task {cid} done: claim, task file and state removed and pushed" if done else \
            f"released task {cid}, pushed to {self.upstream}"


def publish_tasks(folder: str | Path, update) -> list[str]:
    """`oracle tasks --commit`: one commit per task-folder update, never a claim file. In a clone
    with an upstream the update is made on the newest upstream folder and pushed: oracle's own
    uncommitted changes there are dropped (they are derived: `update` makes them again, merged
    into what other agents pushed), then pull, update, commit, push; a rejected push is undone and
    the whole step done again. `update()` runs tasks.sync and returns its SyncReport."""
    folder = Path(folder).resolve()
    probe = next(p for p in (folder, *folder.parents) if p.is_dir())
    top = _git_out(probe, "rev-parse", "--show-toplevel")
    if top is None:
        raise UsageError(f"--commit: {folder} is not in a git work tree")
    folder.mkdir(parents=True, exist_ok=True)
    upstream = Git.of(folder)
    git = upstream or Git(Path(top), "", "")
    agent = default_agent()
    where = os.path.relpath(folder, git.root)
    for _ in range(PUSH_ATTEMPTS):
        if upstream is not None:
            _discard(git, folder)
            upstream.pull()
        rep = update()
        line = rep.line(folder)
        paths = _changed(git, folder)
        if not paths:
            return [line, "tasks: nothing to commit"]
        git.run("add", "-A", "--", *paths)
        git.commit(agent, f"oracle tasks: {rep.open_tasks} open, {len(rep.claimed)} claimed ({where}/)", paths)
        if upstream is None:
            return [line, f"tasks: committed {len(paths)} changed files in {where}/"]
        res = git.run("push", "-q", upstream.remote, f"HEAD:{upstream.merge}", check=False)
        if res.returncode == 0:
            return [line, f"tasks: committed {len(paths)} changed files in {where}/ and pushed to {upstream.upstream}"]
        git.undo()
        if not re.search(r"rejected|non-fast-forward|fetch first", res.stderr):
            raise OracleError(f"git push failed in {git.root}: {_first(res)}")
    raise OracleError(f"git push kept being rejected in {git.root} ({PUSH_ATTEMPTS} tries): try again")


def _changed(git: "Git", folder: Path) -> list[str]:
    """Paths oracle writes that differ from HEAD in the task folder (never claims, never the flock)."""
    res = git.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", str(folder))
    entries = [e for e in res.stdout.split("\0") if len(e) > 3]
    return sorted({e[3:] for e in entries if not e[3:].endswith((CLAIM_SUFFIX, "/.lock"))})


def _discard(git: "Git", folder: Path) -> None:
    for rel in _changed(git, folder):
        tracked = git.run("ls-files", "--error-unmatch", "--", rel, check=False).returncode == 0
        if tracked:
            git.run("checkout", "-q", "HEAD", "--", rel)
        else:
            (git.root / rel).unlink(missing_ok=True)


def _restore(path: Path, before: str | None) -> None:
    if before is None:
        path.unlink(missing_ok=True)
    else:
        _write_lock(path, before)


def _git_out(where: Path, *args: str) -> str | None:
    try:
        res = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() if res.returncode == 0 else None


def _first(res: subprocess.CompletedProcess) -> str:
    lines = [ln.strip() for ln in (res.stderr + res.stdout).splitlines() if ln.strip()]
    hint = next((ln for ln in lines if ln.startswith(("error", "fatal", "!"))), lines[0] if lines else "")
    return hint or f"exit {res.returncode}"
