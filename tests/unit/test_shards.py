"""--shard auto from each CI engine's variables, and shards balanced by recorded durations."""

from __future__ import annotations

import random
import sqlite3
import subprocess

import pytest

from oracle.report import history
from oracle.discover import shards
from oracle.config.options import parse_shard
from oracle.model.errors import EXIT_USAGE, UsageError
from oracle.model.case import Case, case_id
from oracle.discover.select import select, time_plan

from ..conftest import ORACLE


def cases(n: int, arches=("x86_64", "aarch64"), opts=("-O0", "-O2")) -> list[Case]:
    return [Case(case_id("s", f"t{i}.c", a, o), "s", f"t{i}.c", a, o)
            for i in range(n) for a in arches for o in opts]


# What each engine sets in job i (0-based) of n, as its documentation says.
ENGINE_ENV = {
    "github": lambda i, n: {"GITHUB_ACTIONS": "true", "ORACLE_SHARD_INDEX": str(i), "ORACLE_SHARD_COUNT": str(n)},
    "gitlab": lambda i, n: {"GITLAB_CI": "true", "CI_NODE_INDEX": str(i + 1), "CI_NODE_TOTAL": str(n)},
    "kubernetes": lambda i, n: {"JOB_COMPLETION_INDEX": str(i), "ORACLE_SHARD_COUNT": str(n)},
    "buildkite": lambda i, n: {"BUILDKITE": "true", "BUILDKITE_PARALLEL_JOB": str(i),
                               "BUILDKITE_PARALLEL_JOB_COUNT": str(n)},
}


@pytest.mark.parametrize("engine", sorted(ENGINE_ENV))
def test_auto_shards_partition_the_cases_under_each_engine(engine, monkeypatch):
    all_cases = cases(120)
    n = 4
    seen: list[str] = []
    shard_of_group: dict[str, int] = {}
    for i in range(n):
        for var in [v for _, a, b, _ in shards.ENGINES for v in (a, b)] + ["GITHUB_ACTIONS"]:
            monkeypatch.delenv(var, raising=False)
        for var, value in ENGINE_ENV[engine](i, n).items():
            monkeypatch.setenv(var, value)
        k, total = parse_shard("auto")
        assert (k, total) == (i + 1, n)
        mine = list(select(all_cases, shard=(k, total)))
        assert mine  # 120 tests x 2 arches in 4 shards: none is empty
        for c in mine:
            assert shard_of_group.setdefault(c.group, k) == k  # a test's opt levels stay together
        seen += [c.id for c in mine]
    assert sorted(seen) == sorted(c.id for c in all_cases)  # every case once


@pytest.mark.parametrize("env, words", [
    ({}, "no shard variables"),
    ({"GITHUB_ACTIONS": "true"}, "strategy.job-index"),
    ({"JOB_COMPLETION_INDEX": "2"}, "ORACLE_SHARD_COUNT is not"),
    ({"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"}, "outside 1..3"),  # GitLab counts from 1
    ({"BUILDKITE_PARALLEL_JOB": "3", "BUILDKITE_PARALLEL_JOB_COUNT": "3"}, "outside 0..2"),
    ({"CI_NODE_INDEX": "x", "CI_NODE_TOTAL": "3"}, "whole numbers"),
])
def test_auto_without_usable_variables_is_a_usage_error(env, words):
    with pytest.raises(UsageError) as exc:
        shards.from_environment(env)
    assert words in str(exc.value) and "\n" not in str(exc.value)


