"""The job stream of the docker agent and the bwrap sandbox: frames carry any bytes and any file name
intact, one server loop serves both, and the client's reads end at a deadline."""

from __future__ import annotations

import io
import os
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oracle.infra import proc
from oracle.infra.backends import wire


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


def _pipe_with(data: bytes, close: bool = True) -> tuple[int, int]:
    r, w = os.pipe()
    os.write(w, data)
    if close:
        os.close(w)
    return r, w


def test_one_server_loop_answers_each_request_in_order_and_ends_with_the_stream():
    reqs = [wire.request(seq, ["echo", str(seq)], "/tmp", 1.0, 10, 20, True, proc.Limits(), None) for seq in (1, 2)]
    seen = []

    def run_job(req):
        seen.append(req)
        return proc.ProcResult(tuple(req["argv"]), proc.Status(proc.EXIT, 0), stdout=req["argv"][1].encode() * 3)

    r, _ = _pipe_with(b"".join(reqs))
    out = io.BytesIO()
    try:
        assert wire.serve(r, out, run_job) == 0
    finally:
        os.close(r)
    assert [q["seq"] for q in seen] == [1, 2] and wire.run_args(seen[0])["timeout"] == 1.0
    # The client's reader takes the answers back, byte for byte.
    r, _ = _pipe_with(out.getvalue())
    try:
        with wire.Reader(r, time.monotonic() + 5) as reader:
            assert reader.answer(1, ["echo", "1"]).stdout == b"111"
            assert reader.answer(2, ["echo", "2"]).stdout == b"222"
            with pytest.raises(wire.Closed):
                reader.answer(3, ["echo", "3"])
    finally:
        os.close(r)


def test_a_server_stops_on_a_frame_cut_short():
    r, _ = _pipe_with(wire.request(1, ["true"], "/tmp", 1.0, 10, 20, True, proc.Limits(), None)[:-3])
    try:
        assert wire.serve(r, io.BytesIO(), lambda req: pytest.fail("ran a broken request")) == 1
    finally:
        os.close(r)


def test_the_reader_gives_up_at_its_deadline_when_the_server_says_nothing():
    r, w = _pipe_with(wire.answer(1, proc.ProcResult(("x",), proc.Status(proc.EXIT, 0), stdout=b"abc"))[:-2],
                      close=False)  # a server stopped halfway through its answer, its end still open
    try:
        start = time.monotonic()
        with pytest.raises(wire.Late), wire.Reader(r, start + 0.3) as reader:
            reader.answer(1, ["x"])
        assert 0.3 <= time.monotonic() - start < 2
    finally:
        os.close(r)
        os.close(w)
