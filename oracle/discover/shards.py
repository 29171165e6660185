"""Which part of the cases this process runs: `--shard K/N`, or `--shard auto` from the CI or
cluster engine's environment; by count (a hash of each test), or, with `--shard-by time`,
balanced by the durations the run history recorded.

Every shard must compute the same partition: a pure function of the case list and, when
balancing, of the history up to one recorded run (its id is in the configuration, so the
workers of one run agree even while another run appends to the history, and machines with the
same history file agree).
"""

from __future__ import annotations

import hashlib
import sqlite3
import statistics
from pathlib import Path
from typing import Iterable, Mapping

from oracle.model.errors import UsageError

# (engine, index variable, count variable, base of the index). The first engine whose index
# variable is set wins. GitHub Actions has no such variables: a job passes its matrix position
# explicitly (ORACLE_SHARD_INDEX: ${{ strategy.job-index }}, ORACLE_SHARD_COUNT: ${{ strategy.job-total }}).
ENGINES: tuple[tuple[str, str, str, int], ...] = (
    ("oracle (GitHub Actions: strategy.job-index/job-total)", "ORACLE_SHARD_INDEX", "ORACLE_SHARD_COUNT", 0),
    ("GitLab CI parallel", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1),
    ("Buildkite parallelism", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0),
    ("Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", "ORACLE_SHARD_COUNT", 0),
)


def from_environment(env: Mapping[str, str]) -> tuple[int, int]:
    """`--shard auto`: (K, N), 1-based, from the first engine whose variables are set; UsageError
    (one line naming the variables) when none is, or their values make no shard."""
    for engine, index_var, count_var, base in ENGINES:
        if not env.get(index_var, "").strip():
            continue
        count = env.get(count_var, "").strip()
        if not count:
            hint = " (the Job's .spec.completions)" if index_var == "JOB_COMPLETION_INDEX" else ""
            raise UsageError(f"--shard auto: {engine}: {index_var} is set but {count_var} is not: set {count_var}"
                             f"{hint}, or pass --shard K/N")
        try:
            index, total = int(env[index_var]), int(count)
        except ValueError:
            raise UsageError(f"--shard auto: {engine}: {index_var}={env[index_var]!r} and {count_var}={count!r} "
                             "must be whole numbers") from None
        k = index - base + 1
        if not (total >= 1 and 1 <= k <= total):
            first = f"{base}..{total - 1 + base}"
            raise UsageError(f"--shard auto: {engine}: {index_var}={index} is outside {first} for {count_var}="
                             f"{total}: check the job's parallelism")
        return k, total
    github = " (GitHub Actions: add ORACLE_SHARD_INDEX: ${{ strategy.job-index }} and ORACLE_SHARD_COUNT: " \
             "${{ strategy.job-total }} to the job's env)" if env.get("GITHUB_ACTIONS") else ""
    names = ", ".join(f"{i}/{c}" for _, i, c, _ in ENGINES)
    raise UsageError(f"--shard auto: no shard variables in the environment{github}: set one of {names}, or pass "
                     "--shard K/N")


# ---------------------------------------------------------------- time-balanced shards


def history_mark(history_path: str | None) -> int:
    """The newest unsharded run of the history that recorded durations (0: none, or no history):
    the partition is balanced with the durations up to it, or by count when 0. Unsharded: the
    shards of one run, started one after the other on one machine, append their own runs to the
    history, and must still all make the partition the first one made."""
    db = _open_ro(history_path)
    if db is None:
        return 0
    try:
        row = db.execute("SELECT max(v.run) FROM verdicts v JOIN runs r ON r.id = v.run "
                         "WHERE v.duration > 0 AND r.shard IS NULL").fetchone()
        return int(row[0] or 0)
    except sqlite3.Error:
        return 0  # an older history (no durations) or a damaged one: by count
    finally:
        db.close()


def durations(history_path: str | None, upto: int) -> dict[str, float]:
    """Each case's latest recorded duration (seconds), from the runs up to `upto`."""
    db = _open_ro(history_path)
    if db is None:
        return {}
    try:
        out: dict[str, float] = {}
        for case_id, seconds in db.execute("SELECT case_id, duration FROM verdicts WHERE duration > 0 AND run <= ? "
                                           "ORDER BY run", (upto,)):
            out[case_id] = float(seconds)
        return out
    except sqlite3.Error:
        return {}
    finally:
        db.close()


def _open_ro(path: str | None) -> sqlite3.Connection | None:
    if not path or not Path(path).is_file():
        return None
    try:
        return sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None


def balance(groups: Mapping[str, Iterable[str]], seconds: Mapping[str, float], n: int) -> dict[str, int]:
    """Each group's shard (1..n): greedy longest-first into the lightest shard (LPT).

    `groups`: group -> its case ids; `seconds`: recorded durations per case id. A case with no
    record counts as the median recorded case. Ties break by group name and shard number, so the
    result depends on nothing but the arguments."""
    known = [seconds[c] for cases in groups.values() for c in cases if c in seconds]
    guess = statistics.median(known) if known else 1.0
    cost = {g: sum(seconds.get(c, guess) for c in cases) for g, cases in groups.items()}
    load = [0.0] * n
    plan: dict[str, int] = {}
    for g in sorted(cost, key=lambda g: (-round(cost[g], 6), g)):
        i = min(range(n), key=lambda i: (load[i], i))
        plan[g] = i + 1
        load[i] += cost[g]
    return plan


def plan_digest(plan: Mapping[str, int]) -> str:
    """A short fingerprint of a partition: equal on every shard of one sharded run."""
    return hashlib.sha256("\n".join(f"{g}\t{k}" for g, k in sorted(plan.items())).encode()).hexdigest()[:12]
