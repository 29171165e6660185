"""Where a case's jobs run: here, as processes with test binaries in the bwrap sandbox
(`local`), or in one long-lived container per worker and arch (`docker`). The Judge holds one backend and does not know
which: a backend runs one job as `proc.run` does and gives back its ProcResult, exit
status and stdout byte for byte.

Kept free of heavy imports: the container-side agent imports this package too.
"""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING, Protocol

from .. import proc

if TYPE_CHECKING:
    from pathlib import Path

    from ..config import RunConfig

NAMES = ("local", "docker")


SHM = "/dev/shm"
SHM_MIN_FREE = 2 << 30  # two workers' worst case: a compile may write 1 GiB


def scratch_root(ram: bool = True) -> str:
    """Where the Judges' scratch folders go: $ORACLE_SCRATCH if set; else, with `ram`, /dev/shm when
    it is a usable RAM filesystem (writable, programs may run from it, 2 GiB free); else the temp folder.

    Every case makes folders, binaries and the compilers' temporary files and deletes them a
    moment later: on a disk filesystem that metadata churn is real time (a cold torture run on
    this project's ext4 /tmp was about 15% slower), in RAM it is nothing.
    """
    chosen = os.environ.get("ORACLE_SCRATCH")
    if chosen:
        return chosen
    if not ram:
        return tempfile.gettempdir()
    try:
        st = os.statvfs(SHM)
        if os.access(SHM, os.W_OK | os.X_OK) and not st.f_flag & (os.ST_NOEXEC | os.ST_RDONLY) \
                and st.f_bavail * st.f_frsize >= SHM_MIN_FREE:
            return SHM
    except OSError:
        pass
    return tempfile.gettempdir()


class BackendError(Exception):
    """The backend could not run a job (not the job's own failure): the case is infra-error."""


class Backend(Protocol):
    def run(self, argv: list[str] | tuple[str, ...], *, arch: str, cwd: str, timeout: float,
            stdout_limit: int = proc.MiB, stderr_limit: int = 64 * 1024, kill_on_stdout_overflow: bool = True,
            limits: proc.Limits = proc.Limits(), env: dict[str, str] | None = None) -> proc.ProcResult:
        """Run argv for `arch` in cwd (a folder under scratch_parent()), stdin from /dev/null."""

    def run_binary(self, argv: list[str] | tuple[str, ...], *, arch: str, cwd: str, timeout: float,
                   stdout_limit: int = proc.MiB, limits: proc.Limits = proc.Limits(),
                   env: dict[str, str] | None = None) -> proc.ProcResult:
        """Run a test binary (or the emulator running one): as run(), inside the sandbox if any."""

    def run_folder(self, work: "Path", name: str) -> str:
        """A fresh folder, named name, for one run_binary's cwd (its files are gone after the case)."""

    def start(self, root: "Path") -> None:
        """The Judge made its scratch folder, root: the one place binaries may write."""

    def tidy(self, root: "Path") -> None:
        """After each case: end whatever the case's jobs left running."""

    def scratch_parent(self) -> str | None:
        """Where the Judge makes its scratch folder: jobs see it at the same path (None: the default)."""

    def close(self) -> None:
        """End every process and container this backend started; safe to call twice."""


def open_backend(cfg: "RunConfig") -> Backend:
    if cfg.backend == "docker":
        from .docker import DockerBackend

        return DockerBackend(cfg)
    from .local import LocalBackend

    return LocalBackend(sandbox=cfg.sandbox == "bwrap")


def scratch_prefix(cfg: "RunConfig") -> str:
    """The name every Judge scratch folder of this run starts with."""
    return f"oracle-work-{cfg.run_id}-"


def sweep_scratch(cfg: "RunConfig") -> None:
    """Once the run's workers are gone: remove the scratch folders a killed worker could not
    (in /dev/shm they would hold memory until the next reboot)."""
    import shutil

    prefixes = (scratch_prefix(cfg), f"oracle-{cfg.run_id}-")  # (a Judge's, a container's)
    for root in {scratch_root(ram=True), scratch_root(ram=False)}:
        try:
            names = [n for n in os.listdir(root) if n.startswith(prefixes)]
        except OSError:
            continue
        for name in names:
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)


LOCK = ".oracle-lock"  # in a Judge's scratch folder, locked while the Judge lives
ABANDONED_AFTER_S = 3600  # a scratch folder with no lock file: a live one is touched every case


def hold_scratch(folder: "Path | str") -> int:
    """Lock folder for the life of its Judge, or of a run's pytest base folder (the lock goes with
    the process, however it ends)."""
    import fcntl

    fd = os.open(os.path.join(folder, LOCK), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def sweep_abandoned() -> list[str]:
    """At the start of a run: remove the Judge scratch folders (and pytest's base folders) of runs
    that died without cleaning up (killed with SIGKILL, the machine's power): their lock is free. Folders of live runs, this
    machine's other oracles included, hold theirs. Returns what was removed."""
    import fcntl
    import shutil
    import time

    removed = []
    for root in {scratch_root(ram=True), scratch_root(ram=False), tempfile.gettempdir()}:
        try:
            names = [n for n in os.listdir(root) if n.startswith(("oracle-work-", "oracle-pytest-"))]
        except OSError:
            continue
        for name in names:
            path = os.path.join(root, name)
            try:
                fd = os.open(os.path.join(path, LOCK), os.O_RDWR | os.O_CLOEXEC)
            except FileNotFoundError:
                try:  # being made this instant, or from an older oracle: go by age
                    if time.time() - os.stat(path).st_mtime > ABANDONED_AFTER_S:
                        shutil.rmtree(path, ignore_errors=True)
                        removed.append(path)
                except OSError:
                    pass
                continue
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # held: a live Judge
            finally:
                os.close(fd)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def finish_run(cfg: "RunConfig") -> None:
    """On the controller, when the run ends however it ends: nothing of the run is left behind."""
    if cfg.backend == "docker":
        from .engine import remove_run

        remove_run(cfg.run_id)


__all__ = ["Backend", "BackendError", "NAMES", "finish_run", "hold_scratch", "open_backend", "scratch_prefix",
           "scratch_root", "sweep_abandoned", "sweep_scratch"]
