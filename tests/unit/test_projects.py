"""Project recipes (parsing, bad recipes), ddmin, and the compiler wrapper's command parsing."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from oracle.model.errors import EXIT_USAGE, RecipeError
from oracle.judge.projects import bisect as B
from oracle.judge.projects import ccwrap
from oracle.discover.projects import recipe as R

from ..conftest import run_cli

DATA = Path(__file__).resolve().parents[1] / "data" / "projects"
GOOD = """
[source]
package = "zlib"
version = "1:1.2.13.dfsg-1"
[build]
configure = "./configure"
build = "make"
[[tests]]
name = "t1"
run = "./t"
[[tests]]
name = "t2"
run = "./t 2"
timeout = 5
unsupported = { aarch64 = "needs x86" }
"""


def write(tmp_path: Path, text: str, name: str = "proj") -> Path:
    p = tmp_path / f"{name}.toml"
    p.write_text(text)
    return p


def test_every_shipped_recipe_parses():
    names = R.names()
    assert "zlib" in names
    for n in names:
        r = R.load(n)
        assert r.tests and r.package and r.version and r.build


def test_a_good_recipe(tmp_path):
    r = R.load_path(write(tmp_path, GOOD))
    assert (r.name, r.package, r.version) == ("proj", "zlib", "1:1.2.13.dfsg-1")
    assert [t.name for t in r.tests] == ["t1", "t2"]
    assert r.test("t2").timeout == 5.0 and r.test("t2").unsupported == {"aarch64": "needs x86"}
    assert r.reference_opt == "-O2" and r.data_dir == tmp_path / "proj"
    assert r.budget is None
    assert R.load_path(write(tmp_path, GOOD.replace('build = "make"', 'build = "make"\nbudget = 900'))).budget == 900.0


def test_the_synthetic_recipe_has_a_local_source():
    r = R.load_path(DATA / "mini.toml")
    assert r.local_dir == DATA / "mini" and r.package is None


@pytest.mark.parametrize("text, words", [
    ("[source\n", "not valid TOML"),
    (GOOD.replace("[build]", "[builds]"), "unknown key 'builds'"),
    (GOOD.replace('build = "make"', "build = 3"), "build.build must be a string"),
    (GOOD.replace('build = "make"\n', ""), "build.build is missing"),
    (GOOD.replace('name = "t2"', 'name = "t1"'), "must be unique"),
    (GOOD.replace('name = "t2"', 'name = "a b"'), "must be unique and made of"),
    (GOOD.replace("timeout = 5", "timeout = -1"), "timeout must be a positive"),
    (GOOD.replace('build = "make"', 'build = "make"\nbudget = 0'), "build.budget must be a positive"),
    (GOOD.replace('build = "make"', 'build = "make"\nbudget = inf'), "build.budget must be a positive"),
    (GOOD.replace('build = "make"', 'build = "make"\nbudget = "1h"'), "build.budget must be a positive"),
    (GOOD.replace("aarch64 = ", "sparc = "), "not an arch"),
    (GOOD.replace('package = "zlib"\nversion = "1:1.2.13.dfsg-1"', ""), "needs package and version"),
    (GOOD.split("[[tests]]")[0], "[[tests]] is missing"),
    ('name = "other"\n' + GOOD, "name must be the file's stem"),
])
def test_bad_recipes_are_one_clear_error(tmp_path, text, words):
    with pytest.raises(RecipeError) as exc:
        R.load_path(write(tmp_path, text))
    msg = str(exc.value)
    assert words in msg and "\n" not in msg and str(tmp_path) in msg
    assert exc.value.exit_code == EXIT_USAGE


def test_unknown_project_names(tmp_path):
    with pytest.raises(RecipeError, match="known projects are"):
        R.load("no-such-project")
    with pytest.raises(RecipeError, match="not a project name"):
        R.load("../etc/passwd")


def test_cli_bad_project_exits_2_with_one_line(tmp_path):
    bad = write(tmp_path, GOOD.replace("[build]", "[builds]"))
    for args in (["run", "--compiler", "gcc", "--suite", "project:no-such", "--out", str(tmp_path / "o")],
                 ["run", "--compiler", "gcc", "--suite", f"project:{bad}", "--out", str(tmp_path / "o2")],
                 ["corpus", "fetch", "project", "no-such"],
                 ["corpus", "fetch", "project"]):
        res = run_cli(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


# ------------------------------------------------------------------ ddmin

def counting(culprits: list[set[str]]):
    """A failure predicate: the subset fails when it contains every TU of one culprit set."""
    calls = []

    def fails(subset: frozenset[str]) -> bool:
        calls.append(subset)
        return any(c <= subset for c in culprits)
    return fails, calls


ITEMS = [f"tu{i:02d}.c" for i in range(64)]


def test_ddmin_one_culprit_in_log_steps():
    fails, calls = counting([{"tu37.c"}])
    assert B.ddmin(ITEMS, fails) == ["tu37.c"]
    assert len(calls) <= 2 * math.ceil(math.log2(len(ITEMS))) + 2


def test_ddmin_a_pair_that_only_fails_together():
    fails, _ = counting([{"tu05.c", "tu50.c"}])
    assert sorted(B.ddmin(ITEMS, fails)) == ["tu05.c", "tu50.c"]


def test_culprit_sets_finds_independent_culprits_and_pairs():
    fails, _ = counting([{"tu03.c"}, {"tu40.c"}, {"tu10.c", "tu11.c"}])
    sets = B.culprit_sets(ITEMS, fails)
    assert sorted(sorted(s) for s in sets) == [["tu03.c"], ["tu10.c", "tu11.c"], ["tu40.c"]]


def test_culprit_sets_empty_when_the_whole_set_passes():
    fails, _ = counting([{"not-there.c"}])
    assert B.culprit_sets(ITEMS, fails) == []


# ------------------------------------------------------------------ the wrapper's parsing

def test_wrapper_finds_every_source_and_the_output():
    srcs, out, c = ccwrap.parse(["-O2", "-I", "inc", "-c", "a.c", "b.c", "-DX=1"])
    assert [s for _, s in srcs] == ["a.c", "b.c"] and out is None and c
    srcs, out, c = ccwrap.parse(["-o", "prog", "main.c", "x.S", "lib.a", "-lm"])
    assert [s for _, s in srcs] == ["main.c", "x.S"] and out == "prog" and not c
    srcs, _, _ = ccwrap.parse(["-include", "conf.c", "-MF", "dep.c", "real.c"])
    assert [s for _, s in srcs] == ["real.c"]  # option values are never sources
    assert ccwrap.passthrough(["-E", "a.c"]) and ccwrap.passthrough(["--version"])
    assert not ccwrap.passthrough(["-c", "a.c"])


def test_compile_and_link_keeps_only_what_a_compile_takes():
    common = ["-O2", "-I.", "libz.a", "-L", "lib", "-lm", "-Wl,-E", "-DX", "other.o", "-static", "-s", "-std=c99"]
    assert ccwrap.compile_part(common) == ["-O2", "-I.", "-DX", "-std=c99"]


def test_deb_src_entries_are_added_once(tmp_path):
    """scripts/deb-src.sh (make setup): every deb stanza copied as deb-src, and nothing done twice."""
    import os
    import subprocess

    script = Path(__file__).resolve().parents[2] / "scripts" / "deb-src.sh"
    src, dst = tmp_path / "debian.sources", tmp_path / "oracle-deb-src.sources"
    src.write_text("Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n\n"
                   "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n"
                   "Components: main\n")
    env = {**os.environ, "ORACLE_APT_UPDATE": "0"}
    first = subprocess.run(["bash", str(script), str(src), str(dst)], capture_output=True, text=True, env=env)
    assert first.returncode == 0 and "adding deb-src" in first.stdout
    text = dst.read_text()
    assert text.count("Types: deb-src") == 2 and "Types: deb\n" not in text and "debian-security" in text
    again = subprocess.run(["bash", str(script), str(src), str(dst)], capture_output=True, text=True, env=env)
    assert again.returncode == 0 and again.stdout == "" and dst.read_text() == text


def test_two_recipes_with_one_name_by_path_are_refused(tmp_path):
    """Issue 23 class 2a: a/proj.toml and b/proj.toml would give the same case ids (one vanishes)."""
    from oracle.model.errors import SuiteError
    from oracle.discover.suites.projects import ProjectSuite

    local = GOOD.replace('package = "zlib"\nversion = "1:1.2.13.dfsg-1"', 'dir = "src"')
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        (d / "src").mkdir(parents=True)
    pa, pb = write(a, local), write(b, local)
    with pytest.raises(SuiteError, match="two recipes are named"):
        ProjectSuite([str(pa), str(pb)])


def test_the_folders_oracle_writes_are_known_to_the_tree_hash():
    from oracle.engine import journal
    from oracle.infra import scratch
    from oracle.discover.projects import trees

    assert journal.LOCK in trees.OWN_MARKS and scratch.LOCK in trees.OWN_MARKS


def test_the_references_own_dependency_rule_lists_the_headers_its_minus_m_lists(tmp_path, monkeypatch):
    """A reference compile with -MD -MF names its headers itself: the same list the extra -M would
    give (so that process is saved), whatever -MP adds and however the names are spelled."""
    import shutil
    import subprocess

    if not shutil.which("gcc"):
        pytest.skip("gcc not installed")
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "b c.h").write_text("#define B 2\n")
    (tmp_path / "a.h").write_text('#include "inc/b c.h"\n#include <stdio.h>\n')
    (tmp_path / "a.c").write_text('#include "a.h"\nint main(void) { return B; }\n')
    monkeypatch.chdir(tmp_path)
    w = ccwrap.Wrapper({"root": str(tmp_path), "compilers": {"ref": ["gcc"]}})
    common = ["-O2", "-MT", "a.o", "-MD", "-MP", "-MF", ".deps/a.Tpo"]
    (tmp_path / ".deps").mkdir()
    subprocess.run(["gcc", *common, "-c", "a.c", "-o", "a.o"], check=True)
    from_rule = w.rule_files((tmp_path / ".deps" / "a.Tpo").read_bytes(), "a.c")
    assert from_rule == w.headers("a.c", common)
    assert "a.h" in from_rule and "inc/b c.h" in from_rule and "a.c" not in from_rule
    assert any(f.endswith("/stdio.h") for f in from_rule)


def test_two_wrappers_with_one_pid_never_share_a_temporary_name(monkeypatch):
    """Compiles run in sandboxes with their own pid namespaces: two wrappers sharing a store often
    have the same pid, and a name made of the pid alone let one delete the other's object."""
    from oracle.judge.projects import ccwrap

    monkeypatch.setattr(ccwrap.os, "getpid", lambda: 4)
    assert len({ccwrap._unique() for _ in range(100)}) == 100


