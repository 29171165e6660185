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
oracle's own task-folder updates never touch a claimed task's files (see oracle/feed/tasks.py).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import re
import secrets
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from oracle.discover.corpus import cache_root
from oracle.infra import proc
from oracle.model.errors import ClaimRefused, FeedError, OracleError, UsageError
from oracle.model.text import clean
from oracle.report import atomic_write
from oracle.feed import done as done_records
from oracle.feed.tasks import (CLAIM_SUFFIX, FAILS, MAX_CLAIM_BYTES, _load_state, claim_path, read_small, task_id,
                               written_by_oracle)
from oracle.feed.tasks import entry as _entry

DEFAULT_STALE_HOURS = 2.0
PUSH_ATTEMPTS = 20
GIT_TIMEOUT = 120.0  # seconds one git call may take (ORACLE_GIT_TIMEOUT): a remote that stalls is given up on
GIT_TIMEOUT_ENV = "ORACLE_GIT_TIMEOUT"
GIT_OUTPUT_LIMIT = 64 << 20  # what one git call may print (a status of a huge task folder)
# What a clone is in the middle of, by the file git keeps while it is: no claim is pushed from there.
_IN_PROGRESS = (("rebase-merge", "rebase", "git rebase --abort"), ("rebase-apply", "rebase", "git rebase --abort"),
                ("MERGE_HEAD", "merge", "git merge --abort"), ("CHERRY_PICK_HEAD", "cherry-pick",
                                                               "git cherry-pick --abort"),
                ("REVERT_HEAD", "revert", "git revert --abort"), ("BISECT_LOG", "bisect", "git bisect reset"))


_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def _parse_stamp(text: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.strptime((text or "").strip(), _STAMP).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Lock:
    """A claim: who, since when, its token (which claim this is), when its holder last renewed
    its lease, and a note (whose stale claim it took over)."""

    agent: str
    started: dt.datetime
    token: str
    note: str = ""
    renewed: dt.datetime | None = None

    def render(self) -> str:
        return (f"Claimed-by: {self.agent}\nStarted: {self.started.strftime(_STAMP)}\n"
                + (f"Renewed: {self.renewed.strftime(_STAMP)}\n" if self.renewed else "")
                + f"Token: {self.token}\n" + (f"Note: {self.note}\n" if self.note else ""))

    @classmethod
    def parse(cls, text: str) -> "Lock | None":
        fields = dict(re.findall(r"^([A-Za-z-]+):[ \t]*(.*)$", text, re.M))
        started = _parse_stamp(fields.get("Started")) or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
        return cls(fields.get("Claimed-by", "?").strip(), started, fields.get("Token", "").strip(),
                   fields.get("Note", "").strip(), _parse_stamp(fields.get("Renewed")))

    def age_hours(self, now: dt.datetime) -> float:
        """The lease's age: since it was last renewed (or taken)."""
        return (now - (self.renewed or self.started)).total_seconds() / 3600

    def renew(self) -> "Lock":
        return Lock(self.agent, self.started, self.token, self.note, _now())

    def describe(self) -> str:
        renewed = f", renewed {self.renewed.strftime('%Y-%m-%d %H:%M UTC')}" if self.renewed else ""
        return f"{self.agent} (since {self.started.strftime('%Y-%m-%d %H:%M UTC')}{renewed})"


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


def release(folder: str | Path, task: str, agent: str, force: bool = False, done: bool = False,
            fix: str | None = None, checked: str = "") -> str:
    """Give a claim up; with `done`, the task is removed and a done record (feed/done.py: who,
    when, the fix commit `fix`, default the clone's HEAD) keeps later runs from re-opening it."""
    folder = Path(folder)
    agent = _check_agent(agent)
    git = Git.of(folder)
    if git is not None:
        return git.release(folder, task, agent, force, done, fix, checked)
    return _folder_release(folder, task, agent, force, done, fix, checked)


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
                return _folder_renew(folder, cid, held, tfile)
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
        _remember(folder, None, cid, lock.token)
        return f"claimed task {cid} for {agent}{taken}: {tfile}"
    held = _read_lock(path)
    raise ClaimRefused(f"task {cid} is claimed by {held.describe() if held else 'another agent'}: pick another task")


def _folder_renew(folder: Path, cid: str, held: Lock, tfile: Path | None) -> str:
    """The holder claims its own task again: its lease is renewed (the lock rewritten, same token)."""
    path = claim_path(folder, cid)
    lock = held.renew()
    tmp = folder / f".{cid}{CLAIM_SUFFIX}.{lock.token}.renew.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w") as f:
        f.write(lock.render())
    now = _read_lock(path)
    if now is None or now.token != held.token:  # taken over (or released) in between
        tmp.unlink(missing_ok=True)
        raise ClaimRefused(f"task {cid} is no longer yours: {'claimed by ' + now.describe() if now else 'released'}")
    os.replace(tmp, path)
    _remember(folder, None, cid, lock.token)
    return f"task {cid} is yours; lease renewed ({lock.describe()}): {tfile}"


