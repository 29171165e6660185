"""Clustering: normalised diagnostics and stable cluster ids."""

from __future__ import annotations

from oracle import verdict as V
from oracle.cluster import clusters, normalise_diagnostic
from oracle.model import Case
from oracle.record import CaseRecord


def rec(test: str, arch: str, verdict: str, reason: str = "", opt: str = "-O0") -> CaseRecord:
    return CaseRecord(Case(f"s/{test}@{arch}{opt}", "s", test, arch, opt), V.by_name(verdict), reason)


def test_normalisation_strips_what_belongs_to_the_test():
    a = normalise_diagnostic("/root/.cache/oracle/corpora/torture/pr123.c:13: error: 'foo' undeclared", "pr123.c")
    b = normalise_diagnostic("/tmp/x/20001-1.c:7:12: error: 'bar_2' undeclared", "20001-1.c")
    assert a == b == "error: 'ID' undeclared"
    assert normalise_diagnostic("tcc: error: undefined symbol 'qux'") == "error: undefined symbol 'ID'"
    # Numbers, paths and the test's own name go; reserved names and punctuation tokens stay.
    assert normalise_diagnostic("x.c:3: error: constant exceeds 32 bit in /usr/include/a.h") == \
        "error: constant exceeds N bit in PATH"
    assert normalise_diagnostic("a.c:1: error: ';' expected (got \"y\")") == "error: ';' expected (got 'ID')"
    assert normalise_diagnostic("error: undefined symbol '__builtin_strstr'", "builtins/strstr.c") == \
        "error: undefined symbol '__builtin_strstr'"
    assert normalise_diagnostic("error: in strstr: bad", "builtins/strstr.c") == "error: in TEST: bad"
    assert normalise_diagnostic("x.c:2:1: internal compiler error: Segmentation fault 0x7f3a") == \
        "internal compiler error: Segmentation fault N"


def test_one_front_end_bug_is_one_cluster_with_a_stable_id():
    records = [rec(f"t{i}.c", "x86_64", "compile-error", f"/p/t{i}.c:{i}: error: 'v{i}' undeclared")
               for i in range(5)]
    records += [rec("u.c", "x86_64", "compile-error", "u.c:1: error: undefined symbol '__builtin_ffs'"),
                rec("ok.c", "x86_64", "pass")]
    first = clusters(records, ["x86_64"])
    assert [len(c.records) for c in first] == [5, 1]
    again = clusters(list(reversed(records)), ["x86_64"])
    assert [c.id for c in first] == [c.id for c in again]


def test_runtime_failures_keyed_by_test_verdict_and_arch_scope():
    records = [rec("a.c", "x86_64", "wrong-output"), rec("a.c", "aarch64", "wrong-output"),
               rec("a.c", "x86_64", "wrong-output", opt="-O2"),
               rec("b.c", "x86_64", "pass"), rec("b.c", "aarch64", "crash"),
               rec("c.c", "x86_64", "wrong-exit"), rec("c.c", "aarch64", "wrong-exit")]
    cls = clusters(records, ["x86_64", "aarch64"])
    titles = {c.title: (len(c.records), c.all_arches) for c in cls}
    assert titles == {"wrong-output in s/a.c (every arch)": (3, True),
                      "wrong-exit in s/c.c (every arch)": (2, True),
                      "crash in s/b.c (only aarch64)": (1, False)}
    assert [c.title for c in cls][0].startswith("wrong-output")  # biggest first


def test_keywords_in_diagnostics_are_kept():
    assert normalise_diagnostic("a.c:5: error: ';' expected (got \"float\")") == "error: ';' expected (got 'float')"
