"""Projects end to end: a synthetic project of several TUs (tests/data/projects/mini) built by a
fake candidate that miscompiles chosen files (miscompile-cc): the bisection names exactly the
planted culprits (one TU, two independent TUs, a pair that only fails together); the candidate
failing to build names its TU; the reference build and its test results are cached."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from oracle.infra import proc
from oracle.judge.projects import bisect as B
from oracle.judge.projects import build as pb
from oracle.discover.projects import recipe as R

from ..conftest import needs_aarch64, run_cli

DATA = Path(__file__).resolve().parents[1] / "data" / "projects"
MINI = DATA / "mini.toml"
BAD_CC = DATA / "miscompile-cc"


def cli_run(tmp_path: Path, name: str, candidate: str, *extra: str):
    out = tmp_path / name
    res = run_cli("run", "--compiler", candidate, "--suite", f"project:{MINI}", "--arch", "x86_64",
                  "--out", str(out), "-j", "1", "--cache", str(tmp_path / "cache"), *extra, timeout=900)
    doc = json.loads((out / "results.json").read_text())
    return res, {c["test"]: c for c in doc["cases"]}, out


def test_one_culprit_end_to_end(tmp_path):
    res, cases, out = cli_run(tmp_path, "one", f"{BAD_CC} --bad=e.c")
    assert res.returncode == 1, res.stderr
    prog, tool = cases["mini/prog"], cases["mini/tool"]
    assert prog["verdict"] == "wrong-output" and prog["culprits"] == ["e.c"]
    assert tool["verdict"] == "pass" and "culprits" not in tool and cases["mini/deep"]["verdict"] == "pass"
    folder = next((out / "cases").iterdir())
    assert (folder / "culprits.txt").read_text().splitlines()[0] == "e.c"
    project = json.loads((folder / "project.json").read_text())
    assert project["culprit_sets"] == [["e.c"]] and project["broken_steps"] == 0, project["steps"]
    # repro.sh rebuilds the mixed binary (e.c by the candidate) from anywhere: still fails
    rep = subprocess.run(["sh", str(folder / "repro.sh")], cwd="/", capture_output=True, text=True, timeout=300)
    assert rep.returncode == 1, rep.stdout + rep.stderr
    # the same run again: the reference build and its test runs come from the cache
    ref_dirs = list((tmp_path / "cache" / "projects").glob("ref-mini-x86_64-*"))
    assert len(ref_dirs) == 1
    stamp = (ref_dirs[0] / "outcome.json").stat().st_mtime_ns
    res2, cases2, _ = cli_run(tmp_path, "again", f"{BAD_CC} --bad=e.c")
    assert res2.returncode == 1 and cases2["mini/prog"]["culprits"] == ["e.c"]
    assert cases2["mini/tool"]["reference"] == "cached" and cases["mini/tool"]["reference"] == "built"
    assert (ref_dirs[0] / "outcome.json").stat().st_mtime_ns == stamp


def test_gcc_as_candidate_passes(tmp_path):
    res, cases, _ = cli_run(tmp_path, "gcc", "gcc")
    assert res.returncode == 0, res.stdout + res.stderr
    assert {c["verdict"] for c in cases.values()} == {"pass"}


def test_every_tu_the_candidate_cannot_compile_is_named(tmp_path):
    # The candidate's build goes on past a TU it rejects (the reference compiles that one), so all
    # are known; the project's tests take them in turn, each naming the others.
    res, cases, _ = cli_run(tmp_path, "err", f"{BAD_CC} --bad=g.c,a.c --with=-include/nonexistent/x.h",
                            "-k", "prog|tool")
    assert res.returncode == 1
    prog, tool = cases["mini/prog"], cases["mini/tool"]
    assert prog["verdict"] == tool["verdict"] == "compile-error"
    assert prog["reason"].startswith("a.c: ") and "also rejects 1 more TU: g.c" in prog["reason"], prog["reason"]
    assert tool["reason"].startswith("g.c: ") and "also rejects 1 more TU: a.c" in tool["reason"], tool["reason"]
    assert "nonexistent/x.h" in prog["reason"]


def test_a_crash_that_only_needs_more_stack_says_so(tmp_path):
    res, cases, _ = cli_run(tmp_path, "deep", f"{BAD_CC} --bad=deep.c", "-k", "deep")
    deep, caught = cases["mini/deep"], cases["mini/deep-caught"]
    assert res.returncode == 1 and deep["verdict"] == "crash"
    assert "SIGSEGV" in deep["reason"] and "as GCC's build does with an unlimited stack" in deep["reason"]
    assert deep["culprits"] == ["deep.c"]
    # a script that catches the crash and exits 1: wrong-exit, and the same hint
    assert caught["verdict"] == "wrong-exit" and "with an unlimited stack" in caught["reason"]
    assert caught["culprits"] == ["deep.c"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One candidate build folder per planted miscompilation (built once for the module)."""
    recipe = R.load_path(MINI)

    def make(bad: str) -> tuple[B.Mixed, pb.Toolset]:
        folder = tmp_path_factory.mktemp("mini")
        tools = pb.Toolset("x86_64", (str(BAD_CC), f"--bad={bad}"), ("gcc",))
        ref_folder = tmp_path_factory.mktemp("ref")
        ref = pb.build(ref_folder, recipe, recipe.local_dir, pb.Toolset("x86_64", ("gcc",), ("gcc",)), "-O2",
                       compile="ref", link="ref")
        assert ref.ok
        expected = pb.run_test(ref_folder, recipe, recipe.test("prog"), tools, "-O2", 30)
        outcome = pb.build(folder, recipe, recipe.local_dir, tools, "-O0", compile="cand", link="cand",
                           snapshot=True)
        assert outcome.ok and outcome.tus >= 9
        return B.Mixed(folder, recipe, recipe.test("prog"), tools, "-O0", 30, expected), tools
    return make


