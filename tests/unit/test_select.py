"""Sampling and sharding: pure functions of (seed, case id)."""

from __future__ import annotations

from oracle.model.case import Case, case_id
from oracle.discover.select import select as select_stream


def select(cs, **kw):
    return list(select_stream(cs, **kw))


def cases(n: int, arches=("x86_64", "aarch64"), opts=("-O0",)) -> list[Case]:
    return [Case(case_id("s", f"t{i}.c", a, o), "s", f"t{i}.c", a, o)
            for i in range(n) for a in arches for o in opts]


def ids(cs):
    return [c.id for c in cs]


def test_same_seed_same_sample_different_seed_different_sample():
    all_cases = cases(500)
    a1 = ids(select(all_cases, seed="agent-1", ratio=10))
    a2 = ids(select(list(reversed(all_cases)), seed="agent-1", ratio=10))
    b = ids(select(all_cases, seed="agent-2", ratio=10))
    assert sorted(a1) == sorted(a2)
    assert a1 != b and len(set(a1) & set(b)) < len(a1) / 2
    assert 50 < len(a1) < 150  # about 10% of 1000


def test_adding_tests_does_not_reshuffle_the_sample():
    before = set(ids(select(cases(300), seed="s", ratio=20)))
    after = set(ids(select(cases(400), seed="s", ratio=20)))
    assert before == {i for i in after if int(i.split("/t")[1].split(".")[0]) < 300}


def test_order_is_kept():
    all_cases = cases(200)
    kept = select(all_cases, seed="x", ratio=30)
    pos = {c.id: n for n, c in enumerate(all_cases)}
    assert [pos[c.id] for c in kept] == sorted(pos[c.id] for c in kept)


def test_fast_keeps_at_least_one_case_per_arch():
    small = cases(5)
    for seed in map(str, range(20)):
        kept = select(small, seed=seed, ratio=1, at_least_one=True)
        assert {c.arch for c in kept} == {"x86_64", "aarch64"}


def test_shards_partition_the_cases():
    all_cases = cases(300, opts=("-O0", "-O2"))
    shards = [ids(select(all_cases, shard=(k, 4))) for k in range(1, 5)]
    flat = [i for s in shards for i in s]
    assert sorted(flat) == sorted(ids(all_cases))  # every case once
    assert len(flat) == len(set(flat))
    assert all(len(s) > 0 for s in shards)


def test_shards_keep_a_tests_opt_levels_together():
    all_cases = cases(100, opts=("-O0", "-O2"))
    for k in range(1, 4):
        kept = select(all_cases, shard=(k, 3))
        groups = {c.group for c in kept}
        assert all(sum(1 for c in kept if c.group == g) == 2 for g in groups)


def test_filter_and_sample_compose():
    all_cases = cases(300)
    kept = select(all_cases, pattern=r"@aarch64", seed="s", ratio=50)
    assert kept and all(c.arch == "aarch64" for c in kept)


def test_resume_skips_what_was_judged_and_nothing_else():
    all_cases = cases(50)
    done = set(ids(all_cases[::3]))
    kept = ids(select(all_cases, skip=done))
    assert set(kept) == set(ids(all_cases)) - done


def test_selection_is_lazy():
    def endless():
        i = 0
        while True:
            yield Case(case_id("s", f"t{i}.c", "x86_64", "-O0"), "s", f"t{i}.c", "x86_64", "-O0")
            i += 1

    stream = select_stream(endless(), seed="a", ratio=10)
    assert len([next(stream) for _ in range(20)]) == 20  # an endless suite is sampled as it goes


def test_case_id_from_node_id_with_and_without_loadgroup_suffix():
    from oracle.engine.plugin import _case_id

    cid = "torture/pr1.c@x86_64-O0"
    assert _case_id(f"out::oracle::{cid}") == cid
    assert _case_id(f"out::oracle::{cid}@torture/pr1.c@x86_64") == cid
