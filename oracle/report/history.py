"""Run history: every run appended to one SQLite file, read back as pass rates over time,
flips between runs, and flaky cases (a verdict that changed while the candidate did not).

A run is recorded with its *selection* (suite, opt levels, filter, sample, shard, generated
programs; and, under plain pytest, the ids it deselected): runs are only compared with runs of
the same selection, so a one-case filtered run never reads as a 0 % pass rate of the full suite.
A series is (selection, arch, candidate command). Runs that judged nothing (an empty selection,
pytest's --co) are never recorded. The schema has a version (`PRAGMA user_version`); an older
file is migrated in place when opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote

from oracle.model import verdict as V
from oracle.config.identity import candidate_commit
from oracle.config.options import RunConfig
from oracle.model.errors import UsageError
from oracle.model.case import Case
from oracle.model.record import NO_EVIDENCE, CaseRecord, Evidence
from oracle.infra.storage import open_db
from oracle.model.text import clean

DEFAULT_PATH = Path(".oracle") / "history.db"
VERSION = 3  # 1: no version mark, no selection, no durations; 2: no evidence

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started TEXT, finished TEXT, suite TEXT, arches TEXT, opts TEXT,
    seed TEXT, ratio REAL, shard TEXT, candidate TEXT, candidate_id TEXT, candidate_commit TEXT,
    complete INTEGER, out_dir TEXT, selection TEXT, selection_key TEXT);
CREATE TABLE IF NOT EXISTS verdicts (
    run INTEGER, case_id TEXT, arch TEXT, verdict TEXT, reason TEXT, duration REAL, evidence TEXT,
    PRIMARY KEY (run, case_id));
CREATE INDEX IF NOT EXISTS verdicts_case ON verdicts (case_id);
"""

# Columns a version-1 file lacks, with how to fill them for its runs.
_ADDED = {"runs": ("selection TEXT", "selection_key TEXT"), "verdicts": ("duration REAL", "evidence TEXT")}

COUNTED = tuple(v.name for v in V.ALL if v.counted)


class HistoryTooNew(sqlite3.DatabaseError):
    """A history written by a newer oracle: never rewritten by an older one."""


