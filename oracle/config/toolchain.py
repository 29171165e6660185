"""Compilers and emulators: parsing --compiler specs, finding them, probing them once."""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Callable

from oracle.infra import proc
from oracle.model.errors import ToolMissing, UsageError
from oracle.config.targets import HOST_ARCH, Target, canonical_arch

REFERENCE = "reference"
CANDIDATE = "candidate"
TRIVIAL_PROGRAM = "int main(void){return 0;}\n"


@dataclass(frozen=True, slots=True)
class Toolchain:
    """One compiler for one arch, with the identity it reported when probed."""

    role: str
    arch: str
    argv: tuple[str, ...]  # argv[0] is an absolute path
    version: str = ""
    probe: str = "ok"  # "ok" or why the trivial program failed
    # candidates: what decides whether another run's judgements are this compiler's (config/identity.py);
    # "" when unknown (then every case is compiled)
    identity: str = ""
    # candidates: the git commit of the checkout it lives in ("+dirty-…" with uncommitted changes),
    # or --candidate-rev; "" when unknown. Tasks done by a later fix are not re-opened by it (feed/done.py).
    commit: str = ""
    built: str = ""  # candidates: when it was built (UTC): a task done after that is not re-opened by it

    def to_json(self) -> dict:
        return {**asdict(self), "argv": list(self.argv), "path": self.argv[0]}

    @classmethod
    def from_json(cls, d: dict) -> "Toolchain":
        return cls(d["role"], d["arch"], tuple(d["argv"]), d.get("version", ""), d.get("probe", "ok"),
                   d.get("identity", ""), d.get("commit", ""), d.get("built", ""))


@dataclass(frozen=True, slots=True)
class Emulator:
    argv: tuple[str, ...]  # e.g. qemu-aarch64 -L /usr/aarch64-linux-gnu; empty when native
    version: str = ""

    def to_json(self) -> dict:
        return {"argv": list(self.argv), "version": self.version}

    @classmethod
    def from_json(cls, d: dict) -> "Emulator":
        return cls(tuple(d["argv"]), d.get("version", ""))


def parse_specs(specs: list[str], option: str = "--compiler") -> dict[str, tuple[str, ...]]:
    """`CMD` is for the host arch, `ARCH=CMD` for a given one; CMD may carry arguments."""
    out: dict[str, tuple[str, ...]] = {}
    for spec in specs:
        arch, cmd = HOST_ARCH, spec
        head, sep, tail = spec.partition("=")
        if sep and " " not in head and "/" not in head:
            arch, cmd = canonical_arch(head, f"{option} {spec!r}"), tail
        try:
            argv = tuple(shlex.split(cmd))
        except ValueError as exc:
            raise UsageError(f"cannot parse {option} {spec!r}: {exc}") from None
        if not argv:
            raise UsageError(f"empty command in {option} {spec!r}")
        if arch in out:
            raise UsageError(f"two {option} values for {arch}: give one per arch")
        out[arch] = argv
    return out


def resolve(argv: tuple[str, ...], what: str, hint: str) -> tuple[str, ...]:
    """argv with argv[0] made absolute; ToolMissing with a fix when it is not there."""
    exe = argv[0]
    found = shutil.which(exe)
    if found is None:
        path = Path(exe)
        if ("/" in exe or path.exists()) and path.exists():
            raise ToolMissing(f"{what} {exe!r} is not executable: chmod +x it or pass another")
        raise ToolMissing(f"{what} {exe!r} not found: {hint}")
    return (os.path.abspath(found), *argv[1:])


def version_line(argv: tuple[str, ...], timeout: float = 10, jail: Callable[[list], list] = list) -> str:
    res = proc.run(jail([*argv, "--version"]), timeout=timeout, stdout_limit=4096)
    text = (res.stdout or res.stderr).decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else f"unknown ({res.status})"


def find_reference(target: Target, override: tuple[str, ...] | None) -> tuple[str, ...]:
    argv = override or target.default_reference()
    hint = f"run 'make setup' (apt-get install {target.apt_compiler if not target.native else 'gcc'})" \
        if override is None else "check --reference"
    return resolve(argv, f"reference compiler for {target.arch}", hint)


def find_emulator(target: Target) -> Emulator:
    if target.native:
        return Emulator(())
    if not Path(target.sysroot).is_dir():
        raise ToolMissing(f"no {target.arch} sysroot at {target.sysroot}: run 'make setup' "
                          f"(apt-get install {target.apt_libc})")
    prefix = target.emulator()
    argv = resolve(prefix[:1], f"{'loader' if target.runs_natively else 'emulator'} for {target.arch}",
                   f"run 'make setup' (apt-get install {target.apt_runner})")
    return Emulator((*argv, *prefix[1:]), version_line(argv))


def probe(tc: Toolchain, emulator: Emulator, timeout: float, confine: bool = False) -> Toolchain:
    """Compile and run the trivial program once; returns tc with its identity filled in. With
    `confine`, the compiler and the program run in a sandbox (a candidate is untrusted)."""
    with tempfile.TemporaryDirectory(prefix="oracle-probe-") as tmp:
        jail: Callable[[list], list] = list
        if confine:
            from oracle.infra.backends.sandbox import confined

            jail = partial(confined, writable=tmp)
        version = version_line(tc.argv, timeout=min(timeout, 10), jail=jail)
        src = Path(tmp, "probe.c")
        src.write_text(TRIVIAL_PROGRAM)
        exe = Path(tmp, "probe")
        build = proc.run(jail([*tc.argv, str(src), "-o", str(exe)]), timeout=timeout, cwd=tmp,
                         env=proc.child_env(TMPDIR=tmp))
        if not build.status.ok or not exe.exists():
            why = first_line(build.stderr) or str(build.status)
            return Toolchain(tc.role, tc.arch, tc.argv, version, f"cannot build a trivial program: {why}")
        run = proc.run(jail([*emulator.argv, str(exe)]), timeout=timeout, cwd=tmp)
        if not run.status.ok:
            why = first_line(run.stderr) or str(run.status)
            return Toolchain(tc.role, tc.arch, tc.argv, version, f"its trivial program does not run: {why}")
    return Toolchain(tc.role, tc.arch, tc.argv, version, "ok")


def first_line(data: bytes, prefer: str = "error") -> str:
    """The most telling line of some diagnostics: the first mentioning `prefer`, else the first."""
    lines = [ln.strip() for ln in data.decode("utf-8", "replace").splitlines() if ln.strip()]
    for ln in lines:
        if prefer in ln.lower():
            return ln[:300]
    return lines[0][:300] if lines else ""
