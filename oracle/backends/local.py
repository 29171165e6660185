"""The local backend: every job is a process on this machine (proc.run); test binaries run
in the bwrap sandbox (sandbox.py: one long-lived server per judge) when there is one."""

from __future__ import annotations

from pathlib import Path

from .. import proc, scratch
from .sandbox import runs_dir


class LocalBackend:
    def __init__(self, sandbox: bool = False):
        self.sandboxed = sandbox
        self._sandbox = None
        self._subreaper = False

    def start(self, root: Path) -> None:
        if self.sandboxed:
            from .sandbox import Sandbox

            root.chmod(0o755)  # binaries run as their own uid inside the sandbox and must reach their files
            self._sandbox = Sandbox(root)
        else:
            self._subreaper = proc.become_subreaper()

    def run(self, argv, *, arch: str, **kwargs) -> proc.ProcResult:
        del arch  # one machine runs every arch (qemu-user for the foreign ones)
        return proc.run(argv, **kwargs)

    def run_folder(self, work: Path, name: str) -> str:
        if self._sandbox is not None:
            # Made by the sandbox's server in its capped runs/ tmpfs, as the binary's uid, and
            # removed after the binary: never on the host's scratch filesystem.
            return str(runs_dir(self._sandbox.writable) / f"{work.name}-{name}")
        return scratch.make_folder(work, name)

    def run_binary(self, argv, *, arch: str, **kwargs) -> proc.ProcResult:
        if self._sandbox is not None:
            return self._sandbox.run(argv, **kwargs)
        return self.run(argv, arch=arch, **kwargs)

    def tidy(self, root: Path) -> None:
        if self._sandbox is None and self._subreaper:
            proc.sweep_orphans(str(root))  # in the sandbox, its PID namespace does this

    def scratch_parent(self) -> str | None:
        # RAM only when the sandbox caps what binaries write: without it they write anywhere.
        return scratch.root(ram=self.sandboxed)

    def close(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
