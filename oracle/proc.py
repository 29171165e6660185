"""Running one untrusted process: own process group, rlimits, bounded capture,
and the whole group killed on timeout or when the leader exits.

Compilers under test and the programs they build can hang, fork, flood their
output or leave children behind; nothing here trusts them to end on their own.
"""

from __future__ import annotations

import contextlib
import os
import resource
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field

EXIT = "exit"
SIGNAL = "signal"
TIMEOUT = "timeout"
NOSTART = "nostart"  # the program could not be started at all (missing, not executable)

MiB = 1 << 20
_AFTER_EXIT = 0.2  # seconds to drain pipes after the program exited


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
def inherited_limits(limits: Limits):
    """Lower our own soft limits just while a child is spawned, so it inherits them.

    This keeps the spawn on the fast vfork path: a preexec_fn would force a full fork
    of this (large) Python process for every compile and every run.
    """
    saved = []
    try:
        for res, value in limits.pairs():
            soft, hard = resource.getrlimit(res)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(res, (value, hard))
            saved.append((res, soft, hard))
        yield
    finally:
        for res, soft, hard in reversed(saved):
            resource.setrlimit(res, (soft, hard))


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
    """
    argv = tuple(argv)
    start = time.monotonic()
    cpu = limits.cpu_s if limits.cpu_s is not None else int(timeout) + 2
    lim = Limits(cpu, limits.address_space, limits.file_size, limits.open_files, limits.processes)
    try:
        with inherited_limits(lim):
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env=env or child_env(),
                close_fds=True,
                user=user,
                group=user,
                extra_groups=[] if user is not None else None,
            )
    except OSError as exc:
        return ProcResult(argv, Status(NOSTART, exc.errno or 0), error=exc.strerror or str(exc))
    _LIVE.add(proc.pid)
    try:
        return _supervise(proc, argv, start, timeout, stdout_limit, stderr_limit, kill_on_stdout_overflow)
    finally:
        _LIVE.discard(proc.pid)
        if proc.returncode is None:  # interrupted: the leader is not reaped, so its group id is safe
            _kill_group(proc.pid)
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


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


def kill_live() -> None:
    """Kill every process group run() is supervising (for a signal handler on the way out)."""
    for pgid in list(_LIVE):
        _kill_group(pgid)


def become_subreaper() -> bool:
    """Orphans of what we start become our children (not init's), so sweep_orphans can find them."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


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


def sweep_orphans(under: str) -> int:
    """Kill and reap our children that run from, or in, the folder `under` (escaped daemons)."""
    killed = 0
    for pid in children():
        try:
            where = os.readlink(f"/proc/{pid}/cwd")
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if where.startswith(under) or under in cmd:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                killed += 1
            except (ProcessLookupError, ChildProcessError):
                pass
    return killed


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
