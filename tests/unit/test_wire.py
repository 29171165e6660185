"""The docker backend's job stream: frames carry any bytes and any file name intact."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from oracle import proc
from oracle.backends import wire


def _read_frame(stream: io.BytesIO) -> dict:
    (size,) = wire.HEADER.unpack(stream.read(wire.HEADER.size))
    return wire.decode(stream.read(size))


@given(st.binary(max_size=4096), st.binary(max_size=512), st.sampled_from([proc.Status(proc.EXIT, 7),
       proc.Status(proc.SIGNAL, 9), proc.Status(proc.TIMEOUT), proc.Status(proc.NOSTART, 2)]), st.booleans())
def test_answers_round_trip_byte_exact(stdout, stderr, status, truncated):
    res = proc.ProcResult(("./a.out",), status, stdout=stdout, stdout_truncated=truncated, stderr=stderr,
                          duration=0.25, error="e")
    stream = io.BytesIO(wire.answer(5, res))
    head = _read_frame(stream)
    got = wire.result(res.argv, head, stream.read(head["out"]), stream.read(head["err"]))
    assert got == res and stream.read() == b""


def test_requests_keep_non_utf8_names_and_send_only_the_environment_delta():
    name = b"/tmp/t\xff\xfe.c".decode("utf-8", "surrogateescape")
    env = {**proc.child_env(), "ORACLE_RERUN": "x" * 10}
    req = _read_frame(io.BytesIO(wire.request(3, ["cc", name], "/tmp", 1.5, 10, 20, False, proc.Limits(), env)))
    assert req["argv"][1].encode("utf-8", "surrogateescape") == b"/tmp/t\xff\xfe.c"
    assert req["env"] == {"ORACLE_RERUN": "x" * 10}
    assert req["seq"] == 3 and req["kill"] is False
