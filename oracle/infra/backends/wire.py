"""The job stream between a backend and its job server: length-prefixed frames.

Two servers speak it: the docker container's agent (agent.py) and the bwrap sandbox's server
(sandbox.py); both are `serve` below with their own way to run one job. A request is one frame
of JSON. An answer is one frame of JSON (status, sizes) followed by the raw stdout and stderr
bytes, so output comes back byte for byte whatever it holds. Strings that are not UTF-8 (file
names) travel as surrogate escapes and come back intact.
"""

from __future__ import annotations

import json
import os
import selectors
import struct
import time
from typing import Callable

from oracle.infra import proc
from oracle.model.errors import ProtocolError  # the other side broke the protocol, closed the stream, or was late

HEADER = struct.Struct(">I")
MAX_FRAME = 16 << 20


class Closed(ProtocolError):
    """The stream ended."""


class Late(ProtocolError):
    """No answer before the deadline (the server hangs, or was stopped)."""


def frame(obj: dict) -> bytes:
    data = json.dumps(obj).encode("utf-8", "surrogateescape")
    return HEADER.pack(len(data)) + data


def request(seq: int, argv, cwd: str, timeout: float, stdout_limit: int, stderr_limit: int, kill: bool,
            limits: proc.Limits, env: dict[str, str] | None) -> bytes:
    if env is not None:  # only what differs from oracle's usual environment: the container has its own
        base = proc.child_env()
        env = {k: v for k, v in env.items() if base.get(k) != v}
    return frame({"seq": seq, "argv": list(argv), "cwd": cwd, "timeout": timeout, "stdout_limit": stdout_limit,
                  "stderr_limit": stderr_limit, "kill": kill, "env": env,
                  "limits": [limits.cpu_s, limits.address_space, limits.file_size, limits.open_files,
                             limits.processes]})


def answer(seq: int, res: proc.ProcResult) -> bytes:
    head = frame({"seq": seq, "status": res.status.to_json(), "truncated": res.stdout_truncated,
                  "duration": res.duration, "error": res.error, "out": len(res.stdout), "err": len(res.stderr)})
    return head + res.stdout + res.stderr


def decode(data: bytes) -> dict:
    try:
        obj = json.loads(data.decode("utf-8", "surrogateescape"))
    except ValueError as exc:
        raise ProtocolError(f"bad frame: {exc}") from None
    if not isinstance(obj, dict) or "seq" not in obj:
        raise ProtocolError("bad frame: no seq")
    return obj


def result(argv, head: dict, stdout: bytes, stderr: bytes) -> proc.ProcResult:
    return proc.ProcResult(tuple(argv), proc.Status.from_json(head["status"]), stdout=stdout,
                           stdout_truncated=bool(head["truncated"]), stderr=stderr, duration=float(head["duration"]),
                           error=head["error"])


class Reader:
    """Exact reads from a pipe's fd, all before one deadline (None: as long as it takes).

    With a deadline, every read waits in select first, so it never blocks past the deadline."""

    def __init__(self, fd: int, deadline: float | None = None):
        self.fd, self.deadline = fd, deadline
        self._sel: selectors.BaseSelector | None = None
        if deadline is not None:
            self._sel = selectors.DefaultSelector()
            self._sel.register(fd, selectors.EVENT_READ)

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc) -> None:
        if self._sel is not None:
            self._sel.close()
            self._sel = None

    def take(self, n: int, *, eof_ok: bool = False) -> bytes:
        """n bytes; Closed if the stream ends first (with eof_ok, b"" when it ends before any)."""
        chunks, left = [], n
        while left:
            if self._sel is not None:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0 or not self._sel.select(remaining):
                    raise Late("no answer before the deadline")
            data = os.read(self.fd, min(left, 1 << 20))
            if not data:
                if eof_ok and left == n:
                    return b""
                raise Closed("the stream ended")
            chunks.append(data)
            left -= len(data)
        return b"".join(chunks)

    def frame(self, *, eof_ok: bool = False) -> dict | None:
        """One frame's JSON; with eof_ok, None when the stream ends between frames."""
        head = self.take(HEADER.size, eof_ok=eof_ok)
        if not head:
            return None
        (size,) = HEADER.unpack(head)
        if size > MAX_FRAME:
            raise ProtocolError(f"frame of {size} bytes")
        return decode(self.take(size))

    def answer(self, seq: int, argv) -> proc.ProcResult:
        """The answer to request seq: its frame, then its stdout and stderr bytes."""
        head = self.frame()
        if head.get("seq") != seq:
            raise ProtocolError(f"answer {head.get('seq')} to request {seq}")
        stdout = self.take(int(head["out"]))
        stderr = self.take(int(head["err"]))
        return result(argv, head, stdout, stderr)


def killed_by(client, grace: float) -> int | None:
    """The signal that ended a job server's process (or the client that carries its exit status,
    `docker exec`), after its answer stream closed: exit 128+N. None when it ended otherwise (it
    failed to start, broke down) or does not end within grace seconds."""
    try:
        code = client.wait(timeout=grace)
    except Exception:  # subprocess.TimeoutExpired
        return None
    return code - 128 if code > 128 else None


def supervisor_killed(argv, signum: int, server: str, start: float) -> proc.ProcResult:
    """The outcome of a job that killed its job server (kill(getppid(), SIGKILL), kill(-1, SIGKILL)):
    its own crash, not oracle's failure, and not run again."""
    note = (f"oracle: the program killed its supervisor ({server}, {proc.signal_name(signum)}) "
            "and was killed with it\n").encode()
    return proc.ProcResult(tuple(argv), proc.Status(proc.SIGNAL, 9), stderr=note, duration=time.monotonic() - start)


def serve(inp: int, out, run_job: Callable[[dict], proc.ProcResult]) -> int:
    """A job server's loop: read each request frame from fd inp, run it with run_job, write its
    answer to out (a binary stream). 0 when the stream ends between frames, 1 when it breaks."""
    reader = Reader(inp)
    while True:
        try:
            req = reader.frame(eof_ok=True)
        except ProtocolError:
            return 1
        if req is None:
            return 0  # the backend closed the stream: done
        out.write(answer(req["seq"], run_job(req)))
        out.flush()


def run_args(req: dict) -> dict:
    """proc.run's keyword arguments for a request (a server may change limits and env)."""
    env = {**proc.child_env(), **req["env"]} if req["env"] is not None else None
    return dict(cwd=req["cwd"], timeout=req["timeout"], stdout_limit=req["stdout_limit"],
                stderr_limit=req["stderr_limit"], kill_on_stdout_overflow=req["kill"],
                limits=proc.Limits(*req["limits"]), env=env)
