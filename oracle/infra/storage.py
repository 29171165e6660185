"""Opening oracle's SQLite files so that a damaged one never stops a run.

A file that is not a database, or fails its integrity check, is renamed aside
(`NAME.corrupt-<time>-<pid>`, kept for a post-mortem) and a fresh one is made.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path


def open_db(path: Path, schema: str, timeout: float = 60) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _connect(path, schema, timeout)
        except sqlite3.OperationalError as exc:
            # "database is locked": another process is creating the file or switching it to WAL
            # (SQLite may answer that without waiting). That is no corruption: try again.
            if not _busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02 + random.random() * 0.08)
        except sqlite3.DatabaseError:
            set_aside(path)
            return _connect(path, schema, timeout)


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def set_aside(path: Path) -> Path:
    aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}-{os.getpid()}")
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(path) + suffix)
        if src.exists():
            os.replace(src, Path(str(aside) + suffix))
    return aside


def _connect(path: Path, schema: str, timeout: float) -> sqlite3.Connection:
    # One connection per Judge; a Judge may be closed from another thread than the one it ran in.
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(schema)
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db
