"""Running one untrusted process: own process group, rlimits, bounded capture,
and the whole group killed on timeout or when the leader exits.

Compilers under test and the programs they build can hang, fork, flood their
output or leave children behind; nothing here trusts them to end on their own.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import selectors
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

try:  # imported now: the sandbox's server changes to a uid that may not read Python's library later
    import ctypes
except ImportError:  # pragma: no cover
    pass

EXIT = "exit"
SIGNAL = "signal"
TIMEOUT = "timeout"
NOSTART = "nostart"  # the program could not be started at all (missing, not executable)

MiB = 1 << 20
_AFTER_EXIT = 0.2  # seconds to drain pipes after the program exited
# A test binary is named in its job's environment (so the name crosses the sandbox's and the
# containers' job streams unchanged): run() copies it into the job's fresh folder as PROGRAM and
# runs it there as ./PROGRAM, so every binary, the reference's and the candidate's, sees the same
# argv[0] and path. The variable is removed before the binary starts.
PROGRAM_ENV = "ORACLE_PROGRAM"
PROGRAM = "prog"


@dataclass(frozen=True, slots=True)
class Status:
    """How a process ended: exit code, signal number, timeout, or never started."""

    kind: str
    code: int = 0

    def __str__(self) -> str:
        if self.kind == EXIT:
            return f"exit {self.code}"
        if self.kind == SIGNAL:
            return f"killed by {signal_name(self.code)}"
        if self.kind == TIMEOUT:
            return "timed out"
        return "could not start"

    @property
    def ok(self) -> bool:
        return self.kind == EXIT and self.code == 0

    def to_json(self) -> list:
        return [self.kind, self.code]

    @classmethod
    def from_json(cls, data: list) -> "Status":
        return cls(data[0], int(data[1]))


def signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"signal {num}"


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-process resource limits, applied in the child before exec."""

    cpu_s: int | None = None  # backstop to the wall-clock timeout
    address_space: int | None = None
    file_size: int | None = 256 * MiB
    open_files: int | None = 256
    processes: int | None = None  # RLIMIT_NPROC is per user: only meaningful as non-root

    def pairs(self) -> list[tuple[int, int]]:
        """(resource, soft limit) pairs for a child about to start."""
        out = [(resource.RLIMIT_CORE, 0)]
        if self.cpu_s is not None:
            # A child's CPU clock starts at zero, but the limit is inherited as set on us:
            # add what we have used so far, or we would be the one stopped.
            used = resource.getrusage(resource.RUSAGE_SELF)
            out.append((resource.RLIMIT_CPU, int(used.ru_utime + used.ru_stime) + self.cpu_s + 1))
        for res, value in ((resource.RLIMIT_AS, self.address_space), (resource.RLIMIT_FSIZE, self.file_size),
                           (resource.RLIMIT_NOFILE, self.open_files), (resource.RLIMIT_NPROC, self.processes)):
            if value is not None:
                out.append((res, value))
        return out


@contextlib.contextmanager
def inherited_limits(limits: Limits, hard: bool = False):
    """Lower our own soft limits (with `hard`, hard limits too) just while a child is spawned, so
    it inherits them; yields the (resource, value) pairs set.

    This keeps the spawn on the fast vfork path: a preexec_fn would force a full fork
    of this (large) Python process for every compile and every run. Lowered hard limits can be
    raised back only with CAP_SYS_RESOURCE (hard_limits_restorable()).
    """
    saved, applied = [], []
    try:
        for res, value in limits.pairs():
            soft, old_hard = resource.getrlimit(res)
            if old_hard != resource.RLIM_INFINITY:
                value = min(value, old_hard)
            resource.setrlimit(res, (value, value if hard else old_hard))
            saved.append((res, soft, old_hard))
            applied.append((res, value))
        yield applied
    finally:
        for res, soft, old_hard in reversed(saved):
            resource.setrlimit(res, (soft, old_hard))


@functools.cache
def hard_limits_restorable() -> bool:
    """Can we lower a hard limit and raise it back (CAP_SYS_RESOURCE, in the initial user
    namespace: root, not root in a container's user namespace)? Tried on RLIMIT_MSGQUEUE, which
    nothing here uses: at worst it stays one byte lower."""
    res = resource.RLIMIT_MSGQUEUE
    soft, hard = resource.getrlimit(res)
    low = 1 << 30 if hard == resource.RLIM_INFINITY else hard - 1
    if low < 0:
        return False
    try:
        resource.setrlimit(res, (low if soft == resource.RLIM_INFINITY or soft > low else soft, low))
    except (ValueError, OSError):
        return False
    try:
        resource.setrlimit(res, (soft, hard))
        return True
    except (ValueError, OSError):
        return False


def _harden(applied: list[tuple[int, int]]):
    """A preexec_fn that makes the child's hard limits its soft ones (it cannot raise them)."""
    def preexec() -> None:
        for res, value in applied:
            resource.setrlimit(res, (value, value))
    return preexec


