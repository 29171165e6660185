"""Suites by name: `torture`, `smoke`, a folder of .c files, a generator (`csmith`, `hypothesis`), or
`projects` / `project:NAME,...` (real projects built from recipes)."""

from __future__ import annotations

from pathlib import Path

from oracle.discover.corpus import REPO_CORPORA, require_torture
from oracle.model.errors import SuiteError, UsageError
from oracle.discover.suites.base import Suite
from oracle.discover.suites.files import FileSuite
from oracle.discover.suites.generated import GENERATORS, GeneratedSuite, Generator, GenOptions
from oracle.discover.suites.projects import ProjectSuite, canonical as canonical_projects, is_projects
from oracle.discover.suites.torture import TortureSuite

NAMED = ("torture", "smoke", *GENERATORS)


def generators_of(spec: str) -> list[str] | None:
    """The generators a suite spec names ("csmith", "csmith,hypothesis"); None: not generated."""
    names = [n.strip() for n in spec.split(",")]
    return names if names and all(n in GENERATORS for n in names) else None


def is_generated(spec: str) -> bool:
    return generators_of(spec) is not None


def canonical(spec: str) -> str:
    """The suite spec as a run records it: a name, the generators, the projects, or the folder's
    absolute path (so the run can be judged again from anywhere)."""
    if spec in NAMED:
        return spec
    if is_generated(spec):
        return ",".join(generators_of(spec))
    if is_projects(spec):
        return canonical_projects(spec)
    return str(Path(spec).resolve())


def open_generator(name: str, opts: GenOptions) -> Generator:
    if name == "csmith":
        from oracle.discover.suites.csmith import Csmith

        return Csmith(opts)
    if name == "hypothesis":
        from oracle.discover.suites.hyp import HypothesisGenerator

        return HypothesisGenerator()
    raise UsageError(f"unknown generator {name!r}: use {' or '.join(GENERATORS)}")


def open_suite(spec: str, gen: GenOptions | None = None) -> Suite:
    names = generators_of(spec)
    if names:
        gen = gen or GenOptions()
        return GeneratedSuite([open_generator(n, gen) for n in dict.fromkeys(names)], gen)
    if spec == "torture":
        return TortureSuite(require_torture())
    if is_projects(spec):
        return ProjectSuite.open(spec)
    if spec == "smoke":
        return FileSuite("smoke", REPO_CORPORA / "smoke")
    path = Path(spec)
    if path.is_dir():
        return FileSuite(_folder_name(path), path.resolve())
    if path.is_file() and path.suffix == ".c":
        raise SuiteError(f"--suite takes a folder, not a file: put {spec} in a folder and pass that")
    raise SuiteError(f"unknown suite {spec!r}: use {', '.join(NAMED)}, projects, project:NAME[,NAME], "
                     "or a folder of .c files")


def _folder_name(path: Path) -> str:
    name = path.resolve().name or "folder"
    return name if name not in NAMED else f"{name}-dir"


__all__ = ["Suite", "open_suite", "open_generator", "generators_of", "is_generated", "NAMED"]