def test_two_independent_culprits(built):
    mixed, _ = built("a.c,f.c")
    sets, log = B.bisect(mixed)
    assert sorted(e["tu"] for s in sets for e in s) == ["a.c", "f.c"]
    assert all(len(s) == 1 for s in sets), log


def test_a_pair_that_only_fails_together(built):
    mixed, _ = built("c.c,d.c")
    sets, log = B.bisect(mixed)
    assert [sorted(e["tu"] for e in s) for s in sets] == [["c.c", "d.c"]], log
    # and neither alone fails: it really is a pair
    keys = {e["tu"]: e["key"] for e in sets[0]}
    for tu in ("c.c", "d.c"):
        _, run = mixed.run(frozenset({keys[tu]}))
        assert run is not None and run.status == proc.Status(proc.EXIT, 0)
        assert run.stdout == mixed.expected.stdout


def test_the_culprit_that_fails_the_test_the_candidates_way_comes_first(built):
    # a.c alone changes prog's output, h.c alone its exit status; the candidate's build does both,
    # and a test that exits wrong is a wrong-exit case: h.c is its culprit, a.c another bug.
    mixed, _ = built("a.c,h.c")
    sets, log = B.bisect(mixed)
    assert [[e["tu"] for e in s] for s in sets] == [["h.c"], ["a.c"]], log
    assert mixed.primary == 1 and mixed.broken == 0, log


def test_a_copied_tree_follows_configures_absolute_paths(tmp_path):
    # prog's rule writes through configure's absolute path: every bisection step is such a copy
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "sub").mkdir(parents=True)
    (old / "Makefile").write_text(f"ROOT = {old}\nX = {old}/sub\n")
    (old / "blob.o").write_bytes(b"\0" + str(old).encode())
    (old / "link").symlink_to(old / "sub")
    os.utime(old / "Makefile", (1_000_000_000, 1_000_000_000))
    import shutil
    shutil.copytree(old, new, symlinks=True)
    assert pb.relocate(new, str(old), str(new)) == 2
    assert (new / "Makefile").read_text() == f"ROOT = {new}\nX = {new}/sub\n"
    assert (new / "Makefile").stat().st_mtime == 1_000_000_000  # make must not think it changed
    assert os.readlink(new / "link") == str(new / "sub")
    assert (new / "blob.o").read_bytes() == b"\0" + str(old).encode()  # binary files are left alone


def test_objects_are_compiled_once_per_compiler(built):
    mixed, _ = built("b.c")
    B.bisect(mixed)
    entries = pb.tu_log(mixed.folder)
    store = list((mixed.folder / "store").glob("*.o"))
    # every distinct TU has at most one object per compiler, whatever the number of steps
    assert len(store) <= 2 * len({e["key"] for e in entries})
    assert mixed.steps >= 3


