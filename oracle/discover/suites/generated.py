"""Suites of generated programs: a case names its generator and seed, never its text.

The stream of cases is lightweight (no program text), so `--count 100000` costs
only the case list. A program is materialised where it is judged, in the
worker's scratch folder, by running its generator with its seed; the next
program can be generated in the background while the current one is judged.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Protocol

from oracle.model.case import Case, case_id

GENERATORS = ("csmith", "hypothesis")  # the generated suites, by name
SEED_PREFIX = "seed-"


@dataclass(frozen=True, slots=True)
class GenOptions:
    """What a generated suite needs from the run configuration."""

    count: int | None = 100  # None: without end (oracle fuzz)
    seed: int = 0
    csmith_args: str = ""
    csmith_include: str | None = None
    gen_timeout: float = 30.0


class Generator(Protocol):
    name: str

    def flags(self) -> tuple[str, ...]:
        """Flags every build of these programs needs (include folders, warnings off)."""
        ...

    def generate(self, seed: int, dest: Path) -> None:
        """Write the program for seed to dest; GenerationFailed if it cannot."""
        ...

    def regenerate_hint(self, seed: int) -> str:
        """A shell line (or a note) that regenerates the program for seed."""
        ...


class GeneratedSuite:
    """Programs seed, seed+1, ..., seed+count-1 (without end when count is None), each from
    every generator in turn; a case's suite is its generator's name."""

    def __init__(self, generators: list[Generator], opts: GenOptions):
        self.name = ",".join(g.name for g in generators)
        self.generators = generators
        self.opts = opts

    def cases(self, arches: tuple[str, ...], opts: tuple[str, ...]) -> Iterator[Case]:
        flags = {g.name: g.flags() for g in self.generators}
        end = None if self.opts.count is None else self.opts.seed + self.opts.count
        for seed in itertools.count(self.opts.seed) if end is None else range(self.opts.seed, end):
            test = f"{SEED_PREFIX}{seed}"
            for gen in flags:
                for arch in arches:
                    for opt in opts:
                        yield Case(case_id(gen, test, arch, opt), gen, test, arch, opt, (), flags[gen])


def seed_of(case: Case) -> int:
    return int(case.test[len(SEED_PREFIX):])


def int_seed(text: str) -> int:
    """--seed as the first program's seed: a number as is, anything else ($AGENT_ID) hashed."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


class Programs:
    """A worker's materialised programs: generated on demand or ahead, a few kept.

    Only the last KEEP programs stay on disk (a test's other arches and opt levels
    reuse its program), so a long run uses constant space.
    """

    KEEP = 8

    def __init__(self, generator: Generator, root: Path):
        self.generator = generator
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oracle-gen")
        self._jobs: OrderedDict[int, Future] = OrderedDict()
        self._lock = threading.Lock()

    def path(self, seed: int) -> Path:
        return self.root / f"{self.generator.name}-{SEED_PREFIX}{seed}.c"

    def prefetch(self, seed: int) -> None:
        """Start generating seed's program in the background, if not done already."""
        self._job(seed)

    def get(self, seed: int) -> Path:
        """The program for seed, generated if needed; GenerationFailed if it cannot be."""
        self._job(seed).result()
        return self.path(seed)

    def _job(self, seed: int) -> Future:
        with self._lock:
            if seed in self._jobs:
                self._jobs.move_to_end(seed)
                return self._jobs[seed]
            fut = self._pool.submit(self._generate, seed)
            self._jobs[seed] = fut
            while len(self._jobs) > self.KEEP:
                old, ofut = self._jobs.popitem(last=False)
                ofut.add_done_callback(lambda _f, p=self.path(old): p.unlink(missing_ok=True))
            return fut

    def _generate(self, seed: int) -> None:
        dest = self.path(seed)
        tmp = dest.with_suffix(".tmp")
        self.generator.generate(seed, tmp)
        tmp.replace(dest)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def materialise(case: Case, programs: Programs) -> Case:
    """The case with its program's path as its source (generated now, or already)."""
    return replace(case, sources=(str(programs.get(seed_of(case))),))


