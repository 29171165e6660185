"""The shared reference cache on a Redis server (`--cache redis://…`): one fleet, one reference.

The same content-addressed keys, checksums and format version as the SQLite cache (cache.py).
Every value also carries an HMAC-SHA256 with the secret in $ORACLE_CACHE_KEY: a process without
the key cannot plant a reference outcome that would hide a candidate failure from the others. An
entry whose HMAC does not verify is ignored (and overwritten once the reference is rebuilt).

Stored: `oracle:ref:<key>` = b"<FORMAT> <checksum> <hmac>\\n" + the outcome's JSON, written with
an expiry (ORACLE_CACHE_TTL seconds, 30 days by default); the server's `maxmemory-policy`
(allkeys-lru recommended) evicts under memory pressure. An evicted or expired entry only costs one
reference build.

Reads are batched: `prefetch(keys)` fetches a run's keys with MGETs in one pipeline (one round
trip), so a warm run asks the server once per worker. A miss claims the key (`oracle:claim:<key>`,
SET NX with a short expiry) so two agents never build the same reference at once: the second
waits for the first's entry, and builds it itself only if none comes before the claim expires.

If the server cannot be reached, or goes away mid-run, the run goes on with the local SQLite
cache: one warning line for the whole run (workers log to the run's `cache.log`, the controller
prints one line from it), and the server is tried again after RETRY_S seconds, then less and
less often (up to RETRY_MAX_S) while it stays away.
Nothing here can change a verdict: a failure to read is a miss, a failure to write is a lost
write.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from oracle.infra import resp
from oracle.infra.entries import FORMAT, JUDGEMENT_PREFIX, checksum
from oracle.model.errors import UsageError

PREFIX = b"oracle:ref:"
CLAIM_PREFIX = b"oracle:claim:"
DEFAULT_TTL_S = 30 * 24 * 3600
CLAIM_S = 90  # how long a claim holds; a reference build rarely takes longer (its waiters then build)
RETRY_S = 5.0  # after a failure, the server is tried again after this, then twice as long each time
RETRY_MAX_S = 60.0
CHUNK = 500  # keys per MGET
SCAN_MAX_S = 120.0  # `cache stats` / `clear`: a SCAN that has not ended by then never will
SCAN_MAX_STEPS = 1_000_000
CLAIM_WAITS = 3  # claims a run waits out in vain (the holder never stored its entry) before it stops waiting
KEY_ENV, PASSWORD_ENV, TTL_ENV = "ORACLE_CACHE_KEY", "ORACLE_CACHE_PASSWORD", "ORACLE_CACHE_TTL"
FORBIDDEN = ("NOPERM", "READONLY")  # error replies that lose one command, not the server
_DOWN = object()  # what a call returns when the server did not answer
LOG = "cache.log"  # in the run's folder: when the shared cache went away and came back


def is_url(option: str | None) -> bool:
    return bool(option) and option.startswith(("redis://", "rediss://"))


def split_url(url: str) -> tuple[str, str | None]:
    """(the URL without its password, the password): the password never reaches results.json.
    UsageError when it is no redis URL oracle can use."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    db = parts.path.strip("/") or "0"
    if not parts.hostname or port == -1 or not db.isdigit() or parts.query:
        raise UsageError(f"bad --cache {redact(url)!r}: use redis://[:PASSWORD@]HOST:PORT/DB, "
                         "e.g. redis://:secret@cache.example:6379/0")
    user = unquote(parts.username) if parts.username else ""
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = (f"{user}@" if user else "") + host + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, f"/{db}", "", "")), (
        unquote(parts.password) if parts.password is not None else None)


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def secret() -> bytes:
    """The HMAC key, from the environment; UsageError when it is not set."""
    key = os.environ.get(KEY_ENV, "")
    if not key:
        raise UsageError(f"--cache redis://…: set {KEY_ENV} to the fleet's shared secret (the same on every "
                         "agent; entries are signed with it), e.g. export "
                         f"{KEY_ENV}=$(cat /run/secrets/oracle-cache-key)")
    return key.encode()


def ttl() -> int:
    try:
        return max(1, int(os.environ.get(TTL_ENV) or DEFAULT_TTL_S))
    except ValueError:
        return DEFAULT_TTL_S


