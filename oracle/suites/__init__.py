"""Suites by name: `torture`, `smoke`, a folder of .c files, or a generator (`csmith`, `hypothesis`)."""

from __future__ import annotations

from pathlib import Path

from ..corpus import REPO_CORPORA, require_torture
from ..errors import SuiteError
from .base import Suite
from .files import FileSuite
from .generated import GENERATORS, GeneratedSuite, GenOptions, open_generator
from .torture import TortureSuite

NAMED = ("torture", "smoke", *GENERATORS)


def is_generated(spec: str) -> bool:
    return spec in GENERATORS


def open_suite(spec: str, gen: GenOptions | None = None) -> Suite:
    if spec in GENERATORS:
        return GeneratedSuite(open_generator(spec, gen or GenOptions()), gen or GenOptions())
    if spec == "torture":
        return TortureSuite(require_torture())
    if spec == "smoke":
        return FileSuite("smoke", REPO_CORPORA / "smoke")
    path = Path(spec)
    if path.is_dir():
        return FileSuite(_folder_name(path), path.resolve())
    if path.is_file() and path.suffix == ".c":
        raise SuiteError(f"--suite takes a folder, not a file: put {spec} in a folder and pass that")
    raise SuiteError(f"unknown suite {spec!r}: use {', '.join(NAMED)}, or a folder of .c files")


def _folder_name(path: Path) -> str:
    name = path.resolve().name or "folder"
    return name if name not in NAMED else f"{name}-dir"


__all__ = ["Suite", "open_suite", "is_generated", "NAMED"]