def test_a_known_culprit_set_is_confirmed_in_two_steps_not_searched_again(tmp_path, monkeypatch):
    from oracle.judge.projects import bisect as B

    keys = [f"k{i}" for i in range(64)]
    monkeypatch.setattr(B.pb, "candidate_tus", lambda folder: [{"key": k, "tu": f"{k}.c"} for k in keys])
    culprit = {"k17", "k40"}

    class Fake(B.Mixed):
        def run(self, route):
            raise AssertionError("not used")

    def fails_of(mixed):
        def fails(route):
            mixed.steps += 1
            bad = culprit <= route
            if bad:
                mixed.kinds[route] = "output"
            return bad
        return fails

    first = Fake(tmp_path, None, None, None, "", 1.0, None)
    first.fails = fails_of(first)
    sets, _ = B.bisect(first)
    assert [sorted(e["key"] for e in s) for s in sets] == [sorted(culprit)] and first.steps > 10
    second = Fake(tmp_path, None, None, None, "", 1.0, None)
    second.fails = fails_of(second)
    sets, log = B.bisect(second)
    assert [sorted(e["key"] for e in s) for s in sets] == [sorted(culprit)]
    assert second.steps == 3 and "earlier bisection" in log[-1]  # none by the candidate, the set, the rest


def test_a_failed_link_is_no_tu_and_its_undefined_reference_is_the_reason(tmp_path):
    """A link that fails is logged without a TU (it once made the reason a KeyError): the reason
    is the link's first undefined reference, not make's last line."""
    import json

    from oracle.judge.projects.build import first_failed_tu
    from oracle.judge.projects.judging import telling_line

    (tmp_path / "tus.jsonl").write_text(json.dumps({"tu": "a.c", "key": "k", "who": "ref", "status": 0}) + "\n"
                                        + json.dumps({"link": True, "cwd": "src", "status": 1, "stderr": "x"}) + "\n")
    assert first_failed_tu(tmp_path) is None
    (tmp_path / "tus.jsonl").write_text(json.dumps({"tu": "b.c", "key": "k2", "who": "cand", "status": 1}) + "\n")
    assert first_failed_tu(tmp_path)["tu"] == "b.c"
    tail = ("/usr/bin/ld: debug.o: in function `f':\ndebug.c:3: undefined reference to `mallctl'\n"
            "collect2: error: ld returned 1 exit status\nmake: *** [Makefile:379: redis-server] Error 1\n"
            "make: Leaving directory '/t/src'\n")
    assert telling_line(tail) == "debug.c:3: undefined reference to `mallctl'"
    assert telling_line("a\nfoo.c:1: error: bad\nb\n") == "foo.c:1: error: bad"
    assert telling_line("just this\n") == "just this" and telling_line("") == ""


