"""The reference cache: GCC's half of a case, computed once, content-addressed.

One SQLite file (WAL, so several oracle processes and workers share it), or, for a fleet of
agents and CI machines, a Redis server (`--cache redis://…`, cache_redis.py) with the same keys,
checksums and format, and this file under it as the fallback. The key
hashes everything the reference outcome depends on: the test's bytes and every
file it includes or links, its flags and opt levels, the reference compiler's
identity (its --version line and the hash of its driver and cc1), the arch, the
emulator's identity, and this format's version. Every value carries a checksum
of its key and bytes: a corrupt or truncated entry, or a row that is not its
key's, is dropped and recomputed, never trusted. Timeouts and oracle's own failures are never stored.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import stat
import time
from pathlib import Path

from oracle.infra import cache_redis, proc
from oracle.discover.corpus import cache_root
from oracle.infra.entries import FORMAT, JUDGEMENT_PREFIX, checksum
from oracle.model.errors import UsageError
from oracle.model.case import Case, source_files
from oracle.infra.proc import ProcResult, Status
from oracle.infra.storage import open_db


def default_path() -> Path:
    return cache_root() / "reference.sqlite"


ENV = "ORACLE_CACHE"  # the --cache value when the option is not given (a folder, a file or a redis:// URL)


def configured(option: str | None) -> str:
    """What a run caches in: a redis:// URL (its password moved to $ORACLE_CACHE_PASSWORD, so it is
    never recorded) or an SQLite file path; UsageError (one line) when it cannot be used. A Redis
    server that does not answer is no error: the run goes on with the local cache (see
    cache_redis)."""
    option = option or os.environ.get(ENV) or None
    if not cache_redis.is_url(option):
        path = resolve_path(option).resolve()
        open_checked(path, "--cache").close()  # a cache that cannot be opened fails here, once
        return str(path)
    url, password = cache_redis.split_url(option)
    cache_redis.secret()  # no key, no shared cache
    if password is not None:
        os.environ[cache_redis.PASSWORD_ENV] = password  # the workers inherit it; results.json does not
    cache_redis.check(url, password)
    return url


def is_remote(where: str | None) -> bool:
    return cache_redis.is_url(where)


def open_cache(where: str, log_dir: str | None = None):
    """The cache `configured` chose: a Cache, or a RedisCache over the local default Cache (its
    fallback). Both have get, put, prefetch, release, stats, clear and close."""
    if not cache_redis.is_url(where):
        return Cache(resolve_path(where))
    try:
        local = Cache(default_path())
    except (OSError, sqlite3.Error, UsageError):
        local = None  # no local fallback: a server that goes away costs rebuilds, nothing else
    return cache_redis.RedisCache(where, local=local, log_dir=log_dir)


def resolve_path(option: str | None) -> Path:
    """`--cache DIR` (or a .sqlite file path) to the database file."""
    if not option:
        return default_path()
    p = Path(option)
    return p if p.suffix in (".sqlite", ".db") else p / "reference.sqlite"


def open_checked(path: Path, option: str = "--cache") -> "Cache":
    """The cache at path, or UsageError (one line) saying why it cannot be used there."""
    for place in (path, *path.parents):
        if place.exists():
            if place != path and not place.is_dir():
                raise UsageError(f"{option}: {place} is a file, not a folder: pass {option} DIR (a folder) or --no-cache")
            break
    if path.is_dir():
        raise UsageError(f"{option}: {path} is a folder, not a database file: pass {option} DIR or --no-cache")
    try:
        return Cache(path)
    except (OSError, sqlite3.Error) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"{option}: cannot use the reference cache at {path}: {why}: pass {option} DIR (a "
                         "writable folder) or --no-cache") from None


def command(option: str | None, action: str) -> str:
    """`oracle cache stats|clear` on the --cache folder, file or redis:// URL: the line to print."""
    option = option or os.environ.get(ENV) or None
    if cache_redis.is_url(option):
        url, password = cache_redis.split_url(option)
        if password is not None:
            os.environ[cache_redis.PASSWORD_ENV] = password
        cache_redis.check(url, password)
        c = cache_redis.RedisCache(url, key=b"")  # no entry is read: no HMAC key needed
    else:
        c = open_checked(resolve_path(option), "--cache")
    try:
        if action == "clear":
            return f"removed {c.clear()} entries (reference outcomes, reused judgements) from {c.url if cache_redis.is_url(option) else c.path}"
        st = c.stats()
        if "file_bytes" in st:
            return (f"{st['path']}: {st['entries']} reference outcomes, {st['judgements']} reused judgements, "
                    f"{st['file_bytes'] / 1e6:.1f} MB on disk")
        return (f"{st['path']}: {st['entries']} reference outcomes, {st['judgements']} reused judgements, "
                f"{(st['used_memory'] or 0) / 1e6:.1f} MB used by "
                f"the server (maxmemory {st['maxmemory'] or 'unlimited'}, policy {st['maxmemory_policy']}), "
                f"entries expire {st['ttl_s'] // 86400} days after they are written")
    finally:
        c.close()


