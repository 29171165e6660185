"""Report writers: each takes the same case records and writes one file.

Records may be a list or any re-iterable (a run of generated programs keeps them
on disk, not in memory): writers iterate, never index or take len(), and write
their file as they go.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator

from oracle.model.errors import UsageError

_UMASK = os.umask(0)
os.umask(_UMASK)


class NotAFile(UsageError, OSError):
    """An output path that names a device node, a FIFO, a symlink or a folder: oracle never writes
    through, chmods or renames over one (an atomic write over /dev/null replaced it with a file
    others could not write, and every later run on the machine judged nothing). A usage error
    (exit 2); an OSError too, so a writer that keeps going on a full disk keeps going here."""

    def __str__(self) -> str:
        return f"{self.filename} {self.strerror}"


_KINDS = ((stat.S_ISLNK, "a symlink"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def not_a_file(path: str | Path) -> str | None:
    """What path is when it exists and is not a regular file ("a FIFO"); None: missing or a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def refuse_special(path: str | Path, what: str = "") -> None:
    """NotAFile unless path is missing or a regular file (`what`: the option that named it)."""
    kind = not_a_file(path)
    if kind:
        raise NotAFile(errno.EPERM, f"{'(' + what + ') ' if what else ''}is {kind}, not a regular file: oracle "
                       "never writes through or replaces one; pass the path of a regular file, or remove it",
                       str(path))


def refuse_folder(path: str | Path) -> None:
    """NotAFile unless path is missing or a real folder (not a symlink to one): oracle writes into it."""
    kind = not_a_file(path)
    if kind and kind != "a folder" or kind is None and os.path.lexists(path):
        raise NotAFile(errno.EPERM, f"is {kind or 'a file'}, not a folder: oracle writes the case folders in it; "
                       "remove it or write elsewhere", str(path))


def open_regular(path: str | Path) -> int:
    """A descriptor open for writing on path, truncated: created if missing, NotAFile unless it is a
    regular file (never follows a symlink, never blocks on a FIFO, never truncates a device)."""
    refuse_special(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            refuse_special(path)  # swapped since the check
            raise NotAFile(errno.EPERM, "is not a regular file: oracle never writes through one", str(path))
        os.set_blocking(fd, True)
        os.ftruncate(fd, 0)
    except BaseException:
        os.close(fd)
        raise
    return fd


def atomic_write(path: str | Path, data: bytes | str) -> None:
    """Write to a temp file in the same folder, then rename: readers never see half a file."""
    with atomic_file(path) as f:
        f.write(data.encode() if isinstance(data, str) else data)


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[IO[bytes]]:
    """A binary file to write as you go; it replaces path only when the block ends without error."""
    path = Path(path)
    refuse_special(path)  # before anything is written
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 16) as f:
            os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; reports are for everyone to read
            yield f
        refuse_special(path)  # again: it may have been put there while the file was written
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
