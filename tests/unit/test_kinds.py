"""Case kinds (issue 22): a suite's name decides things in one place, suites/kinds.py."""

from __future__ import annotations

import re
from pathlib import Path

from oracle.suites.kinds import FILE, kind_of

ORACLE = Path(__file__).resolve().parents[2] / "oracle"


def test_each_suite_has_its_kind():
    assert kind_of("csmith").generated and not kind_of("csmith").shrinkable
    assert kind_of("hypothesis").generated and kind_of("hypothesis").shrinkable
    assert kind_of("project").project and not kind_of("project").generated
    assert kind_of("torture").named and not kind_of("torture").generated
    assert kind_of("my-folder") is FILE and not FILE.named
    assert kind_of("csmith").options == ("csmith_args",) and kind_of("hypothesis").options == ()


def test_where_a_case_comes_from():
    assert kind_of("project").where("project", "zlib/example", None) == \
        "project zlib (its recipe zlib.toml), its test example"
    assert "made again from its seed" in kind_of("csmith").where("csmith", "seed-7", None)
    assert kind_of("smoke").where("smoke", "a.c", "x") == "oracle's corpora/smoke/a.c"
    assert kind_of("tests").where("tests", "a.c", "corpora/tests") == "corpora/tests/a.c"
    assert kind_of("tests").where("tests", "a.c", None) == "a.c"


def test_no_module_branches_on_a_suite_name_outside_the_kinds():
    branch = re.compile(r"\.suite\s*(==|!=|not in|in)\s*|suite\s*==\s*[\"'](torture|smoke|csmith|hypothesis|project)")
    found = [f"{p.relative_to(ORACLE)}:{n}" for p in ORACLE.rglob("*.py") if p.name != "kinds.py"
             for n, line in enumerate(p.read_text().splitlines(), 1) if branch.search(line)]
    assert not found, found
