"""Which cases a run keeps: filter, shard and sample, each a pure function of the case id.

Every xdist worker computes the same list, two agents with different seeds get
different samples, and adding a test never reshuffles the others.
"""

from __future__ import annotations

import hashlib
import re
from typing import Container, Iterable, Iterator

from .config import RunConfig
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
           shard: tuple[int, int] | None = None, pattern: str | None = None,
           skip: Container[str] = ()) -> Iterator[Case]:
    """The cases a run keeps, in the suite's order, in constant memory (a finite run takes a
    list of it; a generated suite streams it). `skip`: ids judged already (--resume). The
    at-least-one-per-arch cases, when needed, come last."""
    rx = re.compile(pattern) if pattern else None
    best: dict[str, tuple[float, Case]] = {}  # per arch: the lowest-scored case, for at_least_one
    seen_arch: set[str] = set()
    for case in cases:
        if rx and not rx.search(case.id):
            continue
        if shard and not in_shard(case, *shard):
            continue
        if ratio is None or ratio >= 100:
            if case.id not in skip:
                yield case
            continue
        score = sample_score(case.id, seed)
        if score < ratio / 100:
            seen_arch.add(case.arch)
            if case.id not in skip:
                yield case
        elif at_least_one and (case.arch not in best or score < best[case.arch][0]):
            best[case.arch] = (score, case)
    if at_least_one:
        for arch, (_, case) in best.items():
            if arch not in seen_arch and case.id not in skip:
                yield case


def select_cases(cfg: RunConfig, skip: Container[str] | None = None) -> Iterator[Case]:
    """The run's cases: its suite's, kept by its filter, shard and sample, less what an
    interrupted run into the same folder judged already (--resume; `skip`, when the caller
    read that once for every worker). Lazy: a generated suite of any size streams."""
    from .recorder import previous_records
    from .suites import open_suite

    if skip is None:
        skip = previous_records(cfg.out_dir).keys() if cfg.resume else ()
    return select(open_suite(cfg.suite, cfg.gen).cases(cfg.arches, cfg.opts), seed=cfg.seed, ratio=cfg.ratio,
                  at_least_one=cfg.at_least_one, shard=cfg.shard, pattern=cfg.filter, skip=skip)
