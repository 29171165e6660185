"""Shared fixtures: real compilers, hostile fake compilers, small test programs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from oracle.config import options, machine

FIXTURES = Path(__file__).parent / "fixtures"
COMPILERS = FIXTURES / "compilers"
PROGRAMS = FIXTURES / "programs"
ORACLE = [sys.executable, "-m", "oracle.cli"]


def have(*tools: str) -> bool:
    return all(shutil.which(t) for t in tools)


needs_aarch64 = pytest.mark.skipif(not have("aarch64-linux-gnu-gcc", "qemu-aarch64"),
                                   reason="aarch64 cross toolchain not installed: run make setup")
needs_tcc = pytest.mark.skipif(not have("tcc"), reason="tcc not installed: run make setup")
needs_riscv64 = pytest.mark.skipif(not have("riscv64-linux-gnu-gcc", "qemu-riscv64"),
                                   reason="riscv64 cross toolchain not installed: run make setup")
needs_i686 = pytest.mark.skipif(not (have("i686-linux-gnu-gcc") and Path("/usr/i686-linux-gnu/lib/ld-linux.so.2").exists()),
                                reason="i686 cross toolchain not installed: run make setup")


@pytest.fixture
def program_dir(tmp_path):
    """Copy chosen fixture programs into a fresh folder suite."""

    def make(*names: str) -> Path:
        d = tmp_path / "suite"
        d.mkdir(exist_ok=True)
        for n in names:
            shutil.copy(PROGRAMS / n, d / n)
        return d

    return make


@pytest.fixture
def make_config(tmp_path):
    def make(compilers: list[str], suite: Path | str, **values) -> options.RunConfig:
        v = {"compiler": compilers, "suite": str(suite), "out": str(tmp_path / "out"), "run_timeout": 2.0,
             "compile_timeout": 5.0, "cache": str(tmp_path / "refcache"), **values}
        return machine.build(v)

    return make


def slow_suite(folder: Path, count: int, usleep: int) -> Path:
    """A folder of `count` programs that each sleep `usleep` microseconds and print ok: a run of it
    is surely mid-way when a test stops it."""
    folder.mkdir()
    for i in range(count):
        (folder / f"slow{i:02}.c").write_text(
            "#include <unistd.h>\n#include <stdio.h>\n"
            f"int main(void){{ usleep({usleep}); puts(\"ok\"); return 0; }}\n")
    return folder


# A fake candidate: gcc, but the files named by --bad=a.c,b.c get -DMISCOMPILE (a planted bug).
MISCOMPILE_CC = Path(__file__).resolve().parent / "data" / "projects" / "miscompile-cc"


def miscompilable_suite(folder: Path, count: int) -> Path:
    """A folder of programs t0.c … that print "ok I", or "broken I" when built with -DMISCOMPILE
    (MISCOMPILE_CC --bad=tI.c): the tests a compiler breaks are chosen by the test."""
    folder.mkdir()
    for i in range(count):
        (folder / f"t{i}.c").write_text('#include <stdio.h>\nint main(void) {\n#ifdef MISCOMPILE\n'
                                        f'    puts("broken {i}");\n#else\n    puts("ok {i}");\n#endif\n'
                                        "    return 0;\n}\n")
    return folder


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 600, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*ORACLE, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env,
                          stdin=subprocess.DEVNULL)
