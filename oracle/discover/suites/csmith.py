"""Csmith programs: Debian's `csmith` binary run with seed S+i, through a subprocess."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from oracle.infra import proc
from oracle.model.errors import GenerationFailed, ToolMissing, UsageError
from oracle.discover.suites.generated import GenOptions

INCLUDE_DIRS = ("/usr/include/csmith", "/usr/local/include/csmith")


class Csmith:
    name = "csmith"

    def __init__(self, opts: GenOptions):
        exe = shutil.which("csmith")
        if exe is None:
            raise ToolMissing("csmith not found: run 'make setup' (apt-get install csmith libcsmith-dev)")
        self.exe = exe
        try:
            self.args = tuple(shlex.split(opts.csmith_args or ""))
        except ValueError as exc:
            raise UsageError(f"bad --csmith-args {opts.csmith_args!r}: {exc}") from None
        if any(a in ("--seed", "-s", "--output", "-o") for a in self.args):
            raise UsageError("--csmith-args must not set --seed or --output: oracle sets them (use --seed)")
        self.include = find_include(opts.csmith_include)
        self.timeout = opts.gen_timeout

    def flags(self) -> tuple[str, ...]:
        return ("-w", f"-I{self.include}")

    def argv(self, seed: int, dest: str) -> list[str]:
        return [self.exe, *self.args, "--seed", str(seed), "--output", dest]

    def generate(self, seed: int, dest: Path) -> None:
        res = proc.run(self.argv(seed, str(dest)), timeout=self.timeout, cwd=str(dest.parent),
                       stdout_limit=64 * 1024, kill_on_stdout_overflow=False)
        if res.status.kind == proc.TIMEOUT:
            raise GenerationFailed(f"csmith --seed {seed} timed out after {self.timeout:g}s")
        if not res.status.ok or not dest.is_file() or dest.stat().st_size == 0:
            why = (res.stderr + res.stdout).decode(errors="replace").strip().splitlines()
            raise GenerationFailed(f"csmith --seed {seed} {res.status}" + (f": {why[-1]}" if why else ""))

    def regenerate_hint(self, seed: int) -> str:
        return shlex.join(["csmith", *self.args, "--seed", str(seed), "--output", "program.c"])


def find_include(override: str | None) -> str:
    """The folder holding csmith.h: --csmith-include, else where Debian's libcsmith-dev puts it."""
    for d in ((override,) if override else INCLUDE_DIRS):
        if Path(d, "csmith.h").is_file():
            return str(Path(d).resolve())
    if override:
        raise UsageError(f"no csmith.h in --csmith-include {override}: point it at the folder holding csmith.h")
    raise ToolMissing("csmith.h not found in /usr/include/csmith: run 'make setup' (apt-get install libcsmith-dev) "
                      "or pass --csmith-include DIR")
