"""A shared cache server that is not what it claims (issue 23, class 6): fake servers on localhost
sockets that trickle their replies, announce a value of 3 GB, or answer every command with +OK
(the answer that crashed redis-py's handshake). Deliberate hostile fixtures, as fake compilers are;
the real redis-server is in test_cache_redis.py. Each must cost a bounded time, leave the
verdicts those of a run without the server, and give one warning line."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from oracle.infra import cache_redis, resp
from oracle.infra.cache_redis import RedisCache

from .test_cache_redis import oracle_run, verdicts

KEY = "fleet-hmac-key"


def _trickle(conn, request):
    conn.sendall(b"$1000\r\n")  # then one byte every 2 s: 2000 s for the value (redis-py waited it out)
    for _ in range(1002):
        time.sleep(2)
        conn.sendall(b"x")


def _huge(conn, request):
    conn.sendall(b"$3000000000\r\n" + b"x" * 65536)


def _ok(conn, request):
    conn.sendall(b"+OK\r\n")


def _deep(conn, request):
    conn.sendall(b"*1\r\n" * 50 + b":1\r\n")


def _long_line(conn, request):
    conn.sendall(b"+" + b"y" * 200_000)


BEHAVIOURS = {"trickle": _trickle, "huge": _huge, "ok": _ok, "deep": _deep, "long-line": _long_line}


class FakeServer:
    """Answers PING with +PONG (so the run's first check passes), everything else its way."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.stopped = False
        self.ping_too = False  # True: PING gets the behaviour too
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            while not self.stopped:
                request = conn.recv(65536)
                if not request:
                    return
                if b"PING" in request.upper() and not self.ping_too:
                    conn.sendall(b"+PONG\r\n")
                else:
                    self.behaviour(conn, request)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.stopped = True
        self.sock.close()


@pytest.fixture(params=sorted(BEHAVIOURS))
def fake(request):
    server = FakeServer(BEHAVIOURS[request.param])
    yield server
    server.close()


def test_a_hostile_server_costs_one_deadline_and_is_a_miss(fake, tmp_path):
    c = RedisCache(fake.url, key=KEY.encode(), log_dir=str(tmp_path))
    started = time.monotonic()
    assert c.get("k") is None  # a miss, never a crash or an entry
    c.put("k", {"v": 1})  # the server is left alone a while: no second wait
    assert c.get("k2") is None
    assert time.monotonic() - started < 8, "one call, one deadline (5 s)"
    line = cache_redis.run_warning(tmp_path)
    assert line and "does not answer" in line, line
    c.close()


def test_a_hostile_server_does_not_hang_or_change_a_run(tmp_path, program_dir):
    suite = program_dir("ok.c", "signed_overflow.c", "crash.c")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "ORACLE_CACHE_KEY": KEY}
    env.pop("ORACLE_CACHE", None)
    plain = oracle_run(suite, tmp_path / "plain", env, "--no-cache")
    for name in ("trickle", "huge", "ok"):
        server = FakeServer(BEHAVIOURS[name])
        try:
            started = time.monotonic()
            run = oracle_run(suite, tmp_path / name, env, "--cache", server.url, "-j", "2", timeout=120)
            took = time.monotonic() - started
        finally:
            server.close()
        assert run.returncode == plain.returncode, (name, run.stderr)
        assert took < 90, (name, took)
        assert {k: v for k, (v, _) in verdicts(tmp_path / name).items()} == \
            {k: v for k, (v, _) in verdicts(tmp_path / "plain").items()}, name
        warnings = [line for line in (run.stdout + run.stderr).splitlines() if "warning" in line]
        assert len(warnings) == 1 and "does not answer" in warnings[0], (name, run.stdout + run.stderr)
        assert "Traceback" not in run.stderr


def test_each_call_has_one_deadline_and_bounded_replies(fake):
    c = cache_redis.client(fake.url, timeout=1)
    started = time.monotonic()
    with pytest.raises(resp.Broken):
        c.get(b"x")
    assert time.monotonic() - started < 3
    c.close()


def test_a_server_that_trickles_even_its_pong_is_unreachable_not_an_error():
    server = FakeServer(_trickle)
    server.ping_too = True
    try:
        started = time.monotonic()
        why = cache_redis.check(server.url, None)
        assert why and "in time" in why, why  # the run then goes on with the local cache
        assert time.monotonic() - started < 8
    finally:
        server.close()
