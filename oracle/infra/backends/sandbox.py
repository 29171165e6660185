"""Test binaries run inside one long-lived bubblewrap sandbox per worker.

Starting bwrap costs milliseconds (namespaces, mounts); a suite runs thousands
of binaries. So each worker starts one sandbox holding a small server
(`python -m oracle.infra.backends.sandbox`), and sends it jobs over a pipe; the server runs
each with proc.run. Inside: no network, a read-only root, the worker's scratch
folder bound writable (binaries themselves write only in capped tmpfs mounts: their
own folder in runs/, /tmp, /dev/shm), its own PID namespace (so nothing a binary
starts outlives the sandbox, and stragglers are swept after each job), and, when
oracle runs as root, the server drops to a uid of its own (so every binary runs as
it) with a process cap, which stops fork bombs. (`nobody` here stands for an otherwise unused uid.)

The job stream and the server's loop are the docker backend's (wire.py): length-prefixed
JSON frames, answers followed by the raw stdout and stderr bytes. Every answer is awaited
with a deadline: a binary that stops or kills its server (kill(getppid(), SIGSTOP)) costs
its own run a timeout and the sandbox a restart, never a hung worker.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from oracle import PACKAGE
from oracle.infra import proc, scratch
from oracle.model.errors import SandboxLost
from oracle.infra.proc import ProcResult
from oracle.infra.backends import wire

# Binaries run as a uid of their own, not `nobody`: RLIMIT_NPROC counts every process of a
# uid on the machine, and other programs (containers, daemons) run as nobody.
SANDBOX_UIDS = (61000, 65000)
MAX_PROCS = 256  # per sandbox uid: enough for any test, not for a fork bomb
# Beyond a job's own timeout, how long its answer may take (the server kills the job at its
# timeout, then sweeps and removes its folder); a server just started gets START_GRACE_S more.
GRACE_S = 5.0
START_GRACE_S = 15.0


# What binaries may write is in RAM-backed filesystems of capped size, so a program that writes
# without end fills its sandbox's space (ENOSPC), never the machine's memory or disk.
RUNS = "runs"  # inside the scratch folder: where each binary gets a fresh folder
RUNS_BYTES = 512 << 20
TMP_BYTES = 256 << 20
SHM_BYTES = 64 << 20


def runs_dir(writable: str | Path) -> Path:
    """The sandbox's folder for binaries' own folders: a capped tmpfs seen only inside it."""
    return Path(writable) / RUNS


def bwrap_argv(writable: str, runs: bool = False) -> list[str]:
    """bwrap's arguments: `writable` (the scratch folder) bound read-write, and with `runs`, a
    capped tmpfs over its runs/ folder (binaries write there, never to the host's scratch)."""
    argv = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
            "--proc", "/proc", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]
    # The private /tmp hides the host's. What the server needs from there (oracle itself and its
    # Python, when checked out or installed under /tmp) comes back read-only; the scratch
    # folder comes back writable. The way down to each is recreated, traversable by all.
    made: set[Path] = set()
    ro = {Path(p).resolve() for p in (_package_root(), sys.prefix, os.path.dirname(os.path.realpath(sys.executable)))}
    for path, mode in [*((p, "--ro-bind") for p in sorted(ro) if _in_tmp(p)), (Path(writable), "--bind")]:
        for parent in reversed(path.parents):
            if _in_tmp(parent) and parent not in made:
                made.add(parent)
                argv += ["--perms", "0755", "--dir", str(parent)]
        argv += [mode, str(path), str(path)]
    if runs:
        argv += ["--perms", "1777", "--size", str(RUNS_BYTES), "--tmpfs", str(runs_dir(writable))]
    return [*argv, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
            "--new-session"]


def compiler_bwrap_argv(writable: str, *more: str, private_tmp: bool = False) -> list[str]:
    """bwrap's arguments for compilers: the host's files read-only (a compiler, its headers and
    libraries are wherever they are installed, /tmp included), only `writable` (the scratch
    folder: compilers write there, TMPDIR included) and `more` writable, no network, a PID
    namespace of its own (what a compiler starts ends with its job), no capabilities even as root.
    `private_tmp`: /tmp is writable too, a capped tmpfs of the sandbox's own that shows what the
    host's /tmp holds, read-only (a project's programs and tests that write /tmp/NAME whatever
    TMPDIR says: busybox's diff, its tar tests)."""
    argv = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
            "--proc", "/proc", *(_private_tmp() if private_tmp else ()), "--bind", writable, writable]
    for path in more:
        argv += ["--bind", path, path]
    if os.geteuid() == 0:
        argv += ["--cap-drop", "ALL"]
    return [*argv, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
            "--new-session"]


