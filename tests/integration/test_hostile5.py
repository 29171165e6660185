"""Hostile inputs, third round (issue 23), class 2: no case is silently dropped or hidden. A
candidate cannot pre-empt the judge's next work folders; --resume drops what the suite no longer
has; two recipes of one name are refused."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ..conftest import COMPILERS, ORACLE, PROGRAMS


def _oracle(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*ORACLE, "run", "--no-history", "--no-cache", "--out", str(tmp_path / "out"), *args],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, cwd=tmp_path)


def _verdicts(tmp_path: Path) -> dict[str, str]:
    cases = json.loads((tmp_path / "out" / "results.json").read_text())["cases"]
    return {Path(c["test"]).stem: c["verdict"] for c in cases}


@pytest.mark.parametrize("sandbox", ["none", "bwrap"])
def test_a_candidate_that_makes_the_next_work_folders_first_hides_nothing(tmp_path, sandbox):
    if sandbox == "bwrap":
        from oracle.infra.backends import sandbox as sb

        if sb.available() is not None:
            pytest.skip("bwrap unusable here")
    suite = tmp_path / "src"
    suite.mkdir()
    for name in ("a", "bad", "c", "d"):
        (suite / f"{name}.c").write_text((PROGRAMS / "ok.c").read_text())
    res = _oracle(tmp_path, "--compiler", str(COMPILERS / "pre-empt"), "--suite", str(suite), "--arch", "x86_64",
                  "--opt", "-O0", "--sandbox", sandbox, "-j", "1")
    assert _verdicts(tmp_path) == {"a": "pass", "bad": "compile-error", "c": "pass", "d": "pass"}, res.stdout + res.stderr
    assert res.returncode == 1, res.stdout + res.stderr


def test_resume_drops_the_cases_the_suite_no_longer_has(tmp_path):
    suite = tmp_path / "src"
    suite.mkdir()
    for name in ("a", "b", "gone"):
        (suite / f"{name}.c").write_text((PROGRAMS / "ok.c").read_text())
    args = ("--compiler", "gcc", "--suite", str(suite), "--arch", "x86_64", "--opt", "-O0")
    first = _oracle(tmp_path, *args)
    assert first.returncode == 0, first.stdout + first.stderr
    (suite / "gone.c").unlink()
    res = _oracle(tmp_path, *args, "--resume")
    assert res.returncode == 0, res.stdout + res.stderr
    assert _verdicts(tmp_path) == {"a": "pass", "b": "pass"}
    assert "1 case(s) the interrupted run judged are no longer in the suite" in res.stdout
    junit = (tmp_path / "out" / "junit.xml").read_text()
    assert "gone" not in junit


# Class 1: a build that compiles one path twice with other contents (the source, or a header it
# reads): the object store must not give the first object again. The candidate miscompiles only
# the second contents (it defines VALUE2), so a store keyed by path hides its failure.
TWICE_BUILD = r"""set -e
printf 'int f(void){return 1;}\n' > v.c; $CC -c v.c -o v1.o
printf '#ifndef VALUE2\n#define VALUE2 2\n#endif\nint f(void){return VALUE2;}\n' > v.c; $CC -c v.c -o v2.o
printf 'int f(void); int main(void){return f();}\n' > m.c; $CC -c m.c -o m.o; $CC m.o v2.o -o src
printf '#define H 1\n' > h.h; printf '#include "h.h"\nint g(void){return H;}\n' > u.c; $CC -c u.c -o u1.o
printf '#ifndef VALUE2\n#define VALUE2 2\n#endif\n#define H VALUE2\n' > h.h; $CC -c u.c -o u2.o
printf 'int g(void); int main(void){return g();}\n' > n.c; $CC -c n.c -o n.o; $CC n.o u2.o -o hdr
"""
TWICE_RECIPE = """[source]
dir = "twice"

[build]
build = "sh ./build.sh"

[[tests]]
name = "src"
run = "$EMU ./src"

[[tests]]
name = "hdr"
run = "$EMU ./hdr"
"""


def test_a_path_compiled_twice_with_other_contents_is_compiled_again(tmp_path):
    tree = tmp_path / "twice"
    tree.mkdir()
    (tree / "build.sh").write_text(TWICE_BUILD)
    recipe = tmp_path / "twice.toml"
    recipe.write_text(TWICE_RECIPE)
    cand = tmp_path / "value2-cc"
    cand.write_text('#!/bin/sh\nexec gcc -DVALUE2=99 "$@"\n')
    cand.chmod(0o755)
    # The run's own output is in the source tree: it is no part of the tree's identity (a new
    # identity per case would build the reference again for every test).
    res = subprocess.run([*ORACLE, "run", "--compiler", str(cand), "--suite", f"project:{recipe}", "--arch", "x86_64",
                          "--opt", "-O0", "--no-history", "--cache", str(tmp_path / "cache"), "-j", "1",
                          "--out", str(tree / "out")], capture_output=True, text=True, timeout=600,
                         stdin=subprocess.DEVNULL, cwd=tmp_path)
    cases = json.loads((tree / "out" / "results.json").read_text())["cases"]
    verdicts = {c["test"]: c["verdict"] for c in cases}
    assert verdicts == {"twice/src": "wrong-exit", "twice/hdr": "wrong-exit"}, res.stdout + res.stderr
    assert res.returncode == 1
    assert len(list((tmp_path / "cache" / "projects").glob("ref-twice-x86_64-*"))) == 1