# ---------------------------------------------------------------- what a clone remembers of its claims
# The claims this clone made, by task id and token: outside the shared folder (in the git dir of
# a clone, else in this user's cache), so the holder can tell a takeover from its own claim.

def _memory_path(folder: Path, git: "Git | None") -> Path:
    if git is not None:
        gitdir = _git_out(git.root, "rev-parse", "--absolute-git-dir")
        if gitdir:
            return Path(gitdir) / "oracle-claims.json"
    # A plain shared folder: this user's cache on this machine (the folder is everyone's).
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    where = cache_root() / "claims"
    where.mkdir(parents=True, exist_ok=True)
    return where / f"{digest}.json"


def _remembered(folder: Path, git: "Git | None") -> dict[str, str]:
    path = _memory_path(folder, git)
    try:
        text = read_small(path, MAX_CLAIM_BYTES, "oracle's list of this clone's claims")
        data = json.loads(text) if text else {}
    except (OSError, ValueError, FeedError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _remember(folder: Path, git: "Git | None", cid: str, token: str | None) -> None:
    """Note (token) or forget (None) one of this clone's claims; losing the note costs only the notice."""
    mine = _remembered(folder, git)
    if token is None:
        if mine.pop(cid, None) is None:
            return
    else:
        mine[cid] = token
    try:
        atomic_write(_memory_path(folder, git), json.dumps(mine, sort_keys=True) + "\n")
    except OSError:
        pass


def touch(folder: str | Path, agent: str, lease_hours: float = DEFAULT_STALE_HOURS) -> list[str]:
    """What every oracle command of a holder's clone does first: each claim this clone made is
    looked up (upstream, in a clone); one taken over or removed meanwhile is forgotten with one
    line saying so, one whose lease is a quarter spent is renewed. Never raises: a line says what
    could not be done."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    try:
        git = Git.of(folder)
    except OracleError:
        return []  # a clone mid-operation: the command itself says what is wrong
    try:
        mine = _remembered(folder, git)
        if not mine:
            return []
        out = []
        if git is not None:
            git.run("fetch", "-q", git.remote, check=False)
        for cid, token in sorted(mine.items()):
            path = claim_path(folder, cid)
            held = git.upstream_lock(_rel(git, folder, path)) if git is not None else _read_lock(path)
            if held is None or held.token != token:
                _remember(folder, git, cid, None)
                why = f"taken over by {held.describe()} (your lease had expired: renew with 'oracle claim --renew')" \
                    if held is not None else "gone (released or done by someone else)"
                out.append(f"warning: your claim on task {cid} is {why}")
            elif held.age_hours(_now()) > lease_hours / 4:
                if git is not None:
                    git.claim(folder, cid, agent, lease_hours)
                else:
                    _folder_renew(folder, cid, held, None)
        return out
    except (OracleError, OSError) as exc:
        return [f"warning: could not check or renew your claims in {folder}: {exc}"]


def renew(folder: str | Path, agent: str) -> list[str]:
    """`oracle claim --renew`: renew the lease of every claim of `agent` in the folder."""
    folder = Path(folder)
    git = Git.of(folder)
    if git is not None:
        git.pull()
    held = {p.name[: -len(CLAIM_SUFFIX)]: lock for p in sorted(folder.glob(f"*{CLAIM_SUFFIX}"))
            if (lock := _read_lock(p)) is not None and lock.agent == agent}
    if not held:
        return [f"{agent} holds no claim in {folder}/"]
    out = []
    for cid in held:
        try:
            out.append(claim(folder, cid, agent))
        except OracleError as exc:
            out.append(f"task {cid}: {exc}")
    return out


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


def _folder_release(folder: Path, task: str, agent: str, force: bool, done: bool, fix: str | None,
                    checked: str = "") -> str:
    cid, tfile = resolve_task(folder, task)
    path = claim_path(folder, cid)
    held = _releasable(path, cid, agent, force, done)
    files = _task_files(folder, cid) if done else []
    record = _done_record(folder, cid, agent, fix, checked) if done else None
    if held is not None and not _move_aside(path, held):
        raise ClaimRefused(f"task {cid}: its claim changed while releasing it: look again")
    _remember(folder, None, cid, None)
    if done:
        done_records.write(folder, record)
        for p in files:
            p.unlink(missing_ok=True)
        return f"task {cid} done ({record.describe()}): its claim, task file and state are removed"
    return f"released task {cid}"


def _done_record(folder: Path, cid: str, agent: str, fix: str | None, checked: str) -> done_records.Done:
    """The record `oracle done` leaves for task cid: its failing cases and cause, from its state."""
    state = _load_state(folder, cid) or {}
    cases = tuple(sorted(i for i, c in (state.get("cases") or {}).items() if c.get("state") == FAILS))
    return done_records.Done(cid, agent, done_records.now(), done_records.resolve_fix(folder, fix), cases,
                             str(state.get("cause") or ""), checked)


def _read_lock(path: Path) -> Lock | None:
    text = _read_claim(path)
    return None if text is None else Lock.parse(text)


def _read_claim(path: Path) -> str | None:
    """A claim file's text: a regular file, never through a link, at most MAX_CLAIM_BYTES."""
    return read_small(path, MAX_CLAIM_BYTES, "a claim")


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
        branch = _ready(Path(top))
        remote = _git_out(probe, "config", f"branch.{branch}.remote")
        merge = _git_out(probe, "config", f"branch.{branch}.merge")
        if not remote or not merge:
            return None  # a clone with no upstream: the folder protocol works in it as in any folder
        return cls(Path(top), remote, merge)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        res = _git(self.root, *args)
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
            try:
                res = self.try_push()
            except GitStalled as exc:
                if self._landed(rel, mine):
                    return None  # the remote took it, then stopped answering
                raise GitStalled(f"{exc}: nothing was claimed or released there; run the same command again "
                                 "later (a push that still lands late is yours)") from None
            if res is None:
                return None
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

    def try_push(self) -> subprocess.CompletedProcess | None:
        """Push HEAD upstream: None when it landed, the result when it lost a race (someone pushed
        first). FeedError when the remote refuses it by policy (a hook, a protected branch: trying
        again cannot help), with the remote's own words; OracleError for any other failure."""
        res = self.run("push", "-q", "--porcelain", self.remote, f"HEAD:{self.merge}", check=False)
        if res.returncode == 0:
            return None
        text = res.stderr + res.stdout
        if re.search(r"failed to update ref|cannot lock ref|\[rejected\]|non-fast-forward|fetch first", text):
            return res
        if "[remote rejected]" in text or re.search(r"\bhook declined\b|\bprotected branch\b", text):
            why = re.search(r"\[remote rejected\][^(\n]*\(([^)\n]*)\)", text)
            said = [clean(ln.strip(), 200) for ln in text.splitlines() if ln.startswith("remote:")
                    and ln.removeprefix("remote:").strip()]
            raise FeedError(f"the remote {self.remote} refused the push ({why.group(1) if why else 'by policy'})"
                            + (f": {' | '.join(said[:5])}" if said else "")
                            + ": nothing was pushed; ask the remote's owner, or use a shared folder (--dir)")
        raise OracleError(f"git push failed in {self.root}: {_first(res)}")

    def _landed(self, rel: str, mine: str) -> bool:
        """After a push that got no answer: is our lock (or its removal, mine == '') upstream?"""
        try:
            self.run("fetch", "-q", self.remote)
        except (GitStalled, OracleError):
            raise GitStalled(f"git push to {self.remote} did not answer in {_git_timeout():g} s, nor did a "
                             "fetch after it: whether it landed is not known; run the same command again "
                             "later (it says so if the claim is yours)") from None
        there = self.upstream_lock(rel)
        return (there.token if there else "") == (mine or "")

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
                return self._renew(folder, cid, held, tfile, agent)
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
        _remember(folder, self, cid, lock.token)
        return f"claimed task {cid} for {agent}{taken}, pushed to {self.upstream}: {tfile}"

    def _renew(self, folder: Path, cid: str, held: Lock, tfile: Path | None, agent: str) -> str:
        """The holder claims its task again: its lease renewed in a pushed commit (same token)."""
        path = claim_path(folder, cid)
        rel = _rel(self, folder, path)
        lock = held.renew()
        before = _read_claim(path)
        if before == lock.render():  # renewed within this second already (stamps are to the second)
            _remember(folder, self, cid, lock.token)
            return f"task {cid} is yours; lease renewed ({lock.describe()}), pushed to {self.upstream}: {tfile}"
        _write_lock(path, lock.render())
        self.run("add", "--", rel)
        try:
            self.commit(agent, f"oracle renew {cid} for {agent}", [rel])
        except OracleError:
            self.run("reset", "-q", "--", rel, check=False)
            _restore(path, before)
            raise
        try:
            winner = self.push(rel, lock.token, held.token)
        except OracleError:
            self.undo()
            raise
        if winner is not None:
            self.undo()
            _remember(folder, self, cid, None)
            raise ClaimRefused(f"task {cid} is no longer yours: claimed by {winner.describe()}")
        _remember(folder, self, cid, lock.token)
        return f"task {cid} is yours; lease renewed ({lock.describe()}), pushed to {self.upstream}: {tfile}"

    def release(self, folder: Path, task: str, agent: str, force: bool, done: bool, fix: str | None = None,
                checked: str = "") -> str:
        self.pull()
        cid, tfile = resolve_task(folder, task)
        path = claim_path(folder, cid)
        rel = _rel(self, folder, path)
        held = _releasable(path, cid, agent, force, done)
        paths = [rel] if held is not None else []
        record = _done_record(folder, cid, agent, fix, checked) if done else None
        if done:
            paths += [_rel(self, folder, p) for p in _task_files(folder, cid)]
        tracked = set(self.run("ls-files", "--", *paths).stdout.split()) if paths else set()
        for p in paths:
            if p in tracked:
                self.run("rm", "-q", "--", p)
            else:
                (self.root / p).unlink(missing_ok=True)
        if record is not None:  # the done record goes with the removal: every clone then knows it
            written = _rel(self, folder, done_records.write(folder, record))
            self.run("add", "--", written)
            tracked.add(written)
        if not tracked:
            return f"released task {cid}"
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
        _remember(folder, self, cid, None)
        return f"task {cid} done ({record.describe()}): claim, task file and state removed, done record pushed" \
            if done else \
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
    _ready(Path(top))
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
        paths = [rel for rel, _ in _changed(git, folder)]
        if not paths:
            return [line, "tasks: nothing to commit"]
        git.run("add", "-A", "--", *paths)
        git.commit(agent, f"oracle tasks: {rep.open_tasks} open, {len(rep.claimed)} claimed ({where}/)", paths)
        if upstream is None:
            return [line, f"tasks: committed {len(paths)} changed files in {where}/"]
        try:
            lost = upstream.try_push()
        except OracleError:  # stalled too: a late landing is harmless, the next update is made on top of it
            git.undo()
            raise
        if lost is None:
            return [line, f"tasks: committed {len(paths)} changed files in {where}/ and pushed to {upstream.upstream}"]
        git.undo()
    raise OracleError(f"git push kept being rejected in {git.root} ({PUSH_ATTEMPTS} tries): try again")


def _changed(git: "Git", folder: Path) -> list[tuple[str, bool]]:
    """(path, tracked) of the task folder's entries that differ from HEAD and that oracle's update
    writes (tasks.written_by_oracle): never a claim, the flock, a claimed task's files or an
    agent's own files (its notes, its edits of a task it holds)."""
    res = git.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", str(folder))
    out = []
    for e in res.stdout.split("\0"):
        if len(e) <= 3:
            continue
        rel, tracked = e[3:], not e.startswith("??")
        path = git.root / rel
        if path.parent.resolve() != folder.resolve():
            continue
        if path.name == ".gitignore" and not tracked or written_by_oracle(folder, path.name, os.path.lexists(path)):
            out.append((rel, tracked))
    return sorted(out)


def _discard(git: "Git", folder: Path) -> None:
    """Drop oracle's own uncommitted changes in the task folder (the update makes them again)."""
    for rel, tracked in _changed(git, folder):
        if tracked:
            git.run("checkout", "-q", "HEAD", "--", rel)
        elif _entry(git.root / rel) is not None:
            (git.root / rel).unlink(missing_ok=True)


def _restore(path: Path, before: str | None) -> None:
    if before is None:
        path.unlink(missing_ok=True)
    else:
        _write_lock(path, before)


class GitStalled(OracleError):
    """A git call that did not end within ORACLE_GIT_TIMEOUT (a remote that stalls): killed."""


def _git_timeout() -> float:
    raw = os.environ.get(GIT_TIMEOUT_ENV, "").strip()
    if not raw:
        return GIT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 86400:
        raise UsageError(f"{GIT_TIMEOUT_ENV}={raw!r}: give the seconds one git call may take (e.g. 120)")
    return value


def _git(where: Path, *args: str) -> subprocess.CompletedProcess:
    """git -C where ARGS, bounded like every process oracle starts (proc.run): after
    ORACLE_GIT_TIMEOUT seconds its whole process group (the transport, ssh, the hooks of a local
    remote) is killed and GitStalled raised."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true", "GIT_ASKPASS": "true",
           "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")}
    limit = _git_timeout()
    res = proc.run(["git", "-C", str(where), *args], timeout=limit, env=env, stdout_limit=GIT_OUTPUT_LIMIT,
                   stderr_limit=proc.MiB, limits=proc.Limits(file_size=None, open_files=None))
    if res.status.kind == proc.TIMEOUT:
        raise GitStalled(f"git {args[0]} did not answer in {limit:g} s in {where} (a remote that stalls?); "
                         f"{GIT_TIMEOUT_ENV} sets the limit")
    if res.status.kind == proc.NOSTART:
        raise OracleError(f"git cannot be started ({res.error}): install git")
    if res.stdout_truncated:
        raise OracleError(f"git {args[0]} wrote more than {GIT_OUTPUT_LIMIT >> 20} MiB in {where}: not a clone "
                          "oracle can work in")
    code = res.status.code if res.status.kind == proc.EXIT else -res.status.code
    return subprocess.CompletedProcess(res.argv, code, res.stdout.decode(errors="replace"),
                                       res.stderr.decode(errors="replace"))


def _ready(top: Path) -> str:
    """The branch checked out in the work tree at top; FeedError when a claim or a commit made
    there would not be pushed (a detached HEAD) or would be mixed into an operation in progress."""
    paths = _git_out(top, "rev-parse", *(a for name, *_ in _IN_PROGRESS for a in ("--git-path", name)))
    for rel, (_, what, undo) in zip((paths or "").splitlines(), _IN_PROGRESS):
        if os.path.lexists(top / rel):
            raise FeedError(f"{top}: a {what} in progress: a claim or a commit made now would be mixed into it; "
                            f"finish it, or end it ({undo}), and try again")
    branch = _git_out(top, "symbolic-ref", "--short", "-q", "HEAD")
    if not branch:
        raise FeedError(f"{top} has a detached HEAD: a claim made here would not be pushed to any branch; "
                        "check out the branch the tasks are on (git switch main) and try again")
    return branch


def _git_out(where: Path, *args: str) -> str | None:
    try:
        res = _git(where, *args)
    except GitStalled:
        raise
    except OracleError:
        return None
    return res.stdout.strip() if res.returncode == 0 else None


def _first(res: subprocess.CompletedProcess) -> str:
    lines = [ln.strip() for ln in (res.stderr + res.stdout).splitlines() if ln.strip()]
    hint = next((ln for ln in lines if ln.startswith(("error", "fatal", "!"))), lines[0] if lines else "")
    return hint or f"exit {res.returncode}"
