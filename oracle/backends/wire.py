"""The job stream between a DockerBackend and its container's agent: length-prefixed frames.

A request is one frame of JSON. An answer is one frame of JSON (status, sizes) followed by
the raw stdout and stderr bytes, so output comes back byte for byte whatever it holds.
Strings that are not UTF-8 (file names) travel as surrogate escapes and come back intact.
"""

from __future__ import annotations

import json
import struct

from .. import proc

HEADER = struct.Struct(">I")
MAX_FRAME = 16 << 20


class ProtocolError(Exception):
    """The other side broke the protocol, closed the stream, or did not answer in time."""


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
