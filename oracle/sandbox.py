"""Test binaries run inside one long-lived bubblewrap sandbox per worker.

Starting bwrap costs milliseconds (namespaces, mounts); a suite runs thousands
of binaries. So each worker starts one sandbox holding a small server
(`python -m oracle.sandbox`), and sends it jobs over a pipe; the server runs
each with proc.run. Inside: no network, a read-only root, a private /tmp, only
the worker's scratch folder writable, its own PID namespace (so nothing a
binary starts outlives the sandbox, and stragglers are swept after each job),
and, when oracle runs as root, the binary runs as `nobody` with a process cap,
which stops fork bombs. (`nobody` here stands for an otherwise unused uid.)

Wire format (both ways): a 4-byte big-endian length, then a JSON header; the
reply's header says how many raw stdout and stderr bytes follow.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time
from pathlib import Path

from . import proc
from .proc import ProcResult, Status

# Binaries run as a uid of their own, not `nobody`: RLIMIT_NPROC counts every process of a
# uid on the machine, and other programs (containers, daemons) run as nobody.
SANDBOX_UIDS = (61000, 65000)
MAX_PROCS = 256  # per sandbox uid: enough for any test, not for a fork bomb


class SandboxLost(Exception):
    """The sandbox server died or broke protocol."""


def bwrap_argv(writable: str) -> list[str]:
    argv = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
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
    return [*argv, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
            "--new-session"]


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
    tmp = os.path.realpath(os.environ.get("TMPDIR", "/tmp"))
    try:
        res = subprocess.run([*bwrap_argv(tmp), "--", "true"], capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap does not start: {exc}"
    if res.returncode != 0:
        err = res.stderr.decode(errors="replace").strip().splitlines()
        return f"bwrap does not work here: {err[-1] if err else res.returncode}"
    return None


def _send(stream, header: dict, *blobs: bytes) -> None:
    data = json.dumps(header).encode()
    stream.write(struct.pack(">I", len(data)) + data)
    for b in blobs:
        stream.write(b)
    stream.flush()


def _read_exact(stream, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            raise SandboxLost("sandbox closed its pipe")
        buf += chunk
    return buf


def _recv(stream) -> dict:
    (n,) = struct.unpack(">I", _read_exact(stream, 4))
    if n > 1 << 24:
        raise SandboxLost("sandbox sent a malformed header")
    return json.loads(_read_exact(stream, n))


class Sandbox:
    """The worker's side: one server process inside bwrap, restarted if it dies."""

    def __init__(self, writable: Path):
        self.writable = str(writable)
        self._p: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        argv = [*bwrap_argv(self.writable), "--", sys.executable, "-m", "oracle.sandbox"]
        uid = random.randrange(*SANDBOX_UIDS)  # one per sandbox, so process caps do not add up
        return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                start_new_session=True,
                                env=proc.child_env(PYTHONPATH=_package_root(), ORACLE_SANDBOX_UID=str(uid)))

    def run(self, argv, *, cwd: str, timeout: float, stdout_limit: int, limits: proc.Limits,
            env: dict | None = None) -> ProcResult:
        for attempt in (1, 2):
            try:
                return self._run_once(argv, cwd, timeout, stdout_limit, limits, env)
            except (SandboxLost, OSError, ValueError) as exc:
                self.close()
                if attempt == 2:
                    raise SandboxLost(f"sandbox lost twice: {exc}") from None
        raise AssertionError("unreachable")

    def _run_once(self, argv, cwd, timeout, stdout_limit, limits, env) -> ProcResult:
        if self._p is None or self._p.poll() is not None:
            self._p = self._start()
        job = {"argv": list(argv), "cwd": cwd, "timeout": timeout, "stdout_limit": stdout_limit,
               "address_space": limits.address_space, "file_size": limits.file_size,
               "env": _env_delta(env)}
        _send(self._p.stdin, job)
        head = _recv(self._p.stdout)
        out = _read_exact(self._p.stdout, head["stdout"])
        err = _read_exact(self._p.stdout, head["stderr"])
        return ProcResult(tuple(argv), Status.from_json(head["status"]), stdout=out,
                          stdout_truncated=head["truncated"], stderr=err, duration=head["duration"],
                          error=head.get("error", ""))

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


def _env_delta(env: dict | None) -> dict:
    """What env sets beyond oracle's usual child environment (the server adds it to its own)."""
    if not env:
        return {}
    base = proc.child_env()
    return {k: v for k, v in env.items() if base.get(k) != v}


def _package_root() -> str:
    return str(Path(__file__).resolve().parent.parent)


# ---------------------------------------------------------------- the server, inside bwrap

def serve() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    uid = int(os.environ.get("ORACLE_SANDBOX_UID", SANDBOX_UIDS[0]))
    while True:
        try:
            job = _recv(stdin)
        except SandboxLost:
            return
        cwd = job["cwd"]
        as_nobody = os.geteuid() == 0 and _traversable(os.path.dirname(cwd))
        if as_nobody:
            os.chmod(cwd, 0o777)  # the binary's own scratch folder is the one place it may write
        limits = proc.Limits(address_space=job["address_space"], file_size=job["file_size"],
                             processes=MAX_PROCS if as_nobody else None)
        res = proc.run(job["argv"], cwd=cwd, timeout=job["timeout"], stdout_limit=job["stdout_limit"],
                       limits=limits, env=proc.child_env(**job["env"]),
                       user=uid if as_nobody else None)
        _sweep()
        head = {"status": res.status.to_json(), "truncated": res.stdout_truncated, "duration": res.duration,
                "error": res.error, "stdout": len(res.stdout), "stderr": len(res.stderr)}
        _send(stdout, head, res.stdout, res.stderr)


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
    serve()
