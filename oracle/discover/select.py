"""Which cases a run keeps: filter, shard and sample, each a pure function of the case id
(time-balanced shards: and of the history up to the run the configuration names).

Every xdist worker computes the same list, two agents with different seeds get
different samples, and adding a test never reshuffles the others (by-count shards).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from typing import Container, Iterable, Iterator, Mapping

from oracle.discover import shards
from oracle.config.options import RunConfig
from oracle.model.case import Case


def _unit(*parts: str) -> float:
    """A stable number in [0, 1) for the given parts."""
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def sample_score(case_id: str, seed: str) -> float:
    return _unit("sample", seed, case_id)


def in_shard(case: Case, k: int, n: int, plan: Mapping[str, int] | None = None) -> bool:
    # By group, so one test's opt levels share a shard and its reference is built once.
    if plan is not None and case.group in plan:
        return plan[case.group] == k
    return int(_unit("shard", case.group) * n) == k - 1


def time_plan(cases: Iterable[Case], n: int, history_path: str | None, upto: int,
              pattern: str | None = None) -> dict[str, int]:
    """Each group's shard, balanced by the durations the history recorded up to run `upto`
    (shards.balance); the cases are the suite's, before sampling, less what the filter drops."""
    rx = re.compile(pattern) if pattern else None
    groups: dict[str, list[str]] = defaultdict(list)
    for case in cases:
        if not rx or rx.search(case.id):
            groups[case.group].append(case.id)
    return shards.balance(groups, shards.durations(history_path, upto), n)


def select(cases: Iterable[Case], *, seed: str = "0", ratio: float | None = None, at_least_one: bool = False,
           shard: tuple[int, int] | None = None, pattern: str | None = None,
           skip: Container[str] = (), plan: Mapping[str, int] | None = None) -> Iterator[Case]:
    """The cases a run keeps, in the suite's order, in constant memory (a finite run takes a
    list of it; a generated suite streams it). `skip`: ids judged already (--resume). `plan`:
    group -> shard, for time-balanced shards (else by a hash of the group). The
    at-least-one-per-arch cases, when needed, come last."""
    rx = re.compile(pattern) if pattern else None
    best: dict[str, tuple[float, Case]] = {}  # per arch: the lowest-scored case, for at_least_one
    seen_arch: set[str] = set()
    for case in cases:
        if rx and not rx.search(case.id):
            continue
        if shard and not in_shard(case, *shard, plan):
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
    from oracle.engine.journal import previous_records
    from oracle.discover.suites import open_suite

    if skip is None:
        skip = previous_records(cfg.out_dir).keys() if cfg.resume else ()
    cases = open_suite(cfg.suite, cfg.gen).cases(cfg.arches, cfg.opts)
    plan = None
    if cfg.shard and cfg.shard_history:  # time-balanced: the whole (finite) suite is needed first
        cases = list(cases)
        plan = time_plan(cases, cfg.shard[1], cfg.history_path, cfg.shard_history, cfg.filter)
    return select(cases, seed=cfg.seed, ratio=cfg.ratio, at_least_one=cfg.at_least_one, shard=cfg.shard,
                  pattern=cfg.filter, skip=skip, plan=plan)
