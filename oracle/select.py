"""Which cases a run keeps: filter, shard and sample, each a pure function of the case id.

Every xdist worker computes the same list, two agents with different seeds get
different samples, and adding a test never reshuffles the others.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterable, Iterator

from .model import Case


def _unit(*parts: str) -> float:
    """A stable number in [0, 1) for the given parts."""
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def sample_score(case_id: str, seed: str) -> float:
    return _unit("sample", seed, case_id)


def in_shard(case: Case, k: int, n: int) -> bool:
    # By group, so one test's opt levels share a shard and its reference is built once.
    return int(_unit("shard", case.group) * n) == k - 1


def select(cases: Iterable[Case], *, seed: str = "0", ratio: float | None = None, at_least_one: bool = False,
           shard: tuple[int, int] | None = None, pattern: str | None = None) -> list[Case]:
    rx = re.compile(pattern) if pattern else None
    kept: list[tuple[int, Case]] = []
    best: dict[str, tuple[float, int, Case]] = {}  # per arch: the lowest-scored case, for at_least_one
    seen_arch: set[str] = set()
    for i, case in enumerate(cases):
        if rx and not rx.search(case.id):
            continue
        if shard and not in_shard(case, *shard):
            continue
        if ratio is None or ratio >= 100:
            kept.append((i, case))
            continue
        score = sample_score(case.id, seed)
        if score < ratio / 100:
            kept.append((i, case))
            seen_arch.add(case.arch)
        elif at_least_one and (case.arch not in best or score < best[case.arch][0]):
            best[case.arch] = (score, i, case)
    if at_least_one:
        kept += [(i, c) for arch, (_, i, c) in best.items() if arch not in seen_arch]
        kept.sort(key=lambda pair: pair[0])
    return [c for _, c in kept]


def select_stream(cases: Iterable[Case], *, seed: str = "0", ratio: float | None = None, at_least_one: bool = False,
                  shard: tuple[int, int] | None = None, pattern: str | None = None) -> Iterator[Case]:
    """select() without a list: the same cases, in the same order, in constant memory
    (the at-least-one-per-arch cases, if needed, come last)."""
    rx = re.compile(pattern) if pattern else None
    best: dict[str, tuple[float, Case]] = {}
    seen_arch: set[str] = set()
    for case in cases:
        if rx and not rx.search(case.id):
            continue
        if shard and not in_shard(case, *shard):
            continue
        if ratio is None or ratio >= 100:
            yield case
            continue
        score = sample_score(case.id, seed)
        if score < ratio / 100:
            seen_arch.add(case.arch)
            yield case
        elif at_least_one and (case.arch not in best or score < best[case.arch][0]):
            best[case.arch] = (score, case)
    if at_least_one:
        for arch, (_, case) in best.items():
            if arch not in seen_arch:
                yield case
