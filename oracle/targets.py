"""The architectures oracle tests: how to build for them and how to run what was built."""

from __future__ import annotations

import platform
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    arch: str
    triplet: str  # what dg- target selectors are matched against
    cross_prefix: str  # prefix of the GNU cross tools when this is not the host
    apt_compiler: str  # the Debian package that brings the cross GCC
    qemu: str  # qemu-user binary that runs this arch's programs on another host
    sysroot: str  # where the cross libc lives, for qemu -L

    @property
    def native(self) -> bool:
        return self.arch == HOST_ARCH

    def default_reference(self) -> tuple[str, ...]:
        return ("gcc",) if self.native else (f"{self.cross_prefix}gcc",)

    def emulator(self) -> tuple[str, ...]:
        """Prefix that runs a binary of this arch here; empty when native."""
        return () if self.native else (self.qemu, "-L", self.sysroot)

    @property
    def slowdown(self) -> float:
        """Run-timeout multiplier: emulated programs run several times slower."""
        return 1.0 if self.native else 4.0


TARGETS: dict[str, Target] = {
    t.arch: t
    for t in (
        Target("x86_64", "x86_64-pc-linux-gnu", "x86_64-linux-gnu-", "gcc-x86-64-linux-gnu",
               "qemu-x86_64", "/usr/x86_64-linux-gnu"),
        Target("aarch64", "aarch64-unknown-linux-gnu", "aarch64-linux-gnu-", "gcc-aarch64-linux-gnu",
               "qemu-aarch64", "/usr/aarch64-linux-gnu"),
    )
}

_ALIASES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64"}


def normalise_arch(name: str) -> str:
    name = name.strip().lower()
    return _ALIASES.get(name, name)


HOST_ARCH = normalise_arch(platform.machine())
