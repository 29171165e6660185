"""Case kinds (issue 22): a suite's name decides things in one place, judge/kinds.py."""

from __future__ import annotations

import re
from pathlib import Path

from oracle.judge.kinds import FILE, kind_of
from oracle.model import verdict as V
from oracle.model.errors import GenerationFailed

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


class _Judge:
    """Only what a kind's steps ask of the Judge (the real one is tested end to end)."""

    def __init__(self, programs=None):
        self.programs, self.judged = programs, []

    def programs_for(self, suite):
        return self.programs

    def judge_program(self, case):
        self.judged.append(case)
        return "judged"


class _NoPrograms:
    def get(self, seed):
        raise GenerationFailed("csmith exited 1")


class _Programs:
    def get(self, seed):
        return Path(f"/made/{seed}.c")


def test_each_kind_supplies_its_steps():
    from oracle.model.case import Case

    file_case = Case("t/a.c@x86_64-O0", "t", "a.c", "x86_64", "-O0", ("/s/a.c",))
    j = _Judge()
    assert kind_of("t").judge(j, file_case) == "judged" and j.judged == [file_case]
    gen = Case("csmith/seed-7@x86_64-O0", "csmith", "seed-7", "x86_64", "-O0")
    j = _Judge(_Programs())
    assert kind_of("csmith").judge(j, gen) == "judged" and j.judged[0].sources == ("/made/7.c",)
    res = kind_of("csmith").judge(_Judge(_NoPrograms()), gen)
    assert res.verdict is V.REF_INVALID and "no program: csmith exited 1" in res.reason
    shrunk = Case("hypothesis/seed-3@x86_64-O0", "hypothesis", "seed-3", "x86_64", "-O0", ("/min.c",))
    j = _Judge(_NoPrograms())
    assert kind_of("hypothesis").judge(j, shrunk) == "judged" and j.judged == [shrunk]  # has its program
