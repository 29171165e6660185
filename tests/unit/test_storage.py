"""Opening a SQLite file from many processes at once never sets a healthy file aside."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from oracle.infra import storage

SCHEMA = "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT);"


def _open_and_write(job: tuple[str, int]) -> str:
    path, n = job
    try:
        db = storage.open_db(Path(path), SCHEMA)
        db.execute("INSERT OR REPLACE INTO t VALUES (?, ?)", (str(n), str(os.getpid())))
        db.close()
        return "ok"
    except Exception as exc:  # reported, not raised: the assertion below says what went wrong
        return f"{type(exc).__name__}: {exc}"


def test_concurrent_first_opens_share_one_file(tmp_path):
    # Six processes creating the same new file (a cold run's workers): SQLite may answer
    # "database is locked" to a WAL switch without waiting; that once made a healthy cache
    # look corrupt, and workers then wrote to a renamed file (lost entries, a warm run not warm).
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(6) as pool:
        for trial in range(80):
            path = tmp_path / f"t{trial}" / "db.sqlite"
            path.parent.mkdir()
            results = pool.map(_open_and_write, [(str(path), n) for n in range(6)])
            assert results == ["ok"] * 6
            assert [p.name for p in path.parent.iterdir() if "corrupt" in p.name] == []
            assert storage.open_db(path, SCHEMA).execute("SELECT count(*) FROM t").fetchone()[0] == 6