def confined(argv, writable: str, *more: str, private_tmp: bool = False) -> list[str]:
    """argv run once in a compilers' sandbox (configuration probes: a candidate's --version and
    its trivial program; a project's build and tests, `more` its shared object store, with a
    private /tmp); a Judge's compiles go through a long-lived one (Sandbox)."""
    return [*compiler_bwrap_argv(writable, *more, private_tmp=private_tmp), "--", *argv]


MAX_TMP_ENTRIES = 4096


def _private_tmp() -> list[str]:
    """A capped tmpfs over /tmp, each entry of the host's /tmp bound back read-only (symlinks
    made again): whatever lives there (a compiler, a header a flag names) is still seen, and new
    names can be written. [] (the host's /tmp, read-only) when it holds more than
    MAX_TMP_ENTRIES entries."""
    try:
        with os.scandir("/tmp") as it:
            entries = list(itertools.islice(it, MAX_TMP_ENTRIES + 1))
    except OSError:
        return []
    if len(entries) > MAX_TMP_ENTRIES:
        return []
    argv = ["--size", str(TMP_BYTES), "--perms", "1777", "--tmpfs", "/tmp"]
    for e in sorted(entries, key=lambda e: e.name):
        try:
            if e.is_symlink():
                argv += ["--symlink", os.readlink(e.path), e.path]
            else:  # (gone by the time bwrap starts: --ro-bind-try leaves it out)
                argv += ["--ro-bind-try", e.path, e.path]
        except OSError:
            continue
    return argv


def _in_tmp(path: Path) -> bool:
    return Path("/tmp") in path.parents


