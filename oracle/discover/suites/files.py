"""Suites made of C files on disk: one program per file, dg- directives honoured."""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from oracle.model.errors import SuiteError
from oracle.model.case import Case, case_id
from oracle.config.targets import TARGETS
from oracle.discover.suites import dg

# Reference opt levels, in order of preference; the first two a test allows are used.
REFERENCE_OPTS = ("-O0", "-O2", "-O1", "-O3", "-Os")


@dataclass(frozen=True, slots=True)
class Program:
    test: str  # name inside the suite
    path: Path
    extra_sources: tuple[Path, ...] = ()
    default_flags: tuple[str, ...] = ()  # replaced by dg-options
    x_flags: tuple[str, ...] = ()  # c-torture-execute's additional_flags, which a .x script may change
    x_script: Path | None = None
    x_prelude: str = ""  # the .exp driver's own Tcl, run before the .x script (sets additional_flags per arch)


class FileSuite:
    """Every `.c` file under a folder, in sorted order."""

    def __init__(self, name: str, root: Path, default_flags: tuple[str, ...] = ()):
        self.name = name
        self.root = root
        self.default_flags = default_flags

    def programs(self) -> Iterator[Program]:
        files = sorted(_c_files(self.root))
        if not files:
            raise SuiteError(f"no .c files under {self.root}: point --suite at a folder of C programs")
        for parts, path in files:
            yield Program("/".join(parts), path, default_flags=self.default_flags)

    def cases(self, arches: tuple[str, ...], opts: tuple[str, ...]) -> Iterator[Case]:
        for prog in self.programs():
            why = unusable(prog)
            if why:  # one case says so; the other files run
                yield bad_file_case(self.name, prog, arches, opts, why)
            else:
                yield from program_cases(self.name, prog, arches, opts)


def _c_files(root: Path) -> Iterator[tuple[tuple[str, ...], Path]]:
    """Every regular `.c` file under root, as (its path's parts below root, its path); symlinked
    folders are not followed. The walk goes by folder descriptors, so a file whose path is longer
    than the system allows is still found (and reported as such), never the end of the listing."""
    for dirpath, _dirs, files, dirfd in os.fwalk(root):
        rel = os.path.relpath(dirpath, root)
        base = () if rel == "." else tuple(rel.split(os.sep))
        for name in files:
            if not name.endswith(".c"):
                continue
            try:
                st = os.stat(name, dir_fd=dirfd)  # through a symlink to a file, as is_file() does
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                yield (*base, name), Path(dirpath, name)


def _path_max() -> int:
    try:
        return os.pathconf("/", "PC_PATH_MAX")
    except (OSError, ValueError):
        return 4096


def unusable(prog: Program) -> str | None:
    """Why a test file cannot be a case at all (its name or path), or None."""
    try:
        prog.test.encode("utf-8")
    except UnicodeEncodeError:
        return "its file name is not valid UTF-8: rename it"
    size, limit = len(os.fsencode(prog.path)), _path_max()
    if size >= limit:
        return f"its path is {size} bytes, longer than the system allows ({limit - 1}): move it or shorten its folders"
    return None


def bad_file_case(suite: str, prog: Program, arches: tuple[str, ...], opts: tuple[str, ...], why: str) -> Case:
    """The one unsupported case of a test file that cannot be judged (named with its bytes escaped)."""
    test = os.fsencode(prog.test).decode("utf-8", "backslashreplace")
    return Case(case_id(suite, test, arches[0], opts[0]), suite, test, arches[0], opts[0], unsupported=why)


def program_cases(suite: str, prog: Program, arches: tuple[str, ...], opts: tuple[str, ...]) -> Iterator[Case]:
    try:
        text = prog.path.read_text(errors="replace")
        script = prog.x_script.read_text(errors="replace") if prog.x_script and prog.x_script.exists() else None
        problem = None
    except OSError as exc:
        text, script, problem = "", None, f"cannot read the test: {exc.strerror or exc}"
    directives = dg.parse(text)
    for arch in arches:
        ctx = dg.Context(arch, TARGETS[arch].triplet)
        for opt in opts:
            yield _case(suite, prog, directives, script, ctx, opt, problem)


def _case(suite, prog, directives, script, ctx, opt, problem) -> Case:
    cid = case_id(suite, prog.test, ctx.arch, opt)
    base = Case(cid, suite, prog.test, ctx.arch, opt, (str(prog.path),))
    if problem:
        return _unsupported(base, problem)
    x_flags, skip_opts = list(prog.x_flags), []
    if prog.x_prelude:
        try:
            x_flags = dg.run_x(prog.x_prelude, ctx, x_flags).flags
        except dg.Unknown as exc:
            return _unsupported(base, f"the suite's driver script not understood: {exc}")
    if script is not None:
        try:
            xres = dg.run_x(script, ctx, x_flags)
        except dg.Unknown as exc:
            return _unsupported(base, f"{prog.x_script.name} not understood: {exc}")
        if xres.skip:
            return _unsupported(base, f"{prog.x_script.name} skips {ctx.arch}")
        x_flags, skip_opts = xres.flags, xres.skip_opts

    def allowed(level: str) -> dg.Plan:
        p = dg.plan(directives, ctx, level.split(), list(prog.default_flags))
        if p.unsupported is None and any(_glob(g, level) for g in skip_opts):
            p.unsupported = f"{prog.x_script.name} skips {level}"
        return p

    mine = allowed(opt)
    if mine.unsupported:
        return _unsupported(base, mine.unsupported)
    ref_opts = tuple(level for level in REFERENCE_OPTS if allowed(level).unsupported is None)[:2]
    if not ref_opts:
        return _unsupported(base, "the test allows no reference opt level")
    here = prog.path.parent
    sources = (str(prog.path), *(str(here / s) for s in mine.sources), *(str(p) for p in prog.extra_sources))
    return Case(cid, suite, prog.test, ctx.arch, opt, sources, tuple(mine.flags + x_flags), ref_opts,
                None, mine.timeout_factor)


def _glob(pattern: str, level: str) -> bool:
    return fnmatch.fnmatchcase(level, pattern)


def _unsupported(case: Case, why: str) -> Case:
    return Case(case.id, case.suite, case.test, case.arch, case.opt, case.sources, unsupported=why)
