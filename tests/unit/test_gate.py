"""The gate's rules without running compilers: regressions, flaky reruns, ratchet, shards."""

from __future__ import annotations

import json

import pytest

from oracle.model import verdict as V
from oracle.model.errors import UsageError
from oracle.feed.gate import Baseline, gate

from .test_cluster import rec
from .test_tasks import results


def never(run, record, times):
    return [V.WRONG_EXIT] * times


def test_regression_flaky_fixed_and_ratchet(tmp_path):
    path = tmp_path / "baseline.json"
    path.write_text(Baseline(frozenset({"s/a.c@x86_64-O0", "s/b.c@x86_64-O0", "s/c.c@x86_64-O0"}),
                             frozenset({"s/d.c@x86_64-O0"})).render())
    run = results(tmp_path, "r", [rec("a.c", "x86_64", "pass"), rec("b.c", "x86_64", "wrong-exit", "exit 3"),
                                  rec("c.c", "x86_64", "crash"), rec("d.c", "x86_64", "pass"),
                                  rec("e.c", "x86_64", "pass")])
    flips = {"s/c.c@x86_64-O0": [V.CRASH, V.PASS]}
    res = gate(path, [run], rejudge=lambda run, r, n: flips.get(r.id, [V.WRONG_EXIT] * n), update=True)
    assert [r.id for r in res.regressions] == ["s/b.c@x86_64-O0"]
    assert [r.id for r in res.flaky] == ["s/c.c@x86_64-O0"]
    assert res.fixed == ["s/d.c@x86_64-O0"] and res.new == 1 and res.exit_code == 1
    assert res.lines()[0] == "REGRESSION s/b.c@x86_64-O0 wrong-exit: exit 3"
    doc = json.loads(path.read_text())
    assert doc == {"format": "oracle-baseline/1",
                   "passing": ["s/a.c@x86_64-O0", "s/b.c@x86_64-O0", "s/d.c@x86_64-O0", "s/e.c@x86_64-O0"],
                   "failing": [], "flaky": ["s/c.c@x86_64-O0"]}
    # Flaky cases are never regressions afterwards, whatever they do.
    assert gate(path, [run], rejudge=never).regressions == res.regressions


def test_shards_are_checked_together_and_missing_cases_are_not_regressions(tmp_path):
    path = tmp_path / "baseline.json"
    path.write_text(Baseline(frozenset({"s/a.c@x86_64-O0", "s/b.c@x86_64-O0", "s/z.c@x86_64-O0"})).render())
    one = results(tmp_path, "1", [rec("a.c", "x86_64", "pass")])
    two = results(tmp_path, "2", [rec("b.c", "x86_64", "timeout")])
    res = gate(path, [one, two], rejudge=never)
    assert [r.id for r in res.regressions] == ["s/b.c@x86_64-O0"] and res.missing == 1 and res.checked == 2


def test_no_baseline_without_update_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="--update-baseline"):
        gate(tmp_path / "none.json", [results(tmp_path, "r", [])])


def test_not_rejudgeable_stays_a_regression(tmp_path):
    path = tmp_path / "baseline.json"
    path.write_text(Baseline(frozenset({"s/a.c@x86_64-O0"})).render())
    run = results(tmp_path, "r", [rec("a.c", "x86_64", "crash")])  # no toolchains, no suite: cannot re-judge
    assert gate(path, [run]).exit_code == 1
