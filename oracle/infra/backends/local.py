"""The local backend: every job is a process on this machine (proc.run); with the bwrap
sandbox, compilers and test binaries each run in one (sandbox.py: a long-lived server each
per judge).

Without the sandbox, a binary never runs as root: when oracle is root it runs as a uid of its
own (one of sandbox.SANDBOX_UIDS per judge, as in the sandbox, with the same process cap), in
a folder that uid owns. Either way this process is the subreaper of everything its jobs start,
and after each case whatever they left running is killed (proc.sweep_orphans)."""

from __future__ import annotations

import os
import random
from dataclasses import replace
from pathlib import Path

from oracle.infra import proc, scratch
from oracle.infra.backends.sandbox import MAX_PROCS, SANDBOX_UIDS, runs_dir


class LocalBackend:
    def __init__(self, sandbox: bool = False):
        self.sandboxed = sandbox
        self._sandbox = None
        self._compilers = None
        self._subreaper = False
        self._uid: int | None = None  # the uid binaries run as without the sandbox (oracle is root)

    def start(self, root: Path) -> None:
        # Compilers run here in both cases: what they orphan (a setsid'd child) becomes ours.
        self._subreaper = proc.become_subreaper()
        if self.sandboxed:
            from oracle.infra.backends.sandbox import Sandbox

            root.chmod(0o755)  # binaries run as their own uid inside the sandbox and must reach their files
            self._sandbox = Sandbox(root)
            # Compilers too (a candidate, or flags from a test file, may run anything): read-only
            # host, only the Judge's folder writable, no network, their own PID namespace.
            self._compilers = Sandbox(root, compilers=True)
        elif os.geteuid() == 0:
            # A binary run as root could end every process on the machine (kill(-1, SIGKILL)).
            # It runs from ./prog in its own folder (chdir happens before the uid changes), so
            # the folders above need not be reachable by that uid.
            self._uid = random.randrange(*SANDBOX_UIDS)

    def run(self, argv, *, arch: str, **kwargs) -> proc.ProcResult:
        del arch  # one machine runs every arch (qemu-user for the foreign ones)
        if self._compilers is not None:
            return self._compilers.run(argv, **kwargs)
        return proc.run(argv, **kwargs)

    def run_folder(self, work: Path, name: str) -> str:
        if self._sandbox is not None:
            # Made by the sandbox's server in its capped runs/ tmpfs, as the binary's uid, and
            # removed after the binary: never on the host's scratch filesystem.
            return str(runs_dir(self._sandbox.writable) / f"{work.name}-{name}")
        path = scratch.make_folder(work, name)
        if self._uid is not None:
            os.chown(path, self._uid, self._uid)  # the binary's only writable folder
        return path

    def run_binary(self, argv, *, arch: str, **kwargs) -> proc.ProcResult:
        if self._sandbox is not None:
            return self._sandbox.run(argv, **kwargs)
        if self._uid is not None:
            # RLIMIT_NPROC counts this uid's processes: a fork bomb stops at the cap.
            kwargs["limits"] = replace(kwargs.get("limits", proc.Limits()), processes=MAX_PROCS)
            return proc.run(argv, user=self._uid, **kwargs)
        return self.run(argv, arch=arch, **kwargs)

    def tidy(self, root: Path) -> None:
        del root
        if self._subreaper:
            # Orphans of compilers (both cases) and of binaries (without the sandbox; in it, its
            # PID namespace ends them), wherever they run from, whatever they exec'd.
            proc.sweep_orphans()

    def scratch_parent(self) -> str | None:
        # RAM only when the sandbox caps what binaries write: without it they write anywhere.
        return scratch.root(ram=self.sandboxed)

    def close(self) -> None:
        for box in (self._sandbox, self._compilers):
            if box is not None:
                box.close()
        self._sandbox = self._compilers = None
