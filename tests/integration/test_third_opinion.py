"""A runtime failure's third opinion: clang builds the test too. When clang does what the
candidate does, the test relies on a choice GCC makes (here: the order function arguments are
evaluated in, which C leaves unspecified), and the task says so and ranks it below real bugs."""

from __future__ import annotations

import json
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
