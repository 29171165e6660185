"""Reading a shared task folder safely: an entry is a regular file or nothing, never read through a
link, never bigger than what oracle writes (a committed link or a FIFO from another clone must
not make oracle write, delete, block or exhaust itself)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from oracle.model.errors import FeedError


def entry(path: Path) -> os.stat_result | None:
    """The lstat of a task-folder entry (None: absent). A symlink or a special file is refused:
    a committed link would make a claim write, or `done` delete, whatever it points to, and a
    FIFO or a device would block or exhaust the reader."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISLNK(st.st_mode):
        raise FeedError(f"{path} is a symlink, not a regular file: oracle never reads, writes or deletes through one; "
                        f"remove it (git rm) and try again")
    if not stat.S_ISREG(st.st_mode):
        raise FeedError(f"{path} is not a regular file: oracle never reads, writes or deletes it; "
                        f"remove it and try again")
    return st


def read_small(path: Path, cap: int, what: str = "a task-folder file") -> str | None:
    """A task-folder file's text (None: absent): a regular file, never through a link, at most
    `cap` bytes (bigger: FeedError, it was not written by oracle)."""
    st = entry(path)
    if st is None:
        return None
    if st.st_size > cap:
        raise FeedError(f"{path} is too big for {what} ({st.st_size} bytes; oracle writes at most {cap}): "
                        f"remove it and try again")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FeedError(f"{path} cannot be read as {what} ({exc.strerror}): remove it and try again") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped since the lstat
            raise FeedError(f"{path} is not a regular file: remove it and try again")
        data = f.read(cap + 1)
    if len(data) > cap:  # grew since the lstat
        raise FeedError(f"{path} is too big for {what}: remove it and try again")
    return data.decode(errors="replace")