@dataclass(frozen=True, slots=True)
class ProcResult:
    argv: tuple[str, ...]
    status: Status
    stdout: bytes = b""
    stdout_truncated: bool = False
    stderr: bytes = b""
    duration: float = 0.0
    error: str = ""  # why it could not start


@dataclass(slots=True)
class _Capture:
    limit: int
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    truncated: bool = False

    def add(self, data: bytes) -> bool:
        """Keep data up to the limit; returns False once the limit is passed."""
        room = self.limit - self.size
        if room > 0:
            self.chunks.append(data[:room])
            self.size += min(room, len(data))
        if len(data) > room:
            self.truncated = True
        return not self.truncated

    def value(self) -> bytes:
        return b"".join(self.chunks)


def child_env(**extra: str) -> dict[str, str]:
    """Our environment with a fixed locale, so diagnostics read the same everywhere."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", **extra}
    env.pop("LANGUAGE", None)
    return env


def run(
    argv: list[str] | tuple[str, ...],
    *,
    timeout: float,
    cwd: str | None = None,
    stdout_limit: int = 1 * MiB,
    stderr_limit: int = 64 * 1024,
    kill_on_stdout_overflow: bool = True,
    limits: Limits = Limits(),
    env: dict[str, str] | None = None,
    user: int | None = None,
) -> ProcResult:
    """Run argv with stdin from /dev/null; never blocks longer than timeout (+ a little).

    stdout beyond stdout_limit marks the result truncated (and, by default, kills
    the program: its output can no longer compare equal to anything). stderr
    beyond its limit is read and dropped, so a chatty compiler never stalls.

    A test binary (env names it in PROGRAM_ENV; argv runs ./PROGRAM) is copied into cwd first,
    and its hard limits are its soft ones, so it cannot raise its own caps back.
    """
    argv = tuple(argv)
    start = time.monotonic()
    _reaper()
    cpu = limits.cpu_s if limits.cpu_s is not None else int(timeout) + 2
    lim = Limits(cpu, limits.address_space, limits.file_size, limits.open_files, limits.processes)
    env = dict(env) if env else child_env()
    program = env.pop(PROGRAM_ENV, None)
    if program is not None:
        failed = _place(program, cwd)
        if failed:
            return ProcResult(argv, Status(NOSTART, failed[0]), error=failed[1])
    try:
        with contextlib.ExitStack() as stack:
            stack.enter_context(_SPAWN)
            # With CAP_SYS_RESOURCE the hard limits are lowered here and raised back (the vfork
            # path); without it, in the child (a full fork: only for test binaries).
            in_parent = program is not None and hard_limits_restorable()
            applied = stack.enter_context(inherited_limits(lim, hard=in_parent))
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env=env,
                close_fds=True,
                user=user,
                group=user,
                extra_groups=[] if user is not None else None,
                preexec_fn=_harden(applied) if program is not None and not in_parent else None,
            )
            _LIVE.add(proc.pid)
            _JOB_PIPES[proc.pid] = {f"pipe:[{os.fstat(s.fileno()).st_ino}]" for s in (proc.stdout, proc.stderr)}
    except (OSError, subprocess.SubprocessError) as exc:
        errno_ = getattr(exc, "errno", 0) or 0
        return ProcResult(argv, Status(NOSTART, errno_), error=getattr(exc, "strerror", None) or str(exc))
    try:
        return _supervise(proc, argv, start, timeout, stdout_limit, stderr_limit, kill_on_stdout_overflow)
    finally:
        if proc.returncode is None:  # interrupted: the leader is not reaped, so its group id is safe
            _kill_group(proc.pid)
            proc.wait()
        _LIVE.discard(proc.pid)
        _JOB_PIPES.pop(proc.pid, None)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        if _SUBREAPER:
            sweep_orphans()  # what the job left in a session of its own, or after a chdir and an exec


def _supervise(proc, argv, start, timeout, stdout_limit, stderr_limit, kill_on_overflow) -> ProcResult:
    out, err = _Capture(stdout_limit), _Capture(stderr_limit)
    deadline = start + timeout
    pidfd = os.pidfd_open(proc.pid)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, out)
    sel.register(proc.stderr, selectors.EVENT_READ, err)
    sel.register(pidfd, selectors.EVENT_READ, None)
    timed_out = exited = False
    try:
        while not (exited and not sel.get_map()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = not exited
                break
            events = sel.select(min(remaining, _AFTER_EXIT) if exited else remaining)
            if exited and not events:
                break  # what was written before the exit has been read; a process that escaped holds the pipe
            for key, _ in events:
                if key.data is None:  # the leader exited (still a zombie: its group id is safe to kill)
                    exited = True
                    sel.unregister(pidfd)
                    # Children that outlive the leader would hold the pipes open: end them now.
                    _kill_group(proc.pid)
                    continue
                data = os.read(key.fd, 65536)
                if not data:
                    sel.unregister(key.fileobj)
                    continue
                if not key.data.add(data) and key.data is out and kill_on_overflow:
                    _kill_group(proc.pid)
    finally:
        sel.close()
        os.close(pidfd)
    if timed_out:
        _kill_group(proc.pid)
        proc.wait()
        status = Status(TIMEOUT)
    else:
        code = proc.wait()
        status = Status(SIGNAL, -code) if code < 0 else Status(EXIT, code)
    return ProcResult(
        argv,
        status,
        stdout=out.value(),
        stdout_truncated=out.truncated,
        stderr=err.value(),
        duration=time.monotonic() - start,
    )


_LIVE: set[int] = set()  # process groups started by run() and not yet reaped
_JOB_PIPES: dict[int, set[str]] = {}  # their stdout and stderr pipes
# Limits are set on this process while a child is spawned: one spawn at a time (threads of a
# streaming run spawn too), or one thread would save another's limits as its own to restore.
_SPAWN = threading.Lock()


def _place(program: str, cwd: str | None) -> tuple[int, str] | None:
    """Copy the binary into its run folder as PROGRAM; (errno, why) when it cannot be. A copy,
    not a link: the folder may be on another filesystem (the sandbox's), and a binary can never
    change the built executable a later run uses."""
    if cwd is None:
        return 0, "a test binary needs its own folder"
    dest = os.path.join(cwd, PROGRAM)
    try:
        shutil.copyfile(program, dest)
        os.chmod(dest, 0o755)
    except OSError as exc:
        return exc.errno or 0, f"could not copy {program} into its folder: {exc.strerror or exc}"
    return None


def kill_live() -> None:
    """Kill every process group run() is supervising (for a signal handler on the way out)."""
    for pgid in list(_LIVE):
        _kill_group(pgid)


def become_subreaper() -> bool:
    """Orphans of what we start become our children (not init's), so sweep_orphans can find them."""
    global _SUBREAPER
    try:
        _SUBREAPER = ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError, NameError):
        _SUBREAPER = False
    return _SUBREAPER


_SUBREAPER: bool | None = None  # None: not tried yet


def _reaper() -> None:
    """The first run() makes this process the subreaper of everything it starts: after each job,
    what the job left running is ours to end (sweep_orphans), in every process that runs jobs."""
    if _SUBREAPER is None:
        with _SPAWN:
            if _SUBREAPER is None:
                become_subreaper()


def children(parent: int | None = None, *, live: bool = False) -> list[int]:
    """The pids whose parent is `parent` (default: us); with live, not the zombies among them."""
    parent = os.getpid() if parent is None else parent
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent and not (live and fields[0] == "Z"):
                out.append(int(entry))
    return out


def _children_of_us() -> list[int]:
    """Our children, from each thread's /proc children list (a full /proc walk where there is none)."""
    try:
        tasks = os.listdir("/proc/self/task")
        out: list[int] = []
        for tid in tasks:
            with open(f"/proc/self/task/{tid}/children") as f:
                out += map(int, f.read().split())
        return out
    except (OSError, ValueError):
        return children()


_KEPT: dict[int, str] = {}  # children found sharing a pipe with us (job servers): pid -> start time


def _started_at(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return fields[19] if fields[0] != "Z" else ""  # a zombie is no server
    except (OSError, IndexError):
        return ""


def _kept(pid: int) -> bool:
    """A job server found before, still the same process (pids are reused) and alive."""
    known = _KEPT.get(pid)
    if known is None:
        return False
    if known and _started_at(pid) == known:
        return True
    del _KEPT[pid]
    return False


def _pipes(pid: int | str) -> set[str]:
    """The pipes and sockets a process holds open."""
    out = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return out
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(("pipe:", "socket:")):
            out.add(target)
    return out


def sweep_orphans(rounds: int = 8) -> int:
    """Kill and reap what compilers and binaries left running: as their subreaper
    (become_subreaper) we inherit every process they orphan, wherever it runs from and whatever
    it exec'd. Every child of ours is such an orphan unless a run() supervises it (_LIVE), it
    holds the pipes of a job still running (it is part of that job, for now), or it shares
    another pipe with us (a job server: the sandbox's, xdist's workers, a container stream).
    An orphan's own children become ours as it dies: hence the rounds."""
    killed = 0
    for _ in range(rounds):
        with _SPAWN:  # a child that run() just started is in _LIVE before we look
            live = set(_LIVE)
            jobs = set().union(*_JOB_PIPES.values())
            kids = [pid for pid in _children_of_us() if pid not in live and not _kept(pid)]
        if not kids:
            break
        ours = _pipes("self") - jobs
        victims = []
        for pid in kids:
            held = _pipes(pid)
            if held & jobs:
                continue
            if held & ours:
                _KEPT[pid] = _started_at(pid)
            else:
                victims.append(pid)
        if not victims:
            break
        dead = []
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
                dead.append(pid)
            except ProcessLookupError:
                dead.append(pid)  # a zombie already: reap it
            except OSError:
                pass  # a set-uid program we may not signal: not ours to wait for
        for pid in dead:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        killed += len(dead)
        if len(dead) < len(victims) and not dead:
            break
    return killed


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