def _single_owner(path: Path) -> None:
    """UsageError unless the cache at path is this user's alone: its folder and files owned by
    this user and writable by nobody else, the files regular and never links. The local cache's
    checksums are not keyed: anyone who could write it could turn a candidate failure into a
    reused pass. A fleet shares a reference through --cache redis:// (signed entries) instead.
    A missing folder is created 0700; the database and its journals are made 0600."""
    me = os.geteuid()
    folder = path.parent
    if not os.path.lexists(folder):
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass
    fix = ("use a cache folder of your own (--cache DIR), or share one through --cache redis://… "
           "(signed entries)")
    st = os.stat(folder)
    if st.st_uid != me:
        raise UsageError(f"--cache: the folder {folder} is owned by uid {st.st_uid}, not by you: anyone who can "
                         f"write a local cache can turn a failure into a reused pass; {fix}")
    if st.st_mode & 0o022:
        raise UsageError(f"--cache: the folder {folder} is writable by others (mode {st.st_mode & 0o7777:04o}): "
                         f"they could turn a failure into a reused pass; chmod go-w {folder}, or {fix}")
    for suffix in ("", "-wal", "-shm"):
        f = Path(str(path) + suffix)
        try:
            fst = os.lstat(f)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(fst.st_mode):
            raise UsageError(f"--cache: {f} is not a regular file (a symlink or a special file): remove it, or {fix}")
        if fst.st_uid != me or fst.st_mode & 0o022:
            raise UsageError(f"--cache: {f} is owned by uid {fst.st_uid} or writable by others (mode "
                             f"{fst.st_mode & 0o7777:04o}): a cache only you can write is trusted; remove it, "
                             f"or {fix}")