def client(url: str, password: str | None = None, timeout: float = 5.0) -> resp.Client:
    """A connection to the server: every call has one deadline (timeout seconds) and bounded
    replies (resp.py), and nothing retries inside it: RedisCache retries by itself (_call)."""
    return resp.Client(url, password=password or os.environ.get(PASSWORD_ENV) or None, timeout=timeout)


def _refused_password(exc: resp.ReplyError) -> bool:
    text = str(exc).lower()
    return exc.code in ("WRONGPASS", "NOAUTH") or "password" in text or text.startswith("err auth")


def check(url: str, password: str | None) -> str | None:
    """Before the run: UsageError when the server refuses us (wrong password, no such db); the
    reason it is unreachable as a string (the run then goes on with the local cache); else None."""
    c = client(url, password)
    try:
        c.ping()
        return None
    except resp.ReplyError as exc:
        if _refused_password(exc):
            raise UsageError(f"--cache {url}: the server refused the password ({exc}): give the right one in the "
                             f"URL (redis://:PASSWORD@…) or in ${PASSWORD_ENV}") from None
        raise UsageError(f"--cache {url}: the server refused oracle ({exc}): check the URL's db and the ACL "
                         "user (it needs GET, SET, MGET, DEL)") from None
    except resp.Broken as exc:
        return str(exc) or type(exc).__name__
    finally:
        c.close()


