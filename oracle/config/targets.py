"""The architectures oracle tests: how to build for them and how to run what was built.

Four arches: x86_64 (the host), i686 (run natively on the x86-64 kernel through the cross
sysroot's own dynamic loader), aarch64 and riscv64 (run under qemu-user). Names people type
(`arm64`, `rv64`, `i386`, ...) map to these; ambiguous or unsupported ones are a usage error
that says what to type instead.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass

from oracle.model.errors import UsageError


@dataclass(frozen=True, slots=True)
class Target:
    arch: str
    triplet: str  # what dg- target selectors are matched against (GCC's canonical target triplet)
    cross_prefix: str  # prefix of the GNU cross tools when this is not the host
    apt_compiler: str  # the Debian package that brings the cross GCC
    apt_libc: str  # the Debian package that brings the cross libc (the sysroot)
    qemu: str  # qemu-user binary that runs this arch's programs on another host
    sysroot: str  # where the cross libc lives, for qemu -L
    # Host arches whose kernel runs this arch's binaries natively, and the sysroot's dynamic
    # loader that does it when the host has no such loader installed (no multilib libc).
    native_on: tuple[str, ...] = ()
    loader: str = ""

    @property
    def native(self) -> bool:
        """Built by the host's own gcc (no cross compiler)."""
        return self.arch == HOST_ARCH

    @property
    def runs_natively(self) -> bool:
        """Its binaries run on this machine's kernel, without an emulator."""
        return self.native or HOST_ARCH in self.native_on

    def default_reference(self) -> tuple[str, ...]:
        return ("gcc",) if self.native else (f"{self.cross_prefix}gcc",)

    def emulator(self) -> tuple[str, ...]:
        """Prefix that runs a binary of this arch here; empty when native."""
        if self.native:
            return ()
        if self.runs_natively:
            # The loader runs the program on the host kernel (no emulation) against the cross
            # libc; a binary's own PT_INTERP (/lib/ld-linux.so.2) is not installed here.
            return (f"{self.sysroot}/{self.loader}", "--library-path", f"{self.sysroot}/lib")
        return (self.qemu, "-L", self.sysroot)

    @property
    def apt_runner(self) -> str:
        """The Debian package that brings what emulator() starts."""
        return self.apt_libc if self.runs_natively else "qemu-user"

    @property
    def slowdown(self) -> float:
        """Run-timeout multiplier: emulated programs run several times slower."""
        return 1.0 if self.runs_natively else 4.0


TARGETS: dict[str, Target] = {
    t.arch: t
    for t in (
        Target("x86_64", "x86_64-pc-linux-gnu", "x86_64-linux-gnu-", "gcc-x86-64-linux-gnu",
               "libc6-dev-amd64-cross", "qemu-x86_64", "/usr/x86_64-linux-gnu"),
        Target("aarch64", "aarch64-unknown-linux-gnu", "aarch64-linux-gnu-", "gcc-aarch64-linux-gnu",
               "libc6-dev-arm64-cross", "qemu-aarch64", "/usr/aarch64-linux-gnu"),
        Target("riscv64", "riscv64-unknown-linux-gnu", "riscv64-linux-gnu-", "gcc-riscv64-linux-gnu",
               "libc6-dev-riscv64-cross", "qemu-riscv64", "/usr/riscv64-linux-gnu"),
        Target("i686", "i686-pc-linux-gnu", "i686-linux-gnu-", "gcc-i686-linux-gnu",
               "libc6-dev-i386-cross", "qemu-i386", "/usr/i686-linux-gnu",
               native_on=("x86_64",), loader="lib/ld-linux.so.2"),
    )
}

# Names people type, after lower-casing and '-' → '_'.
_ALIASES = {
    "amd64": "x86_64", "x64": "x86_64", "x86_64": "x86_64", "x86_64_linux_gnu": "x86_64", "intel64": "x86_64",
    "arm64": "aarch64", "armv8": "aarch64", "armv8_a": "aarch64", "aarch64_linux_gnu": "aarch64",
    "riscv": "riscv64", "rv64": "riscv64", "rv64gc": "riscv64", "riscv64gc": "riscv64",
    "riscv64_linux_gnu": "riscv64",
    "i386": "i686", "i486": "i686", "i586": "i686", "ia32": "i686", "x86_32": "i686", "i86": "i686",
    "i686_linux_gnu": "i686",
}
# Names that mean more than one arch, or one oracle does not test: what to say instead.
_NOT_AN_ARCH = {
    "x86": "'x86' is ambiguous: say x86_64 (64-bit) or i686 (32-bit)",
    "arm": "32-bit arm is not an arch oracle tests: did you mean aarch64 (arm64)?",
    "armhf": "32-bit arm is not an arch oracle tests: did you mean aarch64 (arm64)?",
    "armel": "32-bit arm is not an arch oracle tests: did you mean aarch64 (arm64)?",
    "riscv32": "riscv32 is not an arch oracle tests: did you mean riscv64?",
    "rv32": "riscv32 is not an arch oracle tests: did you mean riscv64?",
    "x32": "the x32 ABI is not an arch oracle tests: say x86_64 or i686",
}


def normalise_arch(name: str) -> str:
    """The canonical name of an arch name people type; unknown names come back lower-cased."""
    key = name.strip().lower().replace("-", "_")
    return key if key in TARGETS else _ALIASES.get(key, name.strip().lower())


def canonical_arch(name: str, where: str = "") -> str:
    """The canonical name, or UsageError saying what to type instead."""
    arch = normalise_arch(name)
    if arch in TARGETS:
        return arch
    lead = f"{where}: " if where else ""
    why = _NOT_AN_ARCH.get(name.strip().lower().replace("-", "_"))
    if why:
        raise UsageError(f"{lead}{why} (known arches: {', '.join(TARGETS)})")
    raise UsageError(f"{lead}unknown arch {name.strip()!r}: known arches are {', '.join(TARGETS)} "
                     "(aliases such as amd64, arm64, rv64, i386 work too)")


HOST_ARCH = normalise_arch(platform.machine())
