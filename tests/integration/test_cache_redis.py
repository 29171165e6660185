"""The shared reference cache on a real redis-server: warm across machines, signed entries, a
server that dies mid-run."""

from __future__ import annotations

import json
import shutil
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from oracle.infra import cache, cache_redis
from oracle.infra.cache_redis import RedisCache

from ..conftest import COMPILERS, ORACLE, PROGRAMS, have, slow_suite

pytestmark = pytest.mark.skipif(not have("redis-server"), reason="redis-server not installed: run make setup")

PASSWORD = "s3cret-pw"
KEY = "fleet-hmac-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A real redis-server on a free localhost port, its files in a temp folder; stop/start at will."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://:{PASSWORD}@127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "no", "--requirepass", PASSWORD, "--maxmemory", "64mb",
             "--maxmemory-policy", "allkeys-lru"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            c = cache_redis.client(self.url.replace(f":{PASSWORD}@", "@"), PASSWORD, timeout=1)
            try:
                if c.ping():
                    return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.05)
            finally:
                c.close()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    def client(self):
        return cache_redis.client(f"redis://127.0.0.1:{self.port}/0", PASSWORD)


@pytest.fixture
def redis_server(tmp_path):
    folder = tmp_path / "redis"
    folder.mkdir()
    server = Server(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def env(tmp_path):
    """The environment of an agent: its own XDG folder, the fleet's HMAC key."""

    def make(name: str, **extra) -> dict:
        e = {k: v for k, v in os.environ.items() if k not in ("ORACLE_CACHE", "ORACLE_CACHE_PASSWORD")}
        return {**e, "XDG_CACHE_HOME": str(tmp_path / f"xdg-{name}"), "ORACLE_CACHE_KEY": KEY, **extra}

    return make


def oracle_run(suite: Path, out: Path, env: dict, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*ORACLE, "run", "--compiler", str(COMPILERS / "gcc-bug"), "--reference",
                           str(COMPILERS / "gcc-logged"), "--suite", str(suite), "--out", str(out), "--no-history",
                           "--run-timeout", "5", *extra],
                          capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def verdicts(out: Path) -> dict[str, tuple[str, str | None]]:
    cases = json.loads((out / "results.json").read_text())["cases"]
    return {c["id"]: (c["verdict"], c.get("reference")) for c in cases}


# ---------------------------------------------------------------- entries


def test_entries_are_signed_and_unsigned_ones_ignored(redis_server):
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    os.environ[cache_redis.PASSWORD_ENV] = PASSWORD
    try:
        c = RedisCache(url, key=KEY.encode())
        c.put("k1", {"expected": "right"})
        assert c.get("k1") == {"expected": "right"}
        # An attacker without the key writes a well-formed entry: right format and checksum, no valid HMAC.
        value = json.dumps({"expected": "planted"}).encode()
        forged = f"{cache.FORMAT} {cache._checksum('k2', value)} {'0' * 64}\n".encode() + value
        redis_server.client().set(b"oracle:ref:k2", forged)
        assert c.get("k2") is None and c.ignored == 1
        # ... or signs with another key.
        other = RedisCache(url, key=b"not-the-fleet-key")
        other.put("k3", {"expected": "planted"})
        assert c.get("k3") is None and c.ignored == 2
        # An entry signed by the fleet but moved under another key fails its HMAC and checksum.
        raw = redis_server.client().get(b"oracle:ref:k1")
        redis_server.client().set(b"oracle:ref:k4", raw)
        assert c.get("k4") is None and c.ignored == 3
        ttl = redis_server.client().ttl(b"oracle:ref:k1")
        assert 0 < ttl <= cache_redis.DEFAULT_TTL_S
        other.close()
        c.close()
    finally:
        os.environ.pop(cache_redis.PASSWORD_ENV, None)


def test_prefetch_is_one_round_trip(redis_server, monkeypatch):
    monkeypatch.setenv(cache_redis.PASSWORD_ENV, PASSWORD)
    c = RedisCache(f"redis://127.0.0.1:{redis_server.port}/0", key=KEY.encode())
    keys = [f"key{i}" for i in range(1200)]  # more than one MGET's worth
    for k in keys[:900]:
        c.put(k, {"n": k})
    c.round_trips = 0
    assert c.prefetch(keys) == 1200
    assert c.round_trips == 1
    assert [c.get(k) for k in keys[:900]] == [{"n": k} for k in keys[:900]]
    assert c.round_trips == 1  # every get answered from the batch
    assert c.get(keys[950]) is None  # a miss claims the key (one round trip), to build it
    assert redis_server.client().get(b"oracle:claim:" + keys[950].encode())
    c.release(keys[950])
    assert not redis_server.client().exists(b"oracle:claim:" + keys[950].encode())
    c.close()


def test_server_gone_then_back(redis_server, tmp_path, monkeypatch, capfd):
    monkeypatch.setenv(cache_redis.PASSWORD_ENV, PASSWORD)
    monkeypatch.setattr(cache_redis, "RETRY_S", 0.2)
    local = cache.Cache(tmp_path / "local.sqlite")
    c = RedisCache(f"redis://127.0.0.1:{redis_server.port}/0", key=KEY.encode(), local=local, log_dir=str(tmp_path))
    c.put("a", {"v": 1})
    redis_server.stop()
    assert c.get("a") == {"v": 1}  # from the local cache, written through
    c.put("b", {"v": 2})
    assert c.get("b") == {"v": 2}
    assert c.get("zzz") is None
    redis_server.start()  # empty: no persistence
    time.sleep(0.3)
    c.put("c", {"v": 3})
    assert redis_server.client().get(b"oracle:ref:c") is not None  # reconnected
    log = (tmp_path / "cache.log").read_text()
    assert "does not answer" in log and "answers again" in log
    line = cache_redis.run_warning(tmp_path)
    assert line.startswith("the shared reference cache") and "1 reconnected" in line
    c.close()
    # Without a run folder (the API used by itself), the warning goes to stderr, once.
    quiet = RedisCache(f"redis://127.0.0.1:{redis_server.port}/0", key=KEY.encode())
    redis_server.stop()
    assert quiet.get("a") is None and quiet.get("b") is None
    time.sleep(0.3)
    assert quiet.get("c") is None
    err = capfd.readouterr().err
    assert err.count("oracle: warning: the shared reference cache") == 1, err
    quiet.close()


# ---------------------------------------------------------------- whole runs


def test_second_machine_is_warm(redis_server, program_dir, tmp_path, env):
    suite = program_dir("ok.c", "wrong_output.c", "ref_syntax.c", "unstable_opt.c", "crash.c")
    first, second = env("one"), env("two")
    cold = oracle_run(suite, tmp_path / "out1", first, "--cache", redis_server.url, "-j", "2")
    assert cold.returncode == 1, cold.stderr
    warm = oracle_run(suite, tmp_path / "out2", second, "--cache", redis_server.url, "-j", "2")
    assert warm.returncode == 1, warm.stderr
    v1, v2 = verdicts(tmp_path / "out1"), verdicts(tmp_path / "out2")
    assert {k: v for k, (v, _) in v1.items()} == {k: v for k, (v, _) in v2.items()}
    # Warm: no reference built for a case the first judged, but for the failures, always checked afresh.
    failing = {k for k, (v, _) in v2.items() if v in ("wrong-output", "wrong-exit", "crash")}
    assert failing
    assert all(ref == "cached" for k, (v, ref) in v2.items() if k not in failing and ref is not None)
    assert sum(ref == "cached" for _, ref in v2.values()) == 3
    assert all(v1[k][1] == "built" for k in v1)
    assert "warning" not in warm.stderr
    # The password given in the URL is not recorded.
    results = (tmp_path / "out2" / "results.json").read_text()
    assert PASSWORD not in results and f"redis://127.0.0.1:{redis_server.port}/0" in results


def test_planted_entries_are_ignored(redis_server, program_dir, tmp_path, env):
    """Entries rewritten by a process without the key (right format and checksum, wrong HMAC) to hide
    a candidate failure are ignored: the failure is still found, the reference rebuilt."""
    suite = program_dir("ok.c", "wrong_output.c")
    base = oracle_run(suite, tmp_path / "out1", env("one"), "--cache", redis_server.url, "-j", "1")
    assert base.returncode == 1
    r = redis_server.client()
    keys = list(r.scan_iter(match=b"oracle:ref:*"))
    assert keys
    for k in keys:
        head, _, value = r.get(k).partition(b"\n")
        entry = json.loads(value)
        for run in entry.get("runs", []):  # the reference "prints" what the miscompiled candidate prints
            run["stdout"] = None
        value = json.dumps(entry, separators=(",", ":")).encode()
        key = k.decode().removeprefix("oracle:ref:")
        r.set(k, f"{cache.FORMAT} {cache._checksum(key, value)} {'ab' * 32}\n".encode() + value)
    again = oracle_run(suite, tmp_path / "out2", env("two"), "--cache", redis_server.url, "-j", "1")
    assert again.returncode == 1, again.stdout
    v1, v2 = verdicts(tmp_path / "out1"), verdicts(tmp_path / "out2")
    assert {k: v for k, (v, _) in v1.items()} == {k: v for k, (v, _) in v2.items()}
    assert all(ref == "built" for _, ref in v2.values() if ref is not None)


def test_server_killed_mid_run(redis_server, tmp_path, env):
    suite = slow_suite(tmp_path / "slow", 24, 200_000)
    (suite / "wrong.c").write_text('#include <stdio.h>\nint main(void){\n#ifdef ORACLE_CANDIDATE\nputs("bad");\n'
                                   '#else\nputs("good");\n#endif\nreturn 0;}\n')
    plain = oracle_run(suite, tmp_path / "plain", env("plain"), "--no-cache", "-j", "2")
    e = env("one")
    run = subprocess.Popen([*ORACLE, "run", "--compiler", str(COMPILERS / "gcc-bug"), "--reference",
                            str(COMPILERS / "gcc-logged"), "--suite", str(suite), "--out", str(tmp_path / "out"),
                            "--no-history", "--run-timeout", "5", "--cache", redis_server.url, "-j", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e,
                           stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        journal = tmp_path / "out" / "journal.jsonl"
        while time.monotonic() < deadline:  # a few cases in
            if journal.exists() and len(journal.read_text().splitlines()) >= 6:
                break
            time.sleep(0.05)
        redis_server.stop()
        out, err = run.communicate(timeout=300)
    finally:
        if run.poll() is None:
            run.send_signal(signal.SIGKILL)
            run.wait()
    assert run.returncode == plain.returncode == 1, err
    v_plain, v_redis = verdicts(tmp_path / "plain"), verdicts(tmp_path / "out")
    assert len(v_redis) == 25
    assert {k: v for k, (v, _) in v_plain.items()} == {k: v for k, (v, _) in v_redis.items()}
    warnings = [line for line in (out + err).splitlines() if "warning" in line]
    assert len(warnings) == 1 and "does not answer" in warnings[0], out + err
    assert "going on with the local cache" in warnings[0]


# ---------------------------------------------------------------- bad configuration


def test_bad_configuration_is_one_line_exit_2(redis_server, program_dir, tmp_path, env):
    suite = program_dir("ok.c")
    no_key = env("x")
    no_key.pop("ORACLE_CACHE_KEY")
    cases = [
        (no_key, ["--cache", redis_server.url], "ORACLE_CACHE_KEY"),
        (env("x"), ["--cache", f"redis://:pw-not-this-one@127.0.0.1:{redis_server.port}/0"], "refused the password"),
        (env("x"), ["--cache", "redis://127.0.0.1:notaport/0"], "bad --cache"),
        (env("x", ORACLE_CACHE="redis://127.0.0.1:6379/db"), [], "bad --cache"),
    ]
    for e, extra, words in cases:
        res = oracle_run(suite, tmp_path / "o", e, *extra)
        assert res.returncode == 2, (extra, res.stderr)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0], res.stderr
        assert "pw-not-this-one" not in res.stderr + res.stdout  # a password is never printed
    assert "Traceback" not in res.stderr


def test_cache_stats_and_clear_on_redis(redis_server, tmp_path, env, program_dir):
    e = env("one")
    assert oracle_run(program_dir("ok.c"), tmp_path / "o", e, "--cache", redis_server.url).returncode == 0
    stats = subprocess.run([*ORACLE, "cache", "stats", "--cache", redis_server.url], capture_output=True, text=True,
                           env=e, timeout=60)
    assert stats.returncode == 0, stats.stderr
    j = len(list(redis_server.client().scan_iter(match=b"oracle:ref:judgement-*")))
    n = len(list(redis_server.client().scan_iter(match=b"oracle:ref:*"))) - j
    assert n >= 1 and f": {n} reference outcomes, {j} reused judgements" in stats.stdout, stats.stdout
    assert "allkeys-lru" in stats.stdout
    clear = subprocess.run([*ORACLE, "cache", "clear"], capture_output=True, text=True,
                           env={**e, "ORACLE_CACHE": redis_server.url}, timeout=60)
    assert clear.returncode == 0 and f"removed {n + j} " in clear.stdout, clear.stderr
    assert not list(redis_server.client().scan_iter(match=b"oracle:ref:*"))


def test_two_agents_never_build_one_reference_twice(redis_server, monkeypatch):
    import threading

    monkeypatch.setenv(cache_redis.PASSWORD_ENV, PASSWORD)
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    a, b = RedisCache(url, key=KEY.encode()), RedisCache(url, key=KEY.encode())
    b.prefetch(["k", "other"])  # b's snapshot: both absent
    assert a.get("k") is None  # a misses and claims k: a builds it
    got: list = []
    waiter = threading.Thread(target=lambda: got.append(b.get("k")))
    waiter.start()
    time.sleep(0.5)
    assert waiter.is_alive()  # b waits for a's entry instead of building it too
    a.put("k", {"built": "by a"})
    waiter.join(timeout=10)
    assert got == [{"built": "by a"}]
    # An entry stored after b's snapshot is found, not rebuilt: b's claim try reads it too.
    assert a.get("other") is None
    a.put("other", {"built": "by a"})
    assert b.get("other") == {"built": "by a"}
    assert not redis_server.client().exists(b"oracle:claim:other")
    # A claim whose holder cannot store (a timeout decided it) is released: the next agent builds.
    assert a.get("slow") is None
    a.release("slow")
    assert b.get("slow") is None and redis_server.client().exists(b"oracle:claim:slow")
    a.close()
    b.close()
    assert not redis_server.client().exists(b"oracle:claim:slow")  # closing releases what it held


# ---------------------------------------------------------------- issue 23 class 6: a server that misbehaves

def test_planted_claims_are_not_waited_for_genuine_ones_are(redis_server, monkeypatch):
    monkeypatch.setenv(cache_redis.PASSWORD_ENV, PASSWORD)
    url = f"redis://127.0.0.1:{redis_server.port}/0"
    raw = cache_redis.client(url)
    for k in ("k1", "k2", "k3", "k4"):
        raw.set(b"oracle:claim:" + k.encode(), b"planted-by-someone-without-the-key", ex=3600)
    c = RedisCache(url, key=KEY.encode())
    start = time.monotonic()
    for k in ("k1", "k2", "k3", "k4"):
        assert c._claim_or_wait(k) is None  # not waited for: this agent builds it
    assert time.monotonic() - start < 10, "an unsigned claim was waited out"
    holder, waiter = RedisCache(url, key=KEY.encode()), RedisCache(url, key=KEY.encode())
    assert holder._claim_or_wait("k9") is None  # claimed
    import threading
    threading.Timer(1.0, lambda: holder.put("k9", {"answer": 42})).start()
    assert waiter._claim_or_wait("k9") == {"answer": 42}  # a genuine claim is waited for
    for x in (c, holder, waiter):
        x.close()
    raw.close()


def test_second_agent_elsewhere_builds_no_reference_and_compiles_nothing(redis_server, program_dir, tmp_path, env):
    """Two agents whose clones (suite and compiler), XDG and output folders live at different
    paths, one Redis server: for an unchanged compiler the second builds no reference and
    compiles no case; its verdicts are the first's."""
    log = tmp_path / "compiles.log"
    runs = []
    for name, where in (("one", "agent1/repo"), ("two", "b/deeper/agent2/checkout")):
        clone = tmp_path / where
        (clone / "tests").mkdir(parents=True)
        for prog in ("ok.c", "wrong_output.c", "crash.c", "ref_syntax.c"):
            shutil.copy(PROGRAMS / prog, clone / "tests" / prog)
        cc = clone / "cc"
        # Logs each compile (reference and candidate alike share the log): --sandbox none lets it.
        cc.write_text(f'#!/bin/sh\necho "cand $*" >> {log}\nexec gcc -DORACLE_CANDIDATE=1 "$@"\n')
        cc.chmod(0o755)
        res = subprocess.run(
            [*ORACLE, "run", "--compiler", str(cc), "--reference", str(COMPILERS / "gcc-logged"), "--suite",
             str(clone / "tests"), "--out", str(tmp_path / f"out-{name}"), "--no-history", "--sandbox", "none",
             "--cache", redis_server.url, "-j", "2"],
            capture_output=True, text=True, env=env(name, ORACLE_TEST_LOG=str(log)), timeout=300,
            stdin=subprocess.DEVNULL)
        assert res.returncode == 1, res.stderr
        lines = log.read_text().splitlines()
        runs.append((sum("src/" in ln and ln.startswith("cand ") for ln in lines),
                     sum("src/" in ln and not ln.startswith("cand ") for ln in lines)))
        log.unlink()
    (cand1, ref1), (cand2, ref2) = runs
    assert cand1 == 3 and ref1 >= 6  # ref_syntax.c is ref-invalid: the candidate is not built for it
    # The second agent: the failures' references are checked afresh (never decided on a stored
    # answer alone); nothing else is built, and no case is compiled by the candidate.
    v1, v2 = verdicts(tmp_path / "out-one"), verdicts(tmp_path / "out-two")
    assert {k.split("/", 1)[1]: v for k, (v, _) in v1.items()} == {k.split("/", 1)[1]: v for k, (v, _) in v2.items()}
    failing = sum(v in ("wrong-output", "crash") for v, _ in v2.values())
    assert failing == 2 and cand2 == 0 and ref2 == 2 * failing
    known = [c.get("candidate_run") for c in json.loads((tmp_path / "out-two" / "results.json").read_text())["cases"]
             if c["verdict"] != "ref-invalid"]
    assert known == ["known"] * 3
    # ... and its failures' folders still show both disassemblies: from the store, not compiled again
    shown = [f for f in (tmp_path / "out-two" / "cases").iterdir() if f.name.startswith(("tests_wrong_output", "tests_crash"))]
    assert len(shown) == 2, sorted(f.name for f in (tmp_path / "out-two" / "cases").iterdir())
    for folder in shown:
        assert "<main>:" in (folder / "candidate.disasm").read_text()
        assert "<main>:" in (folder / "reference.disasm").read_text()
