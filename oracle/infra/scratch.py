"""Scratch folders: where Judges build and run, and how none outlives its run.

Every case makes folders, binaries and the compilers' temporary files and deletes them a
moment later: on a disk filesystem that metadata churn is real time (a cold torture run on
this project's ext4 /tmp was 10-15% slower), in RAM it is nothing. So with the sandbox (which
caps what binaries write) scratch goes to /dev/shm when it is usable.

A Judge locks its folder while it lives (and a run its pytest base folder). At its end a run
removes its own folders that a killed worker left; at its start it removes the folders of
runs that died outright (their lock is free), never those of live runs on the same machine.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterator

SHM = "/dev/shm"
SHM_MIN_FREE = 2 << 30  # two workers' worst case: a compile may write 1 GiB
LOCK = ".oracle-lock"
ABANDONED_AFTER_S = 3600  # a folder with no lock file: a live one is touched every case
SWEPT = ("oracle-work-", "oracle-pytest-")  # the folders that carry a lock
_PROJECT = re.compile(r"oracle-\d{8}-\d{6}-\d+-proj-")  # a project's candidate build (hold_shared)


def root(ram: bool = True) -> str:
    """$ORACLE_SCRATCH if set; else, with `ram`, /dev/shm when it is a usable RAM filesystem
    (writable, programs may run from it, 2 GiB free); else the temp folder."""
    chosen = os.environ.get("ORACLE_SCRATCH")
    if chosen:
        return chosen
    if ram:
        try:
            st = os.statvfs(SHM)
            if os.access(SHM, os.W_OK | os.X_OK) and not st.f_flag & (os.ST_NOEXEC | os.ST_RDONLY) \
                    and st.f_bavail * st.f_frsize >= SHM_MIN_FREE:
                return SHM
        except OSError:
            pass
    return tempfile.gettempdir()


def prefix(run_id: str) -> str:
    """The name every Judge scratch folder of this run starts with."""
    return f"oracle-work-{run_id}-"


def hold(folder: Path | str) -> int:
    """Lock folder for the life of this process (or until the returned fd is closed)."""
    fd = os.open(os.path.join(folder, LOCK), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


_HELD: dict[str, int] = {}


def hold_shared(folder: Path | str) -> None:
    """Share a lock on folder for the life of this process: the folder several workers of one run
    use (a project's candidate build) is live while any of them is, abandoned once all are gone."""
    folder = str(folder)
    if folder not in _HELD:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(os.path.join(folder, LOCK), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_SH)
        _HELD[folder] = fd


def _folders(prefixes: tuple[str, ...], pattern: re.Pattern | None = None) -> Iterator[str]:
    for parent in {root(ram=True), root(ram=False), tempfile.gettempdir()}:
        try:
            names = [n for n in os.listdir(parent) if n.startswith(prefixes) or (pattern and pattern.match(n))]
        except OSError:
            continue
        yield from (os.path.join(parent, n) for n in names)


def sweep_run(run_id: str) -> None:
    """Once the run's workers are gone: remove what a killed one left (its Judge's folder, its
    container's scratch folder), which in /dev/shm would hold memory until reboot."""
    for path in _folders((prefix(run_id), f"oracle-{run_id}-")):
        shutil.rmtree(path, ignore_errors=True)


def sweep_abandoned() -> list[str]:
    """At the start of a run: remove the folders of runs that died without cleaning up (killed
    with SIGKILL, the machine's power). Returns what was removed."""
    removed = [path for path in _folders(SWEPT, _PROJECT) if _abandoned(path)]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def _abandoned(path: str) -> bool:
    try:
        fd = os.open(os.path.join(path, LOCK), os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:  # being made this instant, or from an older oracle: go by age
        try:
            return time.time() - os.stat(path).st_mtime > ABANDONED_AFTER_S
        except OSError:
            return False
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True  # nobody holds it
    except OSError:
        return False  # a live Judge or run
    finally:
        os.close(fd)


def make_folder(work: Path, name: str) -> str:
    """A fresh folder on the host for one binary's run (backends whose binaries write there), by a
    name no one can guess: the compiler wrote in `work` first and may have made folders there."""
    path = tempfile.mkdtemp(prefix=f"{name}-", dir=work)
    os.chmod(path, 0o755)  # the binary may run as another uid
    return path