class RedisCache:
    """The reference cache on a Redis server, with the local SQLite cache under it."""

    def __init__(self, url: str, *, local=None, log_dir: str | None = None, key: bytes | None = None):
        self.url = url  # without its password
        self.local = local  # a cache.Cache, or None
        self.log_dir = log_dir
        self.hits = self.misses = self.dropped = self.ignored = self.round_trips = 0
        self._secret = key if key is not None else secret()
        self._ttl = ttl()
        self._client = client(url)
        self._memo: dict[str, bytes | None] = {}  # prefetched: the raw value, or None (absent)
        self._claimed: set[str] = set()
        self._down = False
        self._retry_at = 0.0
        self._backoff = RETRY_S
        self._warned = False
        self._me = f"{socket.gethostname()}:{os.getpid()}:{os.environ.get('AGENT_ID', '')}".encode()
        self._vain_waits = 0  # claims waited out with no entry coming: after CLAIM_WAITS, no more waiting

    # ---------------------------------------------------------------- the cache interface

    def prefetch(self, keys) -> int:
        """Fetch these keys' entries in one round trip (MGETs in a pipeline); returns how many."""
        todo = [k for k in dict.fromkeys(keys) if k not in self._memo]
        if not todo:
            return 0
        chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]

        def fetch():
            pipe = self._client.pipeline()
            for chunk in chunks:
                pipe.mget([PREFIX + k.encode() for k in chunk])
            return pipe.execute()

        answers = self._call(fetch)
        if answers is _DOWN or answers is None:
            return 0
        for chunk, values in zip(chunks, answers):
            if values is not None:
                self._memo.update(zip(chunk, values))
        return len(todo)

    def get(self, key: str) -> dict | None:
        if key in self._memo:
            raw = self._memo.pop(key)
        else:
            raw = self._call(lambda: self._client.get(PREFIX + key.encode()))
        if raw is _DOWN:
            return self._local_get(key)
        data = self._decode(key, raw) if raw is not None else None
        if data is None:
            data = self._claim_or_wait(key)
        if data is None:
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put(self, key: str, data: dict) -> None:
        if self.local is not None:
            self.local.put(key, data)
        value = json.dumps(data, separators=(",", ":")).encode()
        blob = f"{FORMAT} {checksum(key, value)} {self._mac(key, value)}\n".encode() + value

        def store():
            pipe = self._client.pipeline()
            pipe.set(PREFIX + key.encode(), blob, ex=self._ttl)
            if key in self._claimed:
                pipe.delete(CLAIM_PREFIX + key.encode())
            return pipe.execute()

        self._call(store)
        self._claimed.discard(key)
        self._memo.pop(key, None)

    def release(self, key: str) -> None:
        """The reference was built but not stored (a timeout decided it): let waiters build it."""
        if key in self._claimed:
            self._claimed.discard(key)
            self._call(lambda: self._client.delete(CLAIM_PREFIX + key.encode()))

    def stats(self) -> dict:
        def gather():
            n = sum(len(batch) for batch in self._scan(PREFIX + b"*"))
            j = sum(len(batch) for batch in self._scan(PREFIX + JUDGEMENT_PREFIX.encode() + b"*"))
            return (n - j, j), self._client.info("memory")

        got = self._call(gather)
        if got is _DOWN:
            raise UsageError(f"--cache {self.url}: the server does not answer: start it, or check the URL")
        (n, j), mem = got
        return {"path": self.url, "entries": n, "judgements": j, "used_memory": mem.get("used_memory"),
                "maxmemory": mem.get("maxmemory"), "maxmemory_policy": mem.get("maxmemory_policy"),
                "ttl_s": self._ttl}

    def clear(self) -> int:
        def wipe():
            n = 0
            batch = []
            for keys in self._scan(PREFIX + b"*"):
                batch.extend(keys)
                if len(batch) >= 1000:
                    n += self._client.delete(*batch)
                    batch = []
            return n + (self._client.delete(*batch) if batch else 0)

        got = self._call(wipe)
        if got is _DOWN:
            raise UsageError(f"--cache {self.url}: the server does not answer: start it, or check the URL")
        return got

    def _scan(self, match: bytes):
        """SCAN's batches, bounded: a server whose cursor never ends (or comes back to one it gave)
        ends the scan with UsageError after SCAN_MAX_S seconds or SCAN_MAX_STEPS steps."""
        deadline = time.monotonic() + SCAN_MAX_S
        cursor, seen = 0, set()
        for _ in range(SCAN_MAX_STEPS):
            cursor, keys = self._client.scan(cursor=cursor, match=match, count=1000)
            yield keys
            if not cursor:
                return
            if cursor in seen or time.monotonic() > deadline:
                break
            seen.add(cursor)
        raise UsageError(f"--cache {self.url}: the server's SCAN does not end (a cursor repeats, or it went on "
                         f"past {SCAN_MAX_S:g} s): it is no Redis oracle can count or clear; check the server")

    def close(self) -> None:
        for key in list(self._claimed):
            self.release(key)
        if self.local is not None:
            self.local.close()
        try:
            self._client.close()
        except Exception:  # noqa: BLE001 - closing a dead connection may raise anything; nothing to do
            pass

    # ---------------------------------------------------------------- entries

    def _mac(self, key: str, value: bytes) -> str:
        return hmac.new(self._secret, b"oracle-ref\0" + key.encode() + b"\0" + value, hashlib.sha256).hexdigest()

    def _decode(self, key: str, raw: bytes, count: bool = True) -> dict | None:
        """The entry's data, or None when it is not one this cache can trust (counted, with count)."""
        head, _, value = raw.partition(b"\n")
        parts = head.decode(errors="replace").split(" ")
        why = None
        if len(parts) != 3 or parts[0] != str(FORMAT):
            why = "dropped"
        elif not hmac.compare_digest(parts[2], self._mac(key, value)):
            why = "ignored"  # not signed with our key: never trusted
        elif parts[1] != checksum(key, value):
            why = "dropped"
        else:
            try:
                data = json.loads(value)
                if isinstance(data, dict):
                    return data
            except ValueError:
                pass
            why = "dropped"
        if count:
            setattr(self, why, getattr(self, why) + 1)
        return None

    def _claim_or_wait(self, key: str) -> dict | None:
        """A miss: claim the key (None: build it), or wait for the agent that holds it. Each try
        also reads the entry (one round trip): a prefetched batch is a snapshot, and another
        agent may have stored the entry since."""
        claim, entry = CLAIM_PREFIX + key.encode(), PREFIX + key.encode()
        deadline = time.monotonic() + CLAIM_S

        mine = self._claim_value(key)

        def attempt():
            pipe = self._client.pipeline()
            pipe.set(claim, mine, nx=True, ex=CLAIM_S)
            pipe.get(entry)
            pipe.get(claim)
            return pipe.execute()

        while True:
            got = self._call(attempt)
            if got is _DOWN:
                return self._local_get(key, counted=False)
            claimed, raw, holder = got
            data = self._decode(key, raw, count=False) if raw is not None else None
            if data is not None:
                if claimed:
                    self._call(lambda: self._client.delete(claim))
                return data
            if claimed:
                self._claimed.add(key)
                return None
            if not self._genuine_claim(key, holder) or self._vain_waits >= CLAIM_WAITS:
                return None  # a claim nobody with the key made (or too many waits in vain): build it here
            if time.monotonic() >= deadline:
                self._vain_waits += 1
                return None  # the holder is gone or slow: build it here
            time.sleep(0.2)

    def _claim_value(self, key: str) -> bytes:
        """A claim's value: who, since when, signed with the fleet's key over the claim's key."""
        body = self._me + b" " + str(int(time.time())).encode()
        return body + b" " + self._mac("claim:" + key, body).encode()

    def _genuine_claim(self, key: str, value: bytes | None) -> bool:
        """Whether a claim was made by an agent with the key, and lately: a planted claim (no HMAC, or
        an old one replayed with a long expiry) is not waited for."""
        if not value or len(value) > 1024:
            return False
        body, _, mac = value.rpartition(b" ")
        stamp = body.rpartition(b" ")[2]
        if not hmac.compare_digest(mac, self._mac("claim:" + key, body).encode()) or not stamp.isdigit():
            return False
        return abs(time.time() - int(stamp)) <= CLAIM_S + 5

    def _local_get(self, key: str, counted: bool = True) -> dict | None:
        data = self.local.get(key) if self.local is not None else None
        if counted:
            if data is None:
                self.misses += 1
            else:
                self.hits += 1
        return data

    # ---------------------------------------------------------------- the server coming and going

    def _call(self, fn):
        """fn() against the server, or _DOWN: a server that failed is left alone a while (_went_down).
        A command the server forbids (an ACL, a read-only replica) is lost: its reply is None."""
        if self._down and time.monotonic() < self._retry_at:
            return _DOWN
        self.round_trips += 1
        try:
            result = fn()
            if isinstance(result, list):  # a pipeline's replies: errors come back in place
                result = [self._forbidden(r) if isinstance(r, resp.ReplyError) else r for r in result]
        except resp.ReplyError as exc:  # one command's, or a pipeline's that _forbidden raised again
            if exc.code not in FORBIDDEN:
                self._went_down(exc)
                return _DOWN
            result = self._forbidden(exc)
        except OSError as exc:  # resp.Broken: no server, a timeout, a reply out of bounds
            self._went_down(exc)
            return _DOWN
        if self._down:
            self._down = False
            self._note(f"{self.url} answers again: using it")
        return result

    def _forbidden(self, exc: resp.ReplyError) -> None:
        """None for a command the server forbids (noted); any other error reply is raised again."""
        if exc.code not in FORBIDDEN:
            raise exc
        self._note(f"the server refused a command: {exc}")
        return None

    def _went_down(self, exc: Exception) -> None:
        # A server that is unreachable (not refusing: silent) costs a connect timeout per try,
        # so the tries thin out while it stays away.
        self._backoff = min(RETRY_MAX_S, self._backoff * 2) if self._down else RETRY_S
        self._retry_at = time.monotonic() + self._backoff
        if self._down:
            return
        self._down = True
        why = (str(exc) or type(exc).__name__).splitlines()[0][:200]
        local = f"the local cache {self.local.path}" if self.local is not None else "no cache"
        self._note(f"warning: the shared reference cache {self.url} does not answer ({why}): going on with {local}, "
                   "and reconnecting when it returns", warn=True)

    def _note(self, line: str, warn: bool = False) -> None:
        """One line in the run's cache.log (the controller turns it into one warning line at the end
        of the run, whatever the number of workers); without a run folder, warnings go to stderr."""
        stamped = f"{time.strftime('%Y-%m-%dT%H:%M:%S%z')} pid {os.getpid()}: {line}\n"
        if self.log_dir is not None:
            try:
                with open(Path(self.log_dir, LOG), "a") as f:
                    f.write(stamped)
                return
            except OSError:
                pass
        if warn and not self._warned:
            self._warned = True
            try:
                os.write(sys.__stderr__.fileno() if sys.__stderr__ else 2, f"oracle: {line}\n".encode())
            except (OSError, ValueError):
                pass


def run_warning(out_dir: str | Path) -> str | None:
    """The one warning line for a run whose workers found the shared cache away (from cache.log)."""
    try:
        lines = Path(out_dir, LOG).read_text(errors="replace").splitlines()
    except OSError:
        return None
    downs = [line for line in lines if "does not answer" in line]
    if not downs:
        return None
    first = downs[0].split(": ", 1)[1].removeprefix("warning: ")
    back = sum("answers again" in line for line in lines)
    more = f"; {len(downs)} worker(s) lost it, {back} reconnected (see {LOG})" if len(downs) > 1 or back else ""
    return first + more
