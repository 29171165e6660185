"""A slow candidate on a project (issue 25, cost): its tests' timeouts grow with its compile time
against GCC's (a compiler 10x slower than GCC likely makes slower code too), and a recipe's budget
bounds what a run spends on it: the cases left when it is spent are `not-run`, never passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oracle.judge.projects import bisect as B
from oracle.judge.projects import build as pb

from ..conftest import run_cli

DATA = Path(__file__).resolve().parents[1] / "data" / "projects"
SLOW_CC = DATA / "slow-cc"


def recipe(tmp_path: Path, budget: str = "") -> Path:
    """The mini project with one test whose timeout is 3 s (and a budget, if given)."""
    path = tmp_path / "slowmini.toml"
    path.write_text(f'''[source]
dir = "{DATA / 'mini'}"
[build]
configure = "echo 'CONFIGURED_BY = '\\"$CC\\" > config.mk; echo \\"ABS_BUILDDIR = $(pwd)\\" >> config.mk"
build = "make -j$JOBS prog tool deep"
{budget}
[[tests]]
name = "tool"
run = "$EMU ./tool 7"
timeout = 3
[[tests]]
name = "prog"
run = "$EMU ./prog"
timeout = 3
''')
    return path


def run(tmp_path: Path, name: str, candidate: str, path: Path):
    out = tmp_path / name
    res = run_cli("run", "--compiler", candidate, "--suite", f"project:{path}", "--arch", "x86_64",
                  "--out", str(out), "-j", "1", "--cache", str(tmp_path / "cache"), timeout=600)
    doc = json.loads((out / "results.json").read_text())
    return res, {c["test"]: c for c in doc["cases"]}


def test_a_slow_compilers_tests_get_longer_timeouts(tmp_path):
    path = recipe(tmp_path)
    # Its programs start 6 s late: past the recipe's 3 s, but it compiles each TU 0.6 s slower
    # than GCC (a dozen TUs of a few ms each): its timeouts are scaled up, the tests pass.
    res, cases = run(tmp_path, "slow", f"{SLOW_CC} --compile-delay=0.6 --run-delay=6", path)
    assert [c["verdict"] for c in cases.values()] == ["pass", "pass"], cases
    assert res.returncode == 0
    # The same slow programs from a compiler as fast as GCC: the recipe's timeout holds.
    res, cases = run(tmp_path, "fast", f"{SLOW_CC} --compile-delay=0 --run-delay=6", path)
    assert [c["verdict"] for c in cases.values()] == ["timeout", "timeout"], cases
    assert res.returncode == 1


def test_a_spent_budget_leaves_the_rest_not_run(tmp_path):
    # The candidate's build alone takes longer than the recipe's budget of 1 s.
    res, cases = run(tmp_path, "budget", f"{SLOW_CC} --compile-delay=0.4", recipe(tmp_path, "budget = 1"))
    assert [c["verdict"] for c in cases.values()] == ["not-run", "not-run"], cases
    assert all("budget of 1 s is spent" in c["reason"] and "slowmini.toml" in c["reason"] for c in cases.values())
    assert res.returncode != 1  # no candidate failure, and no pass either


def test_no_bisection_step_starts_after_the_deadline(tmp_path):
    mixed = B.Mixed(tmp_path, None, None, None, "", 1.0, None, deadline=0.0)
    with pytest.raises(B.OutOfBudget):
        mixed.fails(frozenset())
    assert mixed.steps == 0


def test_the_compile_ratio_counts_the_tus_both_built(tmp_path):
    cand, ref = tmp_path / "cand", tmp_path / "ref"
    for folder, who, rows in ((cand, "cand", [("a.c", 2.0), ("b.c", 4.0), ("only.c", 100.0)]),
                              (ref, "ref", [("a.c", 0.5), ("b.c", 1.0), ("other.c", 50.0)])):
        folder.mkdir()
        lines = [json.dumps({"tu": tu, "cwd": ".", "who": who, "status": 0, "seconds": s, "key": tu}) for tu, s in rows]
        lines.append(json.dumps({"tu": "a.c", "cwd": ".", "who": who, "status": 1, "seconds": 999, "key": "x"}))
        (folder / "tus.jsonl").write_text("\n".join(lines) + "\n")
    assert pb.compile_ratio(cand, ref) == 4.0
    assert pb.compile_ratio(cand, tmp_path / "nothing") is None
