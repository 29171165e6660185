"""The reference cache: reference work done once, never trusted when damaged."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from oracle.infra import cache
from oracle.model import verdict as V
from oracle.infra.cache import Cache
from oracle.model.errors import UsageError
from oracle.judge.judging import Judge
from oracle.discover.suites import open_suite

from ..conftest import COMPILERS, ORACLE

SMOKE = Path(__file__).resolve().parents[2] / "corpora" / "smoke"


@pytest.fixture
def logged(tmp_path, monkeypatch):
    log = tmp_path / "ref.log"
    monkeypatch.setenv("ORACLE_TEST_LOG", str(log))
    return log


def judge_suite(cfg) -> dict:
    judge = Judge(cfg)
    try:
        return {c.test: judge.judge(c) for c in open_suite(cfg.suite).cases(cfg.arches, cfg.opts)}
    finally:
        judge.close()


def builds(log) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def config(make_config, suite, cache_dir, **kw):
    # Without the sandbox: the logging reference writes its log outside the Judge's folder, which
    # compilers in the sandbox cannot (what is cached does not depend on it).
    kw.setdefault("sandbox", "none")
    return make_config([str(COMPILERS / "gcc-bug")], suite, reference=[str(COMPILERS / "gcc-logged")],
                       cache=str(cache_dir), **kw)


def test_warm_run_builds_no_reference(make_config, program_dir, tmp_path, logged):
    suite = program_dir("ok.c", "wrong_output.c", "ref_syntax.c", "unstable_opt.c")
    cfg = config(make_config, suite, tmp_path / "cache")
    cold = judge_suite(cfg)
    n = builds(logged)
    assert n >= 6  # two levels each for the usable tests; the probe adds one
    warm = judge_suite(cfg)
    # Nothing rebuilt but the reference of the one failing case, which is always checked afresh.
    assert builds(logged) == n + 2
    assert {t: r.verdict for t, r in warm.items()} == {t: r.verdict for t, r in cold.items()}
    assert warm["wrong_output.c"].reason == cold["wrong_output.c"].reason
    assert all(r.ref.from_cache for t, r in warm.items() if t != "wrong_output.c")


def test_changed_source_or_header_is_recomputed(make_config, tmp_path, logged):
    suite = tmp_path / "s"
    suite.mkdir()
    (suite / "v.h").write_text("#define V 1\n")
    (suite / "a.c").write_text('#include <stdio.h>\n#include "v.h"\nint main(void){printf("%d\\n", V);return 0;}\n')
    cfg = config(make_config, suite, tmp_path / "cache")
    judge_suite(cfg)
    n = builds(logged)
    (suite / "v.h").write_text("#define V 2\n")
    res = judge_suite(cfg)["a.c"]
    assert builds(logged) > n and not res.ref.from_cache
    assert res.ref.expected.stdout == b"2\n"


def test_two_clones_at_two_paths_share_every_reference(make_config, tmp_path, logged):
    """The key is what the compile sees (bytes, paths relative to the suite's files), never where a
    clone lives: a second checkout elsewhere builds no reference; a header that differs still does."""
    clones = []
    for where in ("agent-a/repo/tests", "b/other/checkout/tests"):
        suite = tmp_path / where
        (suite / "inc").mkdir(parents=True)
        (suite / "inc" / "v.h").write_text("#define V 1\n")
        (suite / "a.c").write_text('#include <stdio.h>\n#include "inc/v.h"\n'
                                   'int main(void){printf("%d %s\\n", V, __FILE__);return 0;}\n')
        clones.append(suite)
    first = judge_suite(config(make_config, clones[0], tmp_path / "cache", out=str(tmp_path / "o1")))["a.c"]
    cfg = config(make_config, clones[1], tmp_path / "cache", out=str(tmp_path / "o2"))  # (probing builds too)
    n = builds(logged)
    second = judge_suite(cfg)["a.c"]
    assert second.ref.from_cache and builds(logged) == n  # no reference built
    assert second.ref.expected.stdout == first.ref.expected.stdout == b"1 src/a.c\n"  # what the compile saw
    (clones[1] / "inc" / "v.h").write_text("#define V 2\n")
    third = judge_suite(config(make_config, clones[1], tmp_path / "cache", out=str(tmp_path / "o3")))["a.c"]
    assert not third.ref.from_cache and third.ref.expected.stdout == b"2 src/a.c\n"


def test_corrupt_entry_is_dropped_and_recomputed(make_config, program_dir, tmp_path, logged):
    cfg = config(make_config, program_dir("ok.c"), tmp_path / "cache")
    judge_suite(cfg)
    db = sqlite3.connect(tmp_path / "cache" / "reference.sqlite")
    db.execute("UPDATE reference SET value = substr(value, 1, 20)")  # truncated
    db.commit()
    db.close()
    n = builds(logged)
    res = judge_suite(cfg)["ok.c"]
    assert res.verdict is V.PASS and not res.ref.from_cache and builds(logged) > n


def test_corrupt_database_file_is_set_aside(tmp_path):
    path = tmp_path / "reference.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    c = Cache(path)
    c.put("k", {"x": 1})
    assert c.get("k") == {"x": 1}
    c.close()
    assert list(tmp_path.glob("reference.sqlite.corrupt-*"))


def test_timeouts_are_not_cached(make_config, tmp_path, logged):
    suite = tmp_path / "s"
    suite.mkdir()
    (suite / "slow.c").write_text("int main(void){ for(;;){} }\n")
    cfg = config(make_config, suite, tmp_path / "cache", run_timeout=0.5)
    assert judge_suite(cfg)["slow.c"].verdict is V.REF_INVALID
    n = builds(logged)
    judge_suite(cfg)
    assert builds(logged) > n


def test_no_cache_bypasses(make_config, program_dir, tmp_path, logged):
    cfg = config(make_config, program_dir("ok.c"), tmp_path / "cache", no_cache=True)
    judge_suite(cfg)
    judge_suite(cfg)
    assert not (tmp_path / "cache" / "reference.sqlite").exists()


def test_concurrent_runs_share_one_cache(tmp_path):
    cache = tmp_path / "cache"
    procs = [subprocess.Popen([*ORACLE, "run", "--compiler", "gcc", "--suite", "smoke", "--cache", str(cache),
                               "--out", str(tmp_path / f"out{i}"), "-j", "1"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, out + err
    n = len(list(SMOKE.glob("*.c")))
    stats = subprocess.run([*ORACLE, "cache", "stats", "--cache", str(cache)], capture_output=True, text=True)
    assert f": {n} reference outcomes" in stats.stdout



def test_a_wrong_stored_answer_never_makes_a_failure(make_config, program_dir, tmp_path, logged):
    """An entry with a valid checksum but a wrong expected stdout (however it got there) is re-checked."""
    import base64
    import json

    cfg = config(make_config, program_dir("ok.c"), tmp_path / "cache")
    judge_suite(cfg)
    db = sqlite3.connect(tmp_path / "cache" / "reference.sqlite")
    # The reference outcome's row (the other one is the candidate executable's reused judgement).
    (key, value), = [(k, v) for k, v in db.execute("SELECT key, value FROM reference") if "runs" in json.loads(v)]
    data = json.loads(value)
    data["runs"][0]["stdout"] = base64.b64encode(b"0\n0\n0\n0\n").decode()
    value = json.dumps(data).encode()
    db.execute("UPDATE reference SET value=?, checksum=? WHERE key=?", (value, cache._checksum(key, value), key))
    db.commit()
    db.close()
    res = judge_suite(cfg)["ok.c"]
    assert res.verdict is V.PASS and not res.ref.from_cache
    assert res.record().reference == "stale-cache-replaced"  # said in results.json
    assert judge_suite(cfg)["ok.c"].ref.from_cache  # the entry was repaired


def test_a_row_moved_to_another_key_is_not_trusted(tmp_path):
    """Two entries whose rows were swapped (as pages mixed between files could do): both dropped."""
    c = cache.Cache(tmp_path / "reference.sqlite")
    c.put("a" * 64, {"who": "a"})
    c.put("b" * 64, {"who": "b"})
    assert c.get("a" * 64) == {"who": "a"}
    db = sqlite3.connect(tmp_path / "reference.sqlite")
    (va, ca), = db.execute("SELECT value, checksum FROM reference WHERE key=?", ("a" * 64,)).fetchall()
    (vb, cb), = db.execute("SELECT value, checksum FROM reference WHERE key=?", ("b" * 64,)).fetchall()
    db.execute("UPDATE reference SET value=?, checksum=? WHERE key=?", (vb, cb, "a" * 64))
    db.execute("UPDATE reference SET value=?, checksum=? WHERE key=?", (va, ca, "b" * 64))
    db.commit()
    db.close()
    assert c.get("a" * 64) is None and c.get("b" * 64) is None and c.dropped == 2
    c.close()


# ---------------------------------------------------------------- issue 23 class 8: one owner

def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*ORACLE, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})


def test_a_new_cache_is_private(tmp_path):
    c = Cache(tmp_path / "fresh" / "reference.sqlite")
    c.put("k", {"x": 1})
    c.close()
    assert (tmp_path / "fresh").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "fresh" / "reference.sqlite").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("how", ["world-writable folder", "group-writable db", "db of another user", "db symlink"])
def test_a_cache_others_can_write_is_refused(tmp_path, how):
    import os

    folder = tmp_path / "shared"
    Cache(folder / "reference.sqlite").close()
    db = folder / "reference.sqlite"
    if how == "world-writable folder":
        folder.chmod(0o777)
    elif how == "group-writable db":
        db.chmod(0o660)
    elif how == "db of another user":
        os.chown(db, 12345, 12345)
    else:
        db.rename(folder / "real.sqlite")
        db.symlink_to(folder / "real.sqlite")
    with pytest.raises(UsageError):
        Cache(db)
    res = _cli("cache", "stats", "--cache", str(folder), cwd=tmp_path)
    err = [ln for ln in res.stderr.splitlines() if not ln.startswith("oracle: settings from ")]
    assert res.returncode == 2 and len(err) == 1 and "Traceback" not in res.stderr, res.stderr
    assert ("others" in err[0] or "owned by" in err[0] or "not a regular file" in err[0]), err
