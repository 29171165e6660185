"""The local backend: every job is a sandboxed process on this machine (proc.run)."""

from __future__ import annotations

from .. import proc


class LocalBackend:
    def run(self, argv, *, arch: str, **kwargs) -> proc.ProcResult:
        del arch  # one machine runs every arch (qemu-user for the foreign ones)
        return proc.run(argv, **kwargs)

    def scratch_parent(self) -> str | None:
        return None

    def close(self) -> None:
        pass