def _private(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.chmod(Path(str(path) + suffix), 0o600, follow_symlinks=False)
        except (FileNotFoundError, NotImplementedError, PermissionError):
            pass  # gone, or not ours to change: _single_owner refused it already if it mattered


class Cache:
    def __init__(self, path: Path):
        self.path = path
        self.hits = self.misses = self.dropped = 0
        _single_owner(path)
        self._db = self._open()
        _private(path)

    def _open(self) -> sqlite3.Connection:
        return open_db(self.path, "CREATE TABLE IF NOT EXISTS reference (key TEXT PRIMARY KEY, "
                       "value BLOB NOT NULL, checksum TEXT NOT NULL, created REAL NOT NULL);")

    def get(self, key: str) -> dict | None:
        try:
            row = self._db.execute("SELECT key, value, checksum FROM reference WHERE key=?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            self.misses += 1
            return None
        if row is None:
            self.misses += 1
            return None
        stored_key, value, checksum = row
        try:
            # The checksum covers the key too: a row that is not this key's (a damaged index,
            # pages mixed between files) is caught, not only damaged bytes.
            if stored_key != key or _checksum(key, value) != checksum:
                raise ValueError("checksum mismatch")
            data = json.loads(value)
        except (ValueError, TypeError):
            self.dropped += 1
            self.misses += 1
            self._delete(key)
            return None
        self.hits += 1
        return data

    def put(self, key: str, data: dict) -> None:
        value = json.dumps(data, separators=(",", ":")).encode()
        try:
            self._db.execute("INSERT OR REPLACE INTO reference VALUES (?, ?, ?, ?)",
                             (key, value, _checksum(key, value), time.time()))
        except sqlite3.DatabaseError:
            pass  # a cache that cannot be written only costs time

    def _delete(self, key: str) -> None:
        try:
            self._db.execute("DELETE FROM reference WHERE key=?", (key,))
        except sqlite3.DatabaseError:
            pass

    def prefetch(self, keys) -> int:
        """Batch reads are for remote caches: a local file answers each get at once."""
        return 0

    def release(self, key: str) -> None:
        """A key computed but not stored: nothing to release here (the Redis cache claims keys)."""

    def stats(self) -> dict:
        n, size = self._db.execute("SELECT count(*), coalesce(sum(length(value)), 0) FROM reference").fetchone()
        j = self._db.execute("SELECT count(*) FROM reference WHERE key LIKE ?", (JUDGEMENT_PREFIX + "%",)).fetchone()[0]
        return {"path": str(self.path), "entries": n - j, "judgements": j, "bytes": size,
                "file_bytes": self.path.stat().st_size if self.path.exists() else 0}

    def clear(self) -> int:
        n = self._db.execute("SELECT count(*) FROM reference").fetchone()[0]
        self._db.execute("DELETE FROM reference")
        self._db.execute("VACUUM")
        return n

    def close(self) -> None:
        self._db.close()


_checksum = checksum  # the name the SQLite store has always used


# ---------------------------------------------------------------- keys

_identity_memo: dict[tuple, str] = {}


def toolchain_identity(argv: tuple[str, ...], version: str) -> str:
    """The compiler as the cache sees it: --version, and the bytes of its driver and cc1."""
    key = (argv, version)
    if key not in _identity_memo:
        h = hashlib.sha256(version.encode())
        h.update("\0".join(argv).encode())
        h.update(_file_hash(argv[0]).encode())
        res = proc.run([*argv, "-print-prog-name=cc1"], timeout=10, stdout_limit=4096)
        cc1 = res.stdout.decode(errors="replace").strip()
        if res.status.ok and os.path.isabs(cc1):
            h.update(_file_hash(cc1).encode())
        _identity_memo[key] = h.hexdigest()
    return _identity_memo[key]


def _file_hash(path: str) -> str:
    try:
        st = os.stat(path)
        memo_key = (path, st.st_size, st.st_mtime_ns)
        if memo_key not in _file_memo:
            with open(path, "rb") as f:
                _file_memo[memo_key] = hashlib.file_digest(f, "sha256").hexdigest()
        return _file_memo[memo_key]
    except OSError:
        return "missing"


_file_memo: dict[tuple, str] = {}


def sources_digest(sources: tuple[str, ...]) -> str:
    """The bytes of the sources and of every header they include with quotes, each named as the
    compile sees it: relative to the folder that holds them all (the judge compiles a copy laid
    out so), never by where a clone or a cache folder lives. Two checkouts of one suite at two
    paths share every reference."""
    h = hashlib.sha256()
    files = [(os.path.normpath(path), data) for path, data in source_files(sources)]
    try:
        base = os.path.commonpath([os.path.dirname(p) or "." for p, _ in files]) if files else ""
    except ValueError:  # absolute and relative paths mixed: named as given
        base = ""
    for path, data in files:
        h.update(f"\0{os.path.relpath(path, base) if base else path}\0".encode())
        h.update(b"missing" if data is None else len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def reference_key(case: Case, compiler_identity: str, emulator: tuple[str, ...], emulator_version: str,
                  run_timeout: float, stdout_limit: int, settings: str) -> str:
    parts = {
        "format": FORMAT,
        "arch": case.arch,
        "flags": list(case.flags),
        "ref_opts": list(case.ref_opts),
        "sources": sources_digest(case.sources),
        "compiler": compiler_identity,
        "emulator": [list(emulator), emulator_version],
        "limits": [run_timeout, stdout_limit],
        # The sandbox (a program may behave differently without network) and the UB check.
        "settings": settings,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# ---------------------------------------------------------------- (de)serialising process results

def result_to_json(r: ProcResult, keep_stdout: bool) -> dict:
    return {"argv": list(r.argv), "status": r.status.to_json(), "duration": round(r.duration, 4),
            "stdout": base64.b64encode(r.stdout).decode() if keep_stdout else None,
            "stderr": base64.b64encode(r.stderr[:4096]).decode()}


def result_from_json(d: dict) -> ProcResult:
    return ProcResult(tuple(d["argv"]), Status.from_json(d["status"]),
                      stdout=base64.b64decode(d["stdout"]) if d.get("stdout") else b"",
                      stderr=base64.b64decode(d.get("stderr") or ""), duration=d.get("duration", 0.0))