def open_history(path: Path | str = DEFAULT_PATH) -> sqlite3.Connection:
    db = open_db(Path(path), SCHEMA)
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def migrate(db: sqlite3.Connection) -> None:
    """Bring a history file to VERSION, in one transaction (two runs may open it at once)."""
    if db.execute("PRAGMA user_version").fetchone()[0] == VERSION:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > VERSION:
            raise HistoryTooNew(f"it was written by a newer oracle (history schema {version}, this oracle reads "
                                f"{VERSION}): upgrade oracle or pass another --history")
        if version < VERSION:
            for table, columns in _ADDED.items():
                have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                for col in columns:
                    if col.split()[0] not in have:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {col}")
            rows = db.execute("SELECT id, suite, opts, seed, ratio, shard FROM runs WHERE selection IS NULL").fetchall()
            for run, suite, opts, seed, ratio, shard in rows:
                # What a version-1 run recorded of its selection; it did not record its filter.
                sel = _selection(suite, (opts or "").split(",") if opts else [], None, ratio, seed,
                                 tuple(int(x) for x in shard.split("/")) if shard else None, False, {}, {})
                sel["filter"] = "(not recorded)"
                db.execute("UPDATE runs SET selection = ?, selection_key = ? WHERE id = ?",
                           (json.dumps(sel, sort_keys=True), selection_key(sel), run))
            db.execute(f"PRAGMA user_version = {VERSION}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def open_existing(path: Path | str) -> sqlite3.Connection:
    """The history at path, to read; UsageError (one line) when it is no file oracle can open."""
    if Path(path).is_dir():
        raise UsageError(f"--history {path} is a folder: pass the history database file (default {DEFAULT_PATH})")
    try:
        return open_history(path)
    except (OSError, sqlite3.Error) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot open the run history {path}: {why}: pass --history FILE") from None


# ---------------------------------------------------------------- what a run is


def _selection(suite: str, opts: list[str], pattern: str | None, ratio: float | None, seed: str | None,
               shard: tuple[int, int] | None, at_least_one: bool, generated: dict, extra: dict) -> dict:
    sel: dict = {"suite": suite, "opts": list(opts), "filter": pattern, "shard": "/".join(map(str, shard)) if shard
                 else None}
    if ratio is not None and ratio < 100:
        sel.update(ratio=ratio, seed=seed, at_least_one=bool(at_least_one))
    sel.update(generated)
    sel.update(extra)
    return sel


def selection_of(cfg: RunConfig, extra: dict | None = None) -> dict:
    """What decides which cases of an arch a run judges (the arches themselves are series of their own).
    `extra`: more that narrowed it (pytest's -k, --lf or --deselect, as a hash of the ids kept)."""
    from oracle.discover.suites import is_generated

    generated = {}
    if is_generated(cfg.suite):
        generated = {"count": cfg.count, "gen_seed": cfg.gen_seed, "csmith_args": cfg.csmith_args}
    return _selection(cfg.suite, list(cfg.opts), cfg.filter, cfg.ratio, cfg.seed, cfg.shard, cfg.at_least_one,
                      generated, extra or {})


def selection_key(sel: dict) -> str:
    return hashlib.sha256(json.dumps(sel, sort_keys=True).encode()).hexdigest()[:12]


def selection_label(sel: dict) -> str:
    """A selection in a few words: `smoke O0`, `torture O0,O2 -k vla 10%/seed=x shard 1/4`."""
    parts = [Path(sel.get("suite", "?")).name or sel.get("suite", "?"), ",".join(sel.get("opts") or [])]
    if sel.get("filter"):
        parts.append(f"-k {sel['filter']}")
    if sel.get("ratio") is not None:
        parts.append(f"{sel['ratio']:g}%/seed={sel.get('seed')}")
    if sel.get("shard"):
        parts.append(f"shard {sel['shard']}")
    if "count" in sel:
        parts.append(f"{sel['count']} programs from seed {sel.get('gen_seed')}")
    if sel.get("pytest"):
        parts.append(f"pytest subset {sel['pytest']}")
    return " ".join(p for p in parts if p)


def _binary_hash(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()[:16]
    except OSError:
        return "missing"


def judged_anything(records: Iterable[CaseRecord]) -> bool:
    return any(r.verdict is not V.NOT_RUN for r in records)


def record_run(path: Path | str, cfg: RunConfig, records: Iterable[CaseRecord], complete: bool,
               selection_extra: dict | None = None) -> int | None:
    """Append one run; returns its id, or None when the run judged nothing (never recorded: it
    would read as a 0 % pass rate and hide the current failures)."""
    if not judged_anything(records):
        return None
    commits, ids = {}, {}
    for arch, tc in cfg.candidates.items():
        commits[arch] = tc.commit or candidate_commit(tc.argv[0])
        # A candidate is "the same" while its commit and changes (or, outside git, its bytes) and argv are.
        ids[arch] = [list(tc.argv), commits[arch] or _binary_hash(tc.argv[0])]
    candidate = {a: {"argv": list(tc.argv), "version": tc.version} for a, tc in cfg.candidates.items()}
    sel = selection_of(cfg, selection_extra)
    db = open_history(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        cur = db.execute(
            "INSERT INTO runs (started, finished, suite, arches, opts, seed, ratio, shard, candidate, candidate_id, "
            "candidate_commit, complete, out_dir, selection, selection_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (cfg.started, time.strftime("%Y-%m-%dT%H:%M:%S%z"), cfg.suite, ",".join(cfg.arches), ",".join(cfg.opts),
             cfg.seed, cfg.ratio, cfg.shard and f"{cfg.shard[0]}/{cfg.shard[1]}", json.dumps(candidate),
             hashlib.sha256(json.dumps(ids, sort_keys=True).encode()).hexdigest()[:16],
             json.dumps(commits), int(complete), cfg.out_dir, json.dumps(sel, sort_keys=True), selection_key(sel)))
        run_id = cur.lastrowid
        db.executemany("INSERT INTO verdicts (run, case_id, arch, verdict, reason, duration, evidence) "
                       "VALUES (?,?,?,?,?,?,?)",
                       ((run_id, r.id, r.arch, r.verdict.name, clean(r.reason, 500), round(r.duration_s, 4),
                         json.dumps(r.evidence.to_json(), ensure_ascii=True) if r.evidence != NO_EVIDENCE else None)
                        for r in records))
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
    selection: str = ""  # selection_key
    label: str = ""  # selection_label
    command: str = ""  # the candidate's argv for this arch: with selection and arch, the series
    out_dir: str = ""
    by_verdict: tuple[tuple[str, int], ...] = ()  # failures per failing verdict

    @property
    def rate(self) -> float:
        return 100.0 * self.passed / self.counted if self.counted else 0.0

    @property
    def series(self) -> tuple[str, str, str]:
        return (self.selection, self.arch, self.command)


def _selection_dict(text: str | None) -> dict:
    try:
        sel = json.loads(text or "{}")
        return sel if isinstance(sel, dict) else {}
    except ValueError:
        return {}


def pass_rates(db: sqlite3.Connection, last: int = 50) -> list[RateRow]:
    """Per run and arch, for the last `last` runs, oldest first."""
    marks = ",".join("?" * len(COUNTED))
    failing = ",".join("?" * len(V.FAILURES))
    rows = db.execute(
        f"""SELECT r.id, r.started, r.suite, v.arch,
                   sum(v.verdict = 'pass'), sum(v.verdict IN ({marks})), sum(v.verdict IN ({failing})), r.candidate,
                   r.selection, r.selection_key, r.out_dir
            FROM runs r JOIN verdicts v ON v.run = r.id
            WHERE r.id IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)
            GROUP BY r.id, v.arch ORDER BY r.id, v.arch""",
        (*COUNTED, *(v.name for v in V.FAILURES), last)).fetchall()
    per_verdict: dict[tuple[int, str], list[tuple[str, int]]] = {}
    for run, arch, verdict, n in db.execute(
            f"""SELECT run, arch, verdict, count(*) FROM verdicts WHERE verdict IN ({failing})
                AND run IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?) GROUP BY run, arch, verdict""",
            (*(v.name for v in V.FAILURES), last)):
        per_verdict.setdefault((run, arch), []).append((verdict, n))
    out = []
    for run, started, suite, arch, passed, counted, failures, cand, sel, key, out_dir in rows:
        try:
            c = json.loads(cand).get(arch, {})
            label = c.get("version") or " ".join(c.get("argv", []))
            command = " ".join(c.get("argv", []))
        except (ValueError, AttributeError):
            label = command = ""
        out.append(RateRow(run, started, suite, arch, passed, counted, failures, label, key or "",
                           selection_label(_selection_dict(sel)), command, out_dir or "",
                           tuple(sorted(per_verdict.get((run, arch), ())))))
    return out


def latest_runs(db: sqlite3.Connection, n: int = 2) -> list[tuple[int, str, str]]:
    """The last n runs (id, suite, candidate_id), newest first."""
    return db.execute("SELECT id, suite, candidate_id FROM runs ORDER BY id DESC LIMIT ?", (n,)).fetchall()


def selections(db: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """Every selection recorded: (key, label, newest run), the most recently run first."""
    rows = db.execute("SELECT selection_key, selection, max(id) FROM runs GROUP BY selection_key "
                      "ORDER BY max(id) DESC").fetchall()
    return [(key or "", selection_label(_selection_dict(sel)), run) for key, sel, run in rows]


def run_info(db: sqlite3.Connection, run: int) -> dict:
    row = db.execute("SELECT started, out_dir, selection, candidate_id, complete FROM runs WHERE id = ?",
                     (run,)).fetchone()
    if not row:
        return {}
    return {"started": row[0], "out_dir": row[1] or "", "selection": _selection_dict(row[2]),
            "candidate_id": row[3], "complete": bool(row[4])}


def verdicts_of(db: sqlite3.Connection, run: int) -> dict[str, tuple[str, str]]:
    return {cid: (v, reason) for cid, v, reason in
            db.execute("SELECT case_id, verdict, reason FROM verdicts WHERE run = ?", (run,))}


def records_of(db: sqlite3.Connection, run: int) -> list[CaseRecord]:
    """A run's cases as records (what the history keeps of them), e.g. for clustering."""
    out = []
    for cid, arch, verdict, reason, duration, ev in db.execute(
            "SELECT case_id, arch, verdict, reason, duration, evidence FROM verdicts WHERE run = ?", (run,)):
        head, _, tail = cid.rpartition("@")
        suite, _, test = unquote(head).partition("/")
        opt = unquote(tail[len(arch):]).replace("+", " ") if tail.startswith(arch) else ""
        with contextlib.suppress(ValueError):
            out.append(CaseRecord(Case(cid, suite, test, arch, opt), V.by_name(verdict), reason or "",
                                  float(duration or 0.0), evidence=_evidence(ev)))
    return out


def _evidence(text: str | None) -> Evidence:
    try:
        return Evidence.from_json(json.loads(text)) if text else NO_EVIDENCE
    except ValueError:
        return NO_EVIDENCE


def slowest(db: sqlite3.Connection, run: int, n: int = 20) -> list[tuple[str, str, float]]:
    """A run's n slowest cases: (case id, verdict, seconds)."""
    return db.execute("SELECT case_id, verdict, duration FROM verdicts WHERE run = ? AND duration IS NOT NULL "
                      "ORDER BY duration DESC, case_id LIMIT ?", (run, n)).fetchall()


def _newest(db: sqlite3.Connection, selection: str | None) -> tuple[int, str] | None:
    if selection is None:
        return db.execute("SELECT id, selection_key FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return db.execute("SELECT id, selection_key FROM runs WHERE selection_key = ? ORDER BY id DESC LIMIT 1",
                      (selection,)).fetchone()


def flips(db: sqlite3.Connection, selection: str | None = None) -> list[tuple[str, str, str]]:
    """Cases whose verdict differs between the last two runs of one selection (default: the newest run's)."""
    newest = _newest(db, selection)
    if not newest:
        return []
    prev = db.execute("SELECT id FROM runs WHERE selection_key IS ? AND id < ? ORDER BY id DESC LIMIT 1",
                      (newest[1], newest[0])).fetchone()
    if not prev:
        return []
    a, b = verdicts_of(db, prev[0]), verdicts_of(db, newest[0])
    return sorted((cid, a[cid][0], b[cid][0]) for cid in a.keys() & b.keys()
                  if a[cid][0] != b[cid][0] and "not-run" not in (a[cid][0], b[cid][0]))


def flaky(db: sqlite3.Connection, window: int = 20, selection: str | None = None) -> list[tuple[str, list[str]]]:
    """Cases whose verdict changed between consecutive runs of one selection with the same candidate
    (its commit and uncommitted changes, or its bytes)."""
    if selection is None:
        runs = db.execute("SELECT id, selection_key, candidate_id FROM runs ORDER BY id DESC LIMIT ?",
                          (window,)).fetchall()
    else:
        runs = db.execute("SELECT id, selection_key, candidate_id FROM runs WHERE selection_key = ? "
                          "ORDER BY id DESC LIMIT ?", (selection, window)).fetchall()
    runs.reverse()
    seen: dict[str, list[str]] = {}
    by_selection: dict[str, tuple[int, str]] = {}
    for run, sel, cand in runs:
        before = by_selection.get(sel)
        by_selection[sel] = (run, cand)
        if before is None or before[1] != cand:
            continue
        a, b = verdicts_of(db, before[0]), verdicts_of(db, run)
        for cid in a.keys() & b.keys():
            if a[cid][0] != b[cid][0] and "not-run" not in (a[cid][0], b[cid][0]):
                seen.setdefault(cid, [a[cid][0]]).append(b[cid][0])
    return sorted(seen.items())