def test_auto_on_the_command_line_exits_2_with_one_line():
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    res = subprocess.run([*ORACLE, "run", "--compiler", "gcc", "--suite", "smoke", "--shard", "auto"],
                         capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert res.returncode == EXIT_USAGE
    assert len(res.stderr.strip().splitlines()) == 1 and "--shard auto: no shard variables" in res.stderr


# ---------------------------------------------------------------- time-balanced


def qemu_like_durations(all_cases: list[Case], rng: random.Random) -> dict[str, float]:
    """aarch64 cases under qemu cost about ten times the native ones, with a long tail."""
    out = {}
    for c in all_cases:
        base = 0.1 if c.arch == "x86_64" else 1.0
        out[c.id] = base * rng.choice((1, 1, 1, 2, 3, 8))
    return out


def loads(all_cases, seconds, n, plan=None):
    load = [0.0] * n
    for k in range(1, n + 1):
        load[k - 1] = sum(seconds[c.id] for c in select(all_cases, shard=(k, n), plan=plan))
    return load


def test_balanced_shards_are_even_partitions_and_deterministic():
    all_cases = cases(80)  # 160 groups, 320 cases
    seconds = qemu_like_durations(all_cases, random.Random(5))
    groups: dict[str, list[str]] = {}
    for c in all_cases:
        groups.setdefault(c.group, []).append(c.id)
    n = 6
    plan = shards.balance(groups, seconds, n)
    # Deterministic: the same whatever the order the groups come in (another machine, another listing).
    shuffled = dict(sorted(groups.items(), key=lambda kv: random.Random(1).random()))
    assert shards.balance(shuffled, seconds, n) == plan
    assert shards.plan_digest(shards.balance(shuffled, seconds, n)) == shards.plan_digest(plan)
    kept = [c.id for k in range(1, n + 1) for c in select(all_cases, shard=(k, n), plan=plan)]
    assert sorted(kept) == sorted(c.id for c in all_cases)
    balanced = loads(all_cases, seconds, n, plan)
    by_count = loads(all_cases, seconds, n)
    assert max(balanced) / min(balanced) < 1.1
    assert max(balanced) < max(by_count)
    # LPT's bound: no shard exceeds the mean by more than the largest group.
    assert max(balanced) <= sum(balanced) / n + max(sum(seconds[c] for c in g) for g in groups.values())


def test_unknown_cases_count_as_the_median_and_every_group_is_placed():
    groups = {"a@x": ["a1"], "b@x": ["b1"], "c@x": ["c1"], "new@x": ["n1", "n2"]}
    plan = shards.balance(groups, {"a1": 10.0, "b1": 1.0, "c1": 1.0}, 2)
    assert set(plan) == set(groups) and set(plan.values()) == {1, 2}
    assert plan["a@x"] != plan["new@x"]  # the 10 s test alone; the others (1 + 1 + 2x1) together


def test_history_durations_balance_the_shards(tmp_path):
    all_cases = cases(30, opts=("-O0",))
    seconds = qemu_like_durations(all_cases, random.Random(9))
    path = tmp_path / "history.db"
    assert shards.history_mark(str(path)) == 0  # no history: by count
    db = history.open_history(path)
    db.execute("INSERT INTO runs (id, suite) VALUES (1, 's')")
    db.executemany("INSERT INTO verdicts (run, case_id, arch, verdict, reason, duration) VALUES (1, ?, ?, 'PASS', '', ?)",
                   [(c.id, c.arch, seconds[c.id]) for c in all_cases])
    db.close()
    mark = shards.history_mark(str(path))
    assert mark == 1
    assert shards.durations(str(path), mark) == pytest.approx(seconds)
    plan = time_plan(all_cases, 3, str(path), mark)
    assert plan == shards.balance({c.group: [c.id] for c in all_cases}, seconds, 3)
    load = loads(all_cases, seconds, 3, plan)
    assert max(load) / min(load) < 1.15
    # A later run does not change a plan made up to run 1 (the workers of one run agree).
    db = sqlite3.connect(path)
    db.execute("INSERT INTO runs (id, suite) VALUES (2, 's')")
    db.executemany("INSERT INTO verdicts (run, case_id, arch, verdict, reason, duration) VALUES (2, ?, ?, 'PASS', '', 5)",
                   [(c.id, c.arch) for c in all_cases[:10]])
    db.commit()
    db.close()
    assert time_plan(all_cases, 3, str(path), mark) == plan
    assert shards.history_mark(str(path)) == 2


def test_a_run_configured_with_history_balances_its_shards(tmp_path):
    from oracle.config import machine
    from oracle.discover.select import select_cases

    suite = tmp_path / "suite"
    suite.mkdir()
    for i in range(12):
        (suite / f"t{i:02}.c").write_text("int main(void){return 0;}\n")
    hist = tmp_path / "history.db"

    def cfg(shard: str, by: str = "time"):
        return machine.build({"compiler": ["gcc"], "suite": str(suite), "out": str(tmp_path / f"out{shard[0]}"),
                                "shard": shard, "shard_by": by, "history": str(hist), "no_cache": True},
                               probe_toolchains=False)

    assert cfg("1/2").shard_history == 0  # no history yet: by count
    assert "split by count" in cfg("1/2").warnings[-1]
    all_cases = list(select_cases(cfg("1/1")))
    # One slow test (a qemu-like 10 s) and eleven quick ones: by time, the slow one is alone.
    seconds = {c.id: (10.0 if c.test == "t00.c" else 1.0) for c in all_cases}
    db = history.open_history(hist)
    db.execute("INSERT INTO runs (id, suite) VALUES (1, 's')")
    db.executemany("INSERT INTO verdicts (run, case_id, arch, verdict, reason, duration) VALUES (1, ?, ?, 'PASS', '', ?)",
                   [(c.id, c.arch, seconds[c.id]) for c in all_cases])
    db.close()
    assert cfg("1/2", by="count").shard_history == 0  # time only when asked for
    one, two = cfg("1/2"), cfg("2/2")
    assert one.shard_history == two.shard_history == 1
    a, b = [c.id for c in select_cases(one)], [c.id for c in select_cases(two)]
    assert sorted(a + b) == sorted(c.id for c in all_cases)
    loads = sorted([sum(seconds[i] for i in a), sum(seconds[i] for i in b)])
    assert loads == [10.0, 11.0]
    # --no-history: by count.
    assert machine.build({"compiler": ["gcc"], "suite": str(suite), "out": str(tmp_path / "o3"), "shard": "1/2",
                            "shard_by": "time", "history": str(hist), "no_history": True, "no_cache": True},
                           probe_toolchains=False).shard_history == 0
    # A shard's own run, appended to the history, does not move the mark: the next shard agrees.
    db = history.open_history(hist)
    db.execute("INSERT INTO runs (id, suite, shard) VALUES (2, 's', '1/2')")
    db.execute("INSERT INTO verdicts (run, case_id, arch, verdict, reason, duration) VALUES (2, ?, 'x86_64', "
               "'PASS', '', 99)", (a[0],))
    db.close()
    assert cfg("2/2").shard_history == 1
