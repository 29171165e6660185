"""A small Redis client (RESP2) that a hostile or broken server cannot hang or blow up.

Why not redis-py: its socket timeout is per read, so a server that trickles one byte a second holds
a worker for as long as it likes; it believes a bulk length of 3 GB and allocates for it; and a
server that answers the RESP3 handshake oddly crashed it with a traceback. Here every call (a
command or a pipeline, connecting included) has one deadline, and every reply is bounded: a line,
a bulk string, an array, the nesting and the whole reply. Any breach is a `Broken` server, which
the cache treats like one that is down (a miss, the local cache, one warning line).

Only what the cache needs: AUTH and SELECT on connect, GET, SET (NX, EX), MGET, DEL, EXISTS, TTL,
SCAN, INFO, PING, and pipelines of them. TLS for rediss://.
"""

from __future__ import annotations

import socket
import ssl
import time
from urllib.parse import unquote, urlsplit

MAX_LINE = 64 * 1024  # a status, an error or a length line
MAX_BULK = 64 * 1024 * 1024  # one value (a reference outcome is far smaller)
MAX_ARRAY = 1_000_000  # elements in one array reply (an MGET chunk, a SCAN batch)
MAX_REPLY = 512 * 1024 * 1024  # bytes in one call's replies, all together
MAX_DEPTH = 4  # nested arrays (SCAN's is two deep)


class Broken(OSError):
    """The server did not answer as Redis does in time: a timeout, a closed connection, a reply
    that breaks the protocol or a bound. The connection is dropped."""


class ReplyError(Exception):
    """The server answered with an error (`-ERR …`, `-NOPERM …`): the connection stays good."""

    @property
    def code(self) -> str:
        return (str(self).split(" ", 1)[0] or "ERR").upper()


class Status(bytes):
    """A simple-string reply (`+OK`, `+PONG`): never a value, which comes as a bulk string."""


def _arg(a) -> bytes:
    return a if isinstance(a, bytes) else str(a).encode()


def encode(*args) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for a in map(_arg, args):
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


class _Reader:
    """Reads replies off one socket before one deadline, within the bounds."""

    def __init__(self, sock, deadline: float):
        self.sock, self.deadline = sock, deadline
        self.buf = bytearray()
        self.total = 0

    def _more(self, want: int) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Broken("the server did not answer in time")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(max(65536, min(want, 1 << 20)))
        except socket.timeout:
            raise Broken("the server did not answer in time") from None
        if not chunk:
            raise Broken("the server closed the connection")
        self.total += len(chunk)
        if self.total > MAX_REPLY:
            raise Broken(f"the server's reply is larger than {MAX_REPLY >> 20} MiB")
        self.buf += chunk

    def line(self) -> bytes:
        start = 0
        while True:
            end = self.buf.find(b"\r\n", start)
            if end >= 0:
                out = bytes(self.buf[:end])
                del self.buf[:end + 2]
                return out
            if len(self.buf) > MAX_LINE:
                raise Broken(f"the server sent a line longer than {MAX_LINE >> 10} KiB")
            start = max(0, len(self.buf) - 1)
            self._more(1)

    def exactly(self, n: int) -> bytes:
        while len(self.buf) < n + 2:
            self._more(n + 2 - len(self.buf))
        if self.buf[n:n + 2] != b"\r\n":
            raise Broken("the server's reply breaks the protocol (a bulk string without its end)")
        out = bytes(self.buf[:n])
        del self.buf[:n + 2]
        return out

    def reply(self, depth: int = 0):
        line = self.line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return Status(rest)
        if kind == b"-":
            return ReplyError(rest.decode(errors="replace"))
        if kind in (b":", b"$", b"*"):
            n = self._number(rest)
            if kind == b":":
                return n
            if n == -1:
                return None
            if n < 0:
                raise Broken(f"the server's reply breaks the protocol (length {n})")
            if kind == b"$":
                if n > MAX_BULK:
                    raise Broken(f"the server announced a value of {n} bytes (more than {MAX_BULK >> 20} MiB)")
                return self.exactly(n)
            if n > MAX_ARRAY or depth >= MAX_DEPTH:
                raise Broken(f"the server announced an array of {n} elements, {depth + 1} deep (too many)")
            return [self.reply(depth + 1) for _ in range(n)]
        raise Broken(f"the server's reply breaks the protocol (it begins {line[:20]!r})")

    @staticmethod
    def _number(text: bytes) -> int:
        if not text or len(text) > 20 or not text.lstrip(b"-").isdigit():
            raise Broken(f"the server's reply breaks the protocol (a length {text[:20]!r})")
        return int(text)


def _expect(value, *kinds):
    """The reply, when it is of one of these types; else Broken (error replies never come here)."""
    if type(value) in kinds:
        return value
    raise Broken(f"the server answered {type(value).__name__} where Redis answers {kinds[0].__name__}")


# What each command's reply must look like.
def _bulk(v):
    return _expect(v, bytes, type(None))


def _int(v):
    return _expect(v, int)


def _bulks(v):
    return [_bulk(x) for x in _expect(v, list)]