@needs_aarch64
def test_a_real_project_on_both_arches(tmp_path):
    """zlib (two of its tests) with GCC as the candidate on x86_64 and, cross-built, under qemu."""
    fetch = run_cli("corpus", "fetch", "project", "zlib")
    assert fetch.returncode == 0, fetch.stderr
    out = tmp_path / "zlib"
    res = run_cli("run", "--compiler", "gcc", "--compiler", "aarch64=aarch64-linux-gnu-gcc", "--suite", "project:zlib",
                  "--arch", "x86_64,aarch64", "-k", "example|roundtrip-source-l6", "--out", str(out), "-j", "2",
                  "--cache", str(tmp_path / "cache"), timeout=1500)
    assert res.returncode == 0, res.stdout + res.stderr
    cases = json.loads((out / "results.json").read_text())["cases"]
    assert sorted(c["id"] for c in cases) == [
        "project/zlib/example@aarch64-O0", "project/zlib/example@x86_64-O0",
        "project/zlib/roundtrip-source-l6@aarch64-O0", "project/zlib/roundtrip-source-l6@x86_64-O0"]
    assert {c["verdict"] for c in cases} == {"pass"}
    built = list((tmp_path / "cache" / "projects").glob("ref-zlib-aarch64-*/tree/minigzip"))
    assert len(built) == 1 and built[0].read_bytes()[18] == 183  # e_machine: EM_AARCH64


def test_project_builds_and_tests_run_in_the_sandbox(tmp_path):
    """A candidate that writes on the host at every call leaves no mark when the project is built
    in the sandbox (its own folder is all it may write); without the sandbox, it does."""
    from oracle.infra.backends.sandbox import available

    if available() is not None:
        pytest.skip("bwrap unusable here")
    escape = Path(__file__).resolve().parents[1] / "fixtures" / "compilers" / "escape-host"
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {**os.environ, "ORACLE_ESCAPE_DIR": str(marks)}
    for mode in ("bwrap", "none"):
        out = tmp_path / mode
        res = run_cli("run", "--compiler", str(escape), "--suite", f"project:{MINI}", "--arch", "x86_64",
                      "-k", "tool", "--out", str(out), "-j", "1", "--cache", str(tmp_path / "cache"),
                      "--sandbox", mode, env=env, timeout=900)
        assert res.returncode == 0, res.stdout + res.stderr
        assert bool(list(marks.iterdir())) == (mode == "none"), mode


def test_a_build_that_timed_out_is_not_tried_again_in_the_same_run(tmp_path):
    # Issue 23 class 10: a candidate TU that hangs costs the compile timeout once per run, not
    # once per test of the project (300 s x 149 tests for SQLite); another run tries again.
    count = tmp_path / "count"
    cc = tmp_path / "hang-on-a"
    cc.write_text(f'#!/bin/sh\ncase " $* " in *" a.c "*) echo x >> {count}; exec sleep 60;; esac\nexec gcc "$@"\n')
    cc.chmod(0o755)
    recipe = R.load_path(MINI)
    tools = pb.Toolset("x86_64", (str(cc),), ("gcc",), compile_timeout=1)
    folder = tmp_path / "cand"

    def build(run_id: str) -> pb.BuildOutcome:
        return pb.build_once(folder, recipe, recipe.local_dir, tools, "-O0", compile="cand", link="cand",
                             run_id=run_id)

    first = build("r1")
    assert not first.ok and pb.timed_out(first) and count.read_text().count("x") == 1
    second = build("r1")  # the next test, or another worker of this run: no second compile
    assert second == first and count.read_text().count("x") == 1
    assert not (folder / "outcome.json").exists()  # never stored for later runs
    third = build("r2")
    assert pb.timed_out(third) and count.read_text().count("x") == 2


def test_the_candidates_objects_are_compiled_once_across_runs(tmp_path):
    """A candidate whose identity is unchanged compiles no TU twice across runs: its objects live
    in a store named by its identity next to the cache (written from inside the build sandbox);
    another compiler has another store."""
    def objects() -> dict[str, tuple[int, int]]:
        stores = list((tmp_path / "cache" / "projects" / "objects").glob("cand-mini-x86_64-*"))
        assert len(stores) == 1, stores
        return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in stores[0].glob("*.cand.*.o")}

    res, cases, _ = cli_run(tmp_path, "first", f"{BAD_CC} --bad=e.c", "--filter", "mini/tool")
    assert res.returncode == 0, res.stdout + res.stderr
    first = objects()
    assert len(first) >= 10, first  # every TU of the build (prog, tool, deep)
    res, cases, _ = cli_run(tmp_path, "second", f"{BAD_CC} --bad=e.c", "--filter", "mini/tool")
    assert res.returncode == 0 and cases["mini/tool"]["verdict"] == "pass"
    assert objects() == first  # not one compiled again
    # another compiler (other arguments: another identity) has a store of its own
    res, _, _ = cli_run(tmp_path, "third", f"{BAD_CC} --bad=a.c", "--filter", "mini/tool")
    assert res.returncode == 0
    assert len(list((tmp_path / "cache" / "projects" / "objects").glob("cand-mini-x86_64-*"))) == 2