def _traversable(path: str) -> bool:
    """Can `nobody` reach path (inside the sandbox: everything under /tmp was made 0755)?"""
    p = Path(path)
    for d in [p, *p.parents]:
        try:
            if not os.stat(d).st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def available() -> str | None:
    """None when bwrap works here; else why not (one line)."""
    if shutil.which("bwrap") is None:
        return "bwrap is not installed (apt-get install bubblewrap)"
    folder = os.path.realpath(scratch.root())
    try:
        res = subprocess.run([*bwrap_argv(folder), "--", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap does not start: {exc}"
    if res.returncode != 0:
        err = res.stderr.decode(errors="replace").strip().splitlines()
        return f"bwrap does not work here: {err[-1] if err else res.returncode}"
    return None


class Sandbox:
    """The worker's side: one server process inside bwrap, restarted if it dies. Two kinds: for
    test binaries (their own uid, fresh folders in capped tmpfs), and with `compilers` for the
    compilers (compiler_bwrap_argv: they keep the invoking uid, without capabilities)."""

    def __init__(self, writable: Path, compilers: bool = False):
        self.writable = str(writable)
        self.compilers = compilers
        self._p: subprocess.Popen | None = None
        self._seq = 0

    def _start(self) -> subprocess.Popen:
        jail = compiler_bwrap_argv(self.writable) if self.compilers else bwrap_argv(self.writable, runs=True)
        argv = [*jail, "--", sys.executable, "-m", "oracle.infra.backends.sandbox"]
        uid = random.randrange(*SANDBOX_UIDS)  # one per sandbox, so process caps do not add up
        mode = {"ORACLE_SANDBOX_MODE": "compilers"} if self.compilers else {}
        return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                start_new_session=True,
                                env=proc.child_env(PYTHONPATH=_package_root(), ORACLE_SANDBOX_UID=str(uid),
                                                   ORACLE_SANDBOX_ROOT=self.writable, **mode))

    def run(self, argv, *, cwd: str, timeout: float, stdout_limit: int = proc.MiB, stderr_limit: int = 64 * 1024,
            kill_on_stdout_overflow: bool = True, limits: proc.Limits = proc.Limits(),
            env: dict | None = None) -> ProcResult:
        for attempt in (1, 2):
            try:
                return self._run_once(argv, cwd, timeout, stdout_limit, stderr_limit, kill_on_stdout_overflow,
                                      limits, env)
            except (wire.ProtocolError, OSError, ValueError, KeyError, TypeError) as exc:
                self.close()
                if attempt == 2:
                    raise SandboxLost(f"sandbox lost twice: {exc}") from None
        raise AssertionError("unreachable")

    def _run_once(self, argv, cwd, timeout, stdout_limit, stderr_limit, kill, limits, env) -> ProcResult:
        start = time.monotonic()
        deadline = start + timeout + GRACE_S
        if self._p is None or self._p.poll() is not None:
            self._p = self._start()
            deadline += START_GRACE_S
        self._seq += 1
        self._p.stdin.write(wire.request(self._seq, argv, cwd, timeout, stdout_limit, stderr_limit, kill, limits, env))
        self._p.stdin.flush()
        try:
            with wire.Reader(self._p.stdout.fileno(), deadline) as reader:
                return reader.answer(self._seq, argv)
        except wire.Late:
            # The server hangs: the binary stopped it (SIGSTOP to its parent) or wedged it. That is
            # the binary's own doing, so its verdict: a timeout. A new sandbox takes the next job.
            self.close()
            return ProcResult(tuple(argv), proc.Status(proc.TIMEOUT), duration=time.monotonic() - start)
        except wire.Closed:
            # The server died while the job ran. Killed by a signal (bwrap exits 128+N), and nothing
            # runs in the sandbox but the server and the job: the binary killed its supervisor
            # (kill(getppid(), SIGKILL), kill(-1, SIGKILL)), and died with the sandbox. That is its
            # outcome, a crash, not oracle's failure; the job is not run again. A new sandbox
            # takes the next job.
            signum = wire.killed_by(self._p, GRACE_S)
            if signum is None:
                raise
            self.close()
            return wire.supervisor_killed(argv, signum, "the sandbox's job server", start)

    def close(self) -> None:
        if self._p is not None:
            try:
                os.killpg(self._p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._p.wait()
            for s in (self._p.stdin, self._p.stdout):
                try:
                    s.close()
                except OSError:
                    pass
            self._p = None


def _package_root() -> str:
    """The folder holding the `oracle` package (this file is oracle/infra/backends/sandbox.py): the
    server's PYTHONPATH, so `python -m oracle.infra.backends.sandbox` finds it from any cwd."""
    return str(PACKAGE.parent)


# ---------------------------------------------------------------- the server, inside bwrap

def serve() -> int:
    uid = int(os.environ.get("ORACLE_SANDBOX_UID", SANDBOX_UIDS[0]))
    root = os.environ.get("ORACLE_SANDBOX_ROOT", "")
    # As root, the server becomes the sandbox's own uid before any job, so binaries start as that
    # uid on the vfork path (asking subprocess to switch users forces a full fork: ~4 ms a binary).
    compilers = os.environ.get("ORACLE_SANDBOX_MODE") == "compilers"
    unprivileged = not compilers and os.geteuid() == 0 and bool(root) and _traversable(root)
    if unprivileged:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)

    # What binaries may write (runs/, /tmp, /dev/shm) as it was before any job: whatever a job
    # adds there is removed after it, so no state passes from one run to the next (a program
    # that counts its runs in ../counter or /tmp/counter sees a fresh world every time).
    areas = [] if compilers else [a for a in (str(runs_dir(root)) if root else "", "/tmp", "/dev/shm") if a]
    before = {a: _entries(a) for a in areas}

    def run_job(req: dict) -> ProcResult:
        args = wire.run_args(req)
        if unprivileged:
            # RLIMIT_NPROC counts this uid's processes
            args["limits"] = replace(args["limits"], processes=MAX_PROCS)
        cwd = req["cwd"]
        fresh = not compilers and _fresh_folder(cwd)  # a binary's folder in runs/ is made here, and gone after it
        res = proc.run(req["argv"], **args)
        _sweep()
        if fresh:
            shutil.rmtree(cwd, ignore_errors=True)
        for area in areas:
            _clear(area, before[area])
        return res

    return wire.serve(sys.stdin.fileno(), sys.stdout.buffer, run_job)


def _fresh_folder(cwd: str) -> bool:
    """Make cwd when it does not exist (a folder in runs/); True when made here."""
    try:
        os.mkdir(cwd, 0o755)
        return True
    except OSError:
        return False  # there already, or cannot be made (then proc.run reports the missing folder)


def _entries(folder: str) -> set[str]:
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


def _clear(folder: str, keep: set[str]) -> None:
    """Remove what a job added to folder (never a mount point: the scratch folder's way in)."""
    for name in _entries(folder) - keep:
        path = os.path.join(folder, name)
        if os.path.ismount(path):
            continue
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass


def _sweep() -> None:
    """Kill whatever a job left behind in this PID namespace (all but us and bwrap's init)."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break


if __name__ == "__main__":
    sys.exit(serve())