def _scan(v):
    if type(v) is not list or len(v) != 2 or type(v[0]) is not bytes or not v[0].isdigit():
        raise Broken("the server's SCAN reply is no cursor and keys")
    return int(v[0]), _bulks(v[1])


def _info(v):
    out = {}
    for line in _expect(v, bytes).decode(errors="replace").splitlines():
        if ":" in line and not line.startswith("#"):
            k, _, val = line.partition(":")
            out[k] = int(val) if val.isdigit() else val
    return out


def _any(v):
    return v


class _Commands:
    """The commands, as (arguments, shape of the reply); a Client runs them at once, a Pipeline
    queues them."""

    def _do(self, shape, *args):
        raise NotImplementedError

    def ping(self):
        return self._do(_any, b"PING")

    def get(self, key):
        return self._do(_bulk, b"GET", key)

    def mget(self, keys):
        return self._do(_bulks, b"MGET", *keys)

    def set(self, key, value, ex: int | None = None, nx: bool = False):
        args = [b"SET", key, value] + ([b"NX"] if nx else []) + ([b"EX", ex] if ex else [])
        return self._do(_any, *args)

    def delete(self, *keys):
        return self._do(_int, b"DEL", *keys)

    def exists(self, key):
        return self._do(_int, b"EXISTS", key)

    def ttl(self, key):
        return self._do(_int, b"TTL", key)

    def scan(self, cursor: int = 0, match: bytes | None = None, count: int | None = None):
        args = [b"SCAN", cursor] + ([b"MATCH", match] if match else []) + ([b"COUNT", count] if count else [])
        return self._do(_scan, *args)

    def info(self, section: str | None = None):
        return self._do(_info, b"INFO", *([section] if section else []))


class Client(_Commands):
    """One connection to one server, opened on first use and dropped after a Broken reply."""

    def __init__(self, url: str, password: str | None = None, timeout: float = 5.0):
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ValueError(f"not a redis URL: {url!r}")
        self.host, self.port = parts.hostname, parts.port or 6379
        self.tls = parts.scheme == "rediss"
        self.user = unquote(parts.username) if parts.username else None
        pw = password if password is not None else (unquote(parts.password) if parts.password else None)
        self.password = pw or None
        db = parts.path.strip("/") or "0"
        self.db = int(db) if db.isdigit() else 0
        self.timeout = timeout
        self._sock = None

    # one command at once
    def _do(self, shape, *args):
        value = self.execute([(shape, args)])[0]
        if isinstance(value, ReplyError):
            raise value
        return value

    def pipeline(self) -> Pipeline:
        return Pipeline(self)

    def execute(self, commands) -> list:
        """Send these commands in one round trip and read their replies before one deadline (a
        little longer for a long pipeline). Error replies come back in place, as ReplyError."""
        deadline = time.monotonic() + self.timeout + 0.01 * len(commands)
        try:
            sock = self._connect(deadline)
            self._send(sock, b"".join(encode(*args) for _, args in commands), deadline)
            reader = _Reader(sock, deadline)
            replies = [reader.reply() for _ in commands]
            return [r if isinstance(r, ReplyError) else shape(r) for r, (shape, _) in zip(replies, commands)]
        except OSError as exc:  # Broken, a refused connection, a timeout, TLS
            self.close()
            if isinstance(exc, Broken):
                raise
            raise Broken(str(exc) or type(exc).__name__) from None

    def _send(self, sock, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Broken("the server did not take the request in time")
            sock.settimeout(left)
            try:
                n = sock.send(view)
            except socket.timeout:
                raise Broken("the server did not take the request in time") from None
            view = view[n:]

    def _connect(self, deadline: float):
        if self._sock is not None:
            return self._sock
        left = deadline - time.monotonic()
        sock = socket.create_connection((self.host, self.port), timeout=max(0.05, min(2.0, left)))
        try:
            if self.tls:
                ctx = ssl.create_default_context()
                sock.settimeout(max(0.05, deadline - time.monotonic()))
                sock = ctx.wrap_socket(sock, server_hostname=self.host)
            hello = []
            if self.password:
                hello.append((b"AUTH",) + ((self.user,) if self.user else ()) + (self.password,))
            if self.db:
                hello.append((b"SELECT", self.db))
            if hello:
                self._send(sock, b"".join(encode(*h) for h in hello), deadline)
                reader = _Reader(sock, deadline)
                for _ in hello:
                    got = reader.reply()
                    if isinstance(got, ReplyError):
                        raise got
        except BaseException:
            sock.close()
            raise
        self._sock = sock
        return sock

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def scan_iter(self, match: bytes | None = None, count: int = 1000):
        cursor = None
        while cursor != 0:
            cursor, keys = self.scan(cursor or 0, match=match, count=count)
            yield from keys


class Pipeline(_Commands):
    """Commands queued, then sent together: `execute()` gives their replies in order."""

    def __init__(self, client: Client):
        self.client = client
        self.commands: list = []

    def _do(self, shape, *args):
        self.commands.append((shape, args))
        return self

    def execute(self) -> list:
        commands, self.commands = self.commands, []
        return self.client.execute(commands) if commands else []
