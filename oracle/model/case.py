"""The one model of a test case that flows from suites to reports."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import quote

# Characters kept as they are in case ids; everything else is %-escaped, so an id
# is one greppable word whatever the test file is called.
_ID_SAFE = "/._-+=,~"


@dataclass(frozen=True, slots=True)
class Case:
    """One test program, built for one arch at one candidate opt level."""

    id: str
    suite: str
    test: str  # the test's name inside its suite (a relative path)
    arch: str
    opt: str  # candidate flags for this case, e.g. "-O0"
    sources: tuple[str, ...] = ()  # absolute paths; the first is the test itself
    flags: tuple[str, ...] = ()  # the test's own flags, after the opt level
    ref_opts: tuple[str, ...] = ("-O0", "-O2")  # the reference builds at each of these
    unsupported: str | None = None
    timeout_factor: float = 1.0

    @property
    def group(self) -> str:
        """Cases sharing a reference outcome (same test, same arch, any opt)."""
        return f"{quote(self.suite, safe=_ID_SAFE)}/{quote(self.test, safe=_ID_SAFE)}@{self.arch}"

    @property
    def opt_argv(self) -> list[str]:
        return shlex.split(self.opt)

    def to_json(self) -> dict:
        """Every field, so a record can be judged again without discovering its suite."""
        return {"id": self.id, "suite": self.suite, "test": self.test, "arch": self.arch, "opt": self.opt,
                "sources": list(self.sources), "flags": list(self.flags), "ref_opts": list(self.ref_opts),
                "unsupported": self.unsupported, "timeout_factor": self.timeout_factor}

    @classmethod
    def from_json(cls, d: dict) -> "Case":
        """The case a record names; KeyError/TypeError/ValueError when d is not one."""
        def strings(key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
            value = d.get(key, default)
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise TypeError(f"{key} is not a list of strings")
            return tuple(value)

        for key in ("id", "suite", "test", "arch", "opt"):
            if not isinstance(d[key], str):
                raise TypeError(f"{key} is not a string")
        unsupported = d.get("unsupported")
        return cls(d["id"], d["suite"], d["test"], d["arch"], d["opt"], strings("sources"), strings("flags"),
                   strings("ref_opts", ("-O0", "-O2")), unsupported if isinstance(unsupported, str) else None,
                   float(d.get("timeout_factor", 1.0)))


def case_id(suite: str, test: str, arch: str, opt: str) -> str:
    return (f"{quote(suite, safe=_ID_SAFE)}/{quote(test, safe=_ID_SAFE)}@{arch}"
            f"{quote(opt.replace(' ', '+'), safe=_ID_SAFE)}")


def normalise_opt(opt: str) -> str:
    """`O2`, `-O2` and ` -O2 ` are all `-O2`; other flag sets are kept as given."""
    opt = " ".join(opt.split())
    if opt and opt[0] == "O":
        opt = "-" + opt
    return opt


_INCLUDE = re.compile(rb'^\s*#\s*include\s*"([^"]+)"', re.M)


def source_files(sources: tuple[str, ...], depth: int = 8) -> Iterator[tuple[str, bytes | None]]:
    """Each source, then each header it includes with quotes (recursively), once each, with its
    bytes (None when it cannot be read): what a test's outcome depends on, and what repro.sh needs."""
    seen: set[str] = set()

    def walk(path: str, level: int) -> Iterator[tuple[str, bytes | None]]:
        path = os.path.normpath(path)
        if path in seen or level > depth:
            return
        seen.add(path)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            yield path, None
            return
        yield path, data
        for inc in _INCLUDE.findall(data):
            yield from walk(os.path.join(os.path.dirname(path), inc.decode(errors="replace")), level + 1)

    for s in sources:
        yield from walk(s, 0)
