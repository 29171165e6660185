"""Where a case's jobs run: here, as processes with test binaries in the bwrap sandbox
(`local`), or in one long-lived container per worker and arch (`docker`). The Judge holds one backend and does not know
which: a backend runs one job as `proc.run` does and gives back its ProcResult, exit
status and stdout byte for byte.

Kept free of heavy imports: the container-side agent imports this package too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from oracle.infra import proc
from oracle.model.errors import BackendError
from oracle.infra.backends.engine import remove_run
from oracle.infra.backends.local import LocalBackend

if TYPE_CHECKING:
    from pathlib import Path

    from oracle.config.options import RunConfig


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
        from oracle.infra.backends.docker import DockerBackend  # (imports the image recipes)

        return DockerBackend(cfg)
    return LocalBackend(sandbox=cfg.sandbox == "bwrap")


def finish_run(cfg: "RunConfig") -> None:
    """On the controller, when the run ends however it ends: nothing of the run is left behind."""
    if cfg.backend == "docker":
        remove_run(cfg.run_id)


__all__ = ["Backend", "BackendError", "finish_run", "open_backend"]
