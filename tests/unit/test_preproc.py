"""The comparison of a TU's preprocessed output (judge/projects/preproc.py) on -E texts written
here: line markers and spacing ignored, system headers left out, a call spread over lines joined,
and the kind of a difference (a pp-number re-read, a stringified macro, a macro defined otherwise)."""

from oracle.feed import cluster
from oracle.judge.projects import preproc as P
from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.model.record import CaseRecord, Evidence

TREE = "/b/tree"


def test_lines_of_reads_markers_and_keeps_only_the_trees_files():
    text = ('# 1 "v.c"\n# 1 "<built-in>"\n# 1 "/usr/include/stdio.h" 1 3 4\nextern int printf(const char *, ...);\n'
            '# 3 "v.c" 2\nint   x=MAJ ;\n\n#pragma once\nchar*s="a b";\n#line 20 "sub/h.h"\nint y;\n')
    got = P.lines_of(text, TREE, TREE)
    assert got == {("v.c", 3): ["int", "x", "=", "MAJ", ";"], ("v.c", 6): ["char", "*", "s", "=", '"a b"', ";"],
                   ("sub/h.h", 20): ["int", "y", ";"]}


def test_spacing_and_markers_do_not_make_a_difference():
    a = P.lines_of('# 1 "v.c"\nint x = 1 ;\n', TREE, TREE)
    b = P.lines_of('#line 1 "./v.c"\nint x=1;\n', TREE, TREE)
    assert P.first_difference(a, b) is None


def test_a_call_spread_over_lines_on_one_side_is_joined():
    cand = {("v.c", 4): ["f", "(", "1", ",", "2", ")", ";"]}
    ref = {("v.c", 4): ["f", "(", "1", ","], ("v.c", 5): ["2", ")", ";"]}
    assert P.first_difference(cand, ref) is None
    ref[("v.c", 5)] = ["3", ")", ";"]
    assert P.first_difference(cand, ref) is not None


def test_lines_only_one_side_has_are_counted_not_compared():
    cand = {("v.c", 1): ["int", "a", ";"], ("v.c", 7): ["int", "b", ";"]}
    ref = {("v.c", 1): ["int", "a", ";"], ("v.c", 5): ["long", "b", ";"]}
    assert P.first_difference(cand, ref) is None
    cand[("v.c", 1)] = ["int", "c", ";"]
    where, c, r, only = P.first_difference(cand, ref)
    assert where == ("v.c", 1) and c == ["int", "c", ";"] and only == 2


DEFS = {"MAJ": "10", "MIN": "42", "PATCH": "4", "STR": "(x) # x", "XSTR": "(x) STR ( x )", "BIAS": "0"}


def test_a_macro_after_a_number_and_a_dot_is_a_relex():
    assert P.classify(['"10.MIN"'], ['"10.42"'], {"XSTR", "MAJ", "MIN"}, DEFS, dict(DEFS)) == ("relex", "MIN")
    assert P.classify(['"1.MIN.PATCH"'], ['"1.9.4"'], {"XSTR"}, DEFS, dict(DEFS)) == ("relex", "MIN")
    assert P.classify(["10.MIN"], ["10", ".", "42"], {"MAJ"}, DEFS, None) == ("relex", "MIN")


def test_a_stringified_or_plain_macro_left_unexpanded():
    assert P.classify(['"MIN"'], ['"42"'], {"XSTR", "MIN"}, DEFS, dict(DEFS)) == ("stringify", "MIN")
    assert P.classify(["MIN", ";"], ["42", ";"], {"MIN"}, DEFS, dict(DEFS)) == ("unexpanded", "MIN")


def test_a_macro_defined_otherwise_is_no_preprocessor_bug():
    cand = dict(DEFS, BIAS="1")
    assert P.classify(["x", "+", "1"], ["x", "+", "0"], {"x", "BIAS"}, DEFS, cand) == ("definitions", "BIAS")
    # through a macro's body: XSTR uses STR
    cand = dict(DEFS, STR="(x) x")
    assert P.classify(["10"], ['"10"'], {"XSTR", "MAJ"}, DEFS, cand)[0] == "definitions"
    # a macro only the candidate defines (a forced include: `#define sqrt(x) (sqrt(x) + 1e-3)`)
    cand = dict(DEFS, sqrt="(x) ( sqrt ( x ) + 1e-3 )")
    assert P.classify(["(", "sqrt", "(", "arg", ")", "+", "1e-3", ")"], ["sqrt", "(", "arg", ")"], {"sqrt", "arg"},
                      DEFS, cand) == ("definitions", "sqrt")
    # no -dM from the candidate and no macro name left: cannot tell
    assert P.classify(["x", "+", "1"], ["x", "+", "0"], {"BIAS"}, DEFS, None) == ("definitions", "")
    assert P.classify(["x", "+", "1"], ["x", "+", "0"], {"BIAS"}, DEFS, dict(DEFS))[0] == "expansion"


def test_definitions_reads_dM_output():
    assert P.definitions("#define A 1\n#define F(x,y) ((x)+  (y))\n#define E\n") == \
        {"A": "1", "F": "(x,y) ( ( x ) + ( y ) )", "E": ""}


def _record(test: str, kind: str, culprits=("v.c",)) -> CaseRecord:
    case = Case(f"project/{test}@x86_64-O0", "project", test, "x86_64", "-O0")
    return CaseRecord(case, V.WRONG_OUTPUT, culprits=culprits,
                      evidence=Evidence(preprocessor=(kind, "MIN", "v.c:3: …")))


def test_one_preprocessor_bug_is_one_cluster_across_projects_and_the_others_stay_by_culprit():
    a, b = _record("pa/t1", "relex"), _record("pb/t2", "relex", ("lib.c",))
    c = _record("pc/t3", "definitions")
    keys = {r.test: cluster.key(r)[0] for r in (a, b, c)}
    assert keys["pa/t1"] == keys["pb/t2"] == "preprocessor|relex"
    assert keys["pc/t3"] == "culprits|project|pc|v.c"
    assert Evidence.from_json(a.evidence.to_json()) == a.evidence
