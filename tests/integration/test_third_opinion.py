"""A runtime failure's third opinion: clang builds the test too. When clang does what the
candidate does, the test relies on a choice GCC makes (here: the order function arguments are
evaluated in, which C leaves unspecified), and the task says so and ranks it below real bugs."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ..conftest import have, run_cli

pytestmark = pytest.mark.skipif(not have("clang"), reason="clang not installed: run make setup")

ORDER = ('#include <stdio.h>\nstatic int n;\nstatic int f(void){ return ++n; }\n'
         'int main(void){ printf("%d %d\\n", f(), f()); return 0; }\n')  # GCC: "2 1", clang: "1 2"
BUG = ('#include <stdio.h>\nint main(void){\n#ifdef BROKEN\n puts("41");\n#else\n puts("42");\n#endif\n'
       ' return 0; }\n')


def test_clang_agreeing_with_the_candidate_marks_the_test_as_relying_on_gcc(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "order.c").write_text(ORDER)
    (suite / "bug.c").write_text(BUG)
    cc = tmp_path / "cc"  # evaluates arguments left to right (clang), and has a real bug in bug.c
    cc.write_text('#!/bin/sh\nexec clang -w -DBROKEN "$@"\n')
    cc.chmod(0o755)
    res = run_cli("run", "--compiler", str(cc), "--suite", str(suite), "--arch", "x86_64", "-j", "2", "--no-cache",
                  "--no-history", "--out", str(tmp_path / "o"), "--tasks", str(tmp_path / "tasks"))
    assert res.returncode == 1, res.stdout + res.stderr
    cases = {c["test"]: c for c in json.loads((tmp_path / "o" / "results.json").read_text())["cases"]}
    assert cases["order.c"]["verdict"] == "wrong-output" and cases["bug.c"]["verdict"] == "wrong-output"
    assert cases["order.c"]["evidence"]["clang"] == "candidate"
    assert cases["bug.c"]["evidence"]["clang"] == "reference"
    assert not cases["order.c"]["evidence"].get("ub")  # unspecified, not undefined: the sanitizers see nothing
    texts = {p.name: p.read_text() for p in Path(tmp_path / "tasks").glob("*.txt")}
    order = next(t for t in texts.values() if "suite/order.c@" in t)
    bug = next(t for t in texts.values() if "suite/bug.c@" in t)
    assert "likely relies on GCC's choices" in order.splitlines()[0] and "Third opinion: clang's build behaves like " \
        "the candidate's" in order
    assert "the candidate is the odd one out" in bug and "GCC's choices" not in bug.splitlines()[0]


def test_the_sanitizers_seeing_undefined_behaviour_are_said(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    # Signed overflow: GCC at -O0 and -O2 agree here, a candidate may do otherwise; UBSan sees it.
    (suite / "ovf.c").write_text('#include <stdio.h>\n#include <limits.h>\nint main(int c, char **v){\n'
                                 ' volatile int x = INT_MAX; int y = x + c;\n'
                                 '#ifdef BROKEN\n y = 7;\n#endif\n printf("%d\\n", y < 0); return 0; }\n')
    cc = tmp_path / "cc"
    cc.write_text('#!/bin/sh\nexec gcc -DBROKEN "$@"\n')
    cc.chmod(0o755)
    res = run_cli("run", "--compiler", str(cc), "--suite", str(suite), "--arch", "x86_64", "--no-cache",
                  "--no-history", "--out", str(tmp_path / "o"))
    assert res.returncode == 1, res.stdout + res.stderr
    (case,) = json.loads((tmp_path / "o" / "results.json").read_text())["cases"]
    assert case["verdict"] == "wrong-output" and "runtime error" in case["evidence"]["ub"], case


def test_a_failure_is_looked_at_once(tmp_path):
    """The second look is kept in the cache: another compiler whose executables are byte-identical
    (its judgements of them reused) does not build the test with clang again."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "bug.c").write_text(BUG)
    log = tmp_path / "clang.log"
    tools = tmp_path / "bin"
    tools.mkdir()
    real = shutil.which("clang")
    (tools / "clang").write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {real} "$@"\n')
    (tools / "clang").chmod(0o755)
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"}
    for name in ("cc1", "cc2"):  # two compilers (two identities) that build the same bytes
        (tmp_path / name).write_text(f'#!/bin/sh\n# {name}\nexec gcc -DBROKEN "$@"\n')
        (tmp_path / name).chmod(0o755)
    common = ["--suite", str(suite), "--arch", "x86_64", "--no-history", "--sandbox", "none",
              "--cache", str(tmp_path / "cache")]

    def looks() -> int:
        return sum("bug.c" in line for line in log.read_text().splitlines()) if log.exists() else 0

    res = run_cli("run", "--compiler", str(tmp_path / "cc1"), *common, "--out", str(tmp_path / "a"), env=env)
    assert res.returncode == 1 and looks() == 1, res.stdout + res.stderr
    res = run_cli("run", "--compiler", str(tmp_path / "cc2"), *common, "--out", str(tmp_path / "b"), env=env)
    assert res.returncode == 1, res.stdout + res.stderr
    (case,) = json.loads((tmp_path / "b" / "results.json").read_text())["cases"]
    assert case.get("candidate_run") == "reused" and case["evidence"]["clang"] == "reference", case
    assert looks() == 1  # not built with clang again
    res = run_cli("run", "--compiler", str(tmp_path / "cc2"), *common, "--rejudge", "--out", str(tmp_path / "c"),
                  env=env)
    assert res.returncode == 1 and looks() == 2  # --rejudge looks again
