"""Run history: every run appended to one SQLite file, read back as pass rates over time,
flips between runs, and flaky cases (a verdict that changed while the candidate did not)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

from . import verdict as V
from .config import RunConfig
from .errors import UsageError
from .model import Case
from .record import CaseRecord
from .storage import open_db
from .text import clean

DEFAULT_PATH = Path(".oracle") / "history.db"

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started TEXT, finished TEXT, suite TEXT, arches TEXT, opts TEXT,
    seed TEXT, ratio REAL, shard TEXT, candidate TEXT, candidate_id TEXT, candidate_commit TEXT,
    complete INTEGER, out_dir TEXT);
CREATE TABLE IF NOT EXISTS verdicts (
    run INTEGER, case_id TEXT, arch TEXT, verdict TEXT, reason TEXT, PRIMARY KEY (run, case_id));
CREATE INDEX IF NOT EXISTS verdicts_case ON verdicts (case_id);
"""

COUNTED = tuple(v.name for v in V.ALL if v.counted)


def open_history(path: Path | str = DEFAULT_PATH) -> sqlite3.Connection:
    return open_db(Path(path), SCHEMA)


def open_existing(path: Path | str) -> sqlite3.Connection:
    """The history at path, to read; UsageError (one line) when it is no file oracle can open."""
    if Path(path).is_dir():
        raise UsageError(f"--history {path} is a folder: pass the history database file (default {DEFAULT_PATH})")
    try:
        return open_history(path)
    except (OSError, sqlite3.Error) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot open the run history {path}: {why}: pass --history FILE") from None


def candidate_commit(argv0: str) -> str | None:
    """The git commit of the checkout the candidate lives in (with +dirty), if any."""
    d = os.path.dirname(os.path.realpath(argv0))
    try:
        head = subprocess.run(["git", "-C", d, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", d, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=30)
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def _binary_hash(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()[:16]
    except OSError:
        return "missing"


def record_run(path: Path | str, cfg: RunConfig, records: Iterable[CaseRecord], complete: bool) -> int:
    """Append one run; returns its id."""
    commits, ids = {}, {}
    for arch, tc in cfg.candidates.items():
        commits[arch] = candidate_commit(tc.argv[0])
        # A candidate is "the same" while its commit (or, outside git, its bytes) and its argv are.
        ids[arch] = [list(tc.argv), commits[arch] or _binary_hash(tc.argv[0])]
    candidate = {a: {"argv": list(tc.argv), "version": tc.version} for a, tc in cfg.candidates.items()}
    db = open_history(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        cur = db.execute(
            "INSERT INTO runs (started, finished, suite, arches, opts, seed, ratio, shard, candidate, candidate_id, "
            "candidate_commit, complete, out_dir) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (cfg.started, time.strftime("%Y-%m-%dT%H:%M:%S%z"), cfg.suite, ",".join(cfg.arches), ",".join(cfg.opts),
             cfg.seed, cfg.ratio, cfg.shard and f"{cfg.shard[0]}/{cfg.shard[1]}", json.dumps(candidate),
             hashlib.sha256(json.dumps(ids, sort_keys=True).encode()).hexdigest()[:16],
             json.dumps(commits), int(complete), cfg.out_dir))
        run_id = cur.lastrowid
        db.executemany("INSERT INTO verdicts VALUES (?,?,?,?,?)",
                       ((run_id, r.id, r.arch, r.verdict.name, clean(r.reason, 500)) for r in records))
        db.execute("COMMIT")
        return run_id
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


# ---------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class RateRow:
    run: int
    started: str
    suite: str
    arch: str
    passed: int
    counted: int
    failures: int
    candidate: str

    @property
    def rate(self) -> float:
        return 100.0 * self.passed / self.counted if self.counted else 0.0


def pass_rates(db: sqlite3.Connection, last: int = 50) -> list[RateRow]:
    marks = ",".join("?" * len(COUNTED))
    failing = ",".join("?" * len(V.FAILURES))
    rows = db.execute(
        f"""SELECT r.id, r.started, r.suite, v.arch,
                   sum(v.verdict = 'pass'), sum(v.verdict IN ({marks})), sum(v.verdict IN ({failing})), r.candidate
            FROM runs r JOIN verdicts v ON v.run = r.id
            WHERE r.id IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)
            GROUP BY r.id, v.arch ORDER BY r.id, v.arch""",
        (*COUNTED, *(v.name for v in V.FAILURES), last)).fetchall()
    out = []
    for run, started, suite, arch, passed, counted, failures, cand in rows:
        try:
            c = json.loads(cand).get(arch, {})
            label = c.get("version") or " ".join(c.get("argv", []))
        except (ValueError, AttributeError):
            label = ""
        out.append(RateRow(run, started, suite, arch, passed, counted, failures, label))
    return out


def latest_runs(db: sqlite3.Connection, n: int = 2) -> list[tuple[int, str, str]]:
    """The last n runs (id, suite, candidate_id), newest first."""
    return db.execute("SELECT id, suite, candidate_id FROM runs ORDER BY id DESC LIMIT ?", (n,)).fetchall()


def verdicts_of(db: sqlite3.Connection, run: int) -> dict[str, tuple[str, str]]:
    return {cid: (v, reason) for cid, v, reason in
            db.execute("SELECT case_id, verdict, reason FROM verdicts WHERE run = ?", (run,))}


def records_of(db: sqlite3.Connection, run: int) -> list[CaseRecord]:
    """A run's cases as records (what the history keeps of them), e.g. for clustering."""
    out = []
    for cid, arch, verdict, reason in db.execute("SELECT case_id, arch, verdict, reason FROM verdicts WHERE run = ?",
                                                 (run,)):
        head, _, tail = cid.rpartition("@")
        suite, _, test = unquote(head).partition("/")
        opt = unquote(tail[len(arch):]).replace("+", " ") if tail.startswith(arch) else ""
        with contextlib.suppress(ValueError):
            out.append(CaseRecord(Case(cid, suite, test, arch, opt), V.by_name(verdict), reason or ""))
    return out


def flips(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Cases whose verdict differs between the last two runs of the newest run's suite."""
    newest = db.execute("SELECT id, suite FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    if not newest:
        return []
    prev = db.execute("SELECT id FROM runs WHERE suite = ? AND id < ? ORDER BY id DESC LIMIT 1",
                      (newest[1], newest[0])).fetchone()
    if not prev:
        return []
    a, b = verdicts_of(db, prev[0]), verdicts_of(db, newest[0])
    return sorted((cid, a[cid][0], b[cid][0]) for cid in a.keys() & b.keys()
                  if a[cid][0] != b[cid][0] and "not-run" not in (a[cid][0], b[cid][0]))


def flaky(db: sqlite3.Connection, window: int = 20) -> list[tuple[str, list[str]]]:
    """Cases whose verdict changed between consecutive runs with the same suite and candidate."""
    runs = db.execute("SELECT id, suite, candidate_id FROM runs ORDER BY id DESC LIMIT ?", (window,)).fetchall()
    runs.reverse()
    seen: dict[str, list[str]] = {}
    for (r1, s1, c1), (r2, s2, c2) in zip(runs, runs[1:]):
        if s1 != s2 or c1 != c2:
            continue
        a, b = verdicts_of(db, r1), verdicts_of(db, r2)
        for cid in a.keys() & b.keys():
            if a[cid][0] != b[cid][0] and "not-run" not in (a[cid][0], b[cid][0]):
                seen.setdefault(cid, [a[cid][0]]).append(b[cid][0])
    return sorted(seen.items())