def test_a_culprits_compile_command_names_the_tu_from_its_folder():
    from oracle.report.casedir import culprit_command

    assert culprit_command({"tu": "src/crc64.c", "cwd": "src", "argv": ["-O2", "-I../deps"]}) == \
        "cd src && CANDIDATE -O2 -I../deps -c crc64.c"
    assert culprit_command({"tu": "e.c", "cwd": ".", "argv": []}) == "cd . && CANDIDATE -c e.c"


def test_kbuilds_dependency_file_is_known_to_the_wrapper():
    """Kbuild (busybox, the kernel) asks for `-Wp,-MD,FILE`: a TU found in the store writes that
    file too, or fixdep stops the build."""
    assert ccwrap._dep_file(["-Wp,-MD,libbb/.xfuncs.o.d", "-Os"], "libbb/xfuncs.o") == "libbb/.xfuncs.o.d"
    assert ccwrap._dep_file(["-Wp,-MMD,a/.b.o.d"], "a/b.o") == "a/.b.o.d"
    assert ccwrap._dep_file(["-MD", "-MF", "x.d"], "a.o") == "x.d"
    assert ccwrap._dep_file(["-MMD"], "d/a.o") == "d/a.d"
    assert ccwrap._dep_file(["-O2"], "a.o") is None
