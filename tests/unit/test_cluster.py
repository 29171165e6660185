"""Clustering: normalised diagnostics and stable cluster ids."""

from __future__ import annotations

from oracle.model import verdict as V
from oracle.feed.cluster import clusters, symbol_family
from oracle.judge.evidence import constructs
from oracle.model.diagnostic import normalise_diagnostic
from oracle.model.case import Case
from oracle.judge.outcome import Result
from oracle.model.record import CaseRecord

from .judged import judged


def rec(test: str, arch: str, verdict: str, reason: str = "", opt: str = "-O0") -> CaseRecord:
    return judged(Case(f"s/{test}@{arch}{opt}", "s", test, arch, opt), verdict, reason)


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


def case_in(folder, name: str, text: str, arch: str = "x86_64", verdict: str = "crash",
            reason: str = "killed by SIGABRT: the test's own check failed (abort)") -> CaseRecord:
    path = folder / name
    path.write_text(text)
    return judged(Case(f"s/{name}@{arch}-O0", "s", name, arch, "-O0", (str(path),)), verdict, reason)


VM_STRUCT = "int f (int n) { struct { char b[n]; } s; return sizeof s; }\nint main () { return f (3) != 3; }\n"
VM_TYPEDEF = "int g (int i) { typedef int c[i + 2]; return sizeof (c); }\nint main () { return g (1) != 12; }\n"
WIDE = "struct s { unsigned long long u33 : 33; } b;\nint main () { b.u33 = 1; return 0; }\n"
VECTOR = "typedef int v4 __attribute__ ((vector_size (16)));\nv4 a;\nint main () { a = -a; return 0; }\n"
PLAIN = "#define N 4\nstruct s { int a[N]; char c[sizeof (int)]; };\nint main () { return 0; }\n"


def test_runtime_failures_of_programs_sharing_one_rare_construct_are_one_cluster(tmp_path):
    records = [case_in(tmp_path, "vm1.c", VM_STRUCT), case_in(tmp_path, "vm2.c", VM_TYPEDEF),
               case_in(tmp_path, "vm1.c", VM_STRUCT, arch="aarch64"),
               case_in(tmp_path, "bf1.c", WIDE), case_in(tmp_path, "bf2.c", WIDE.replace("33", "40")),
               case_in(tmp_path, "v1.c", VECTOR, reason="killed by SIGSEGV"),
               case_in(tmp_path, "v2.c", VECTOR.replace("-a", "~a"), reason="killed by SIGSEGV"),
               case_in(tmp_path, "v3.c", VECTOR),  # the test's own check: another way of failing
               case_in(tmp_path, "both.c", VM_STRUCT + WIDE.replace("main", "main2")),  # two suspects
               case_in(tmp_path, "p1.c", PLAIN), case_in(tmp_path, "p2.c", PLAIN)]  # no construct
    groups = {c.cause: sorted(r.id for r in c.records) for c in clusters(records, ["x86_64", "aarch64"])}
    assert groups == {
        "crash (SIGABRT) in programs that use variably modified types (VLA members in structs, VLA typedefs)":
            ["s/vm1.c@aarch64-O0", "s/vm1.c@x86_64-O0", "s/vm2.c@x86_64-O0"],
        "crash (SIGABRT) in programs that use bit-fields wider than 32 bits (long long)":
            ["s/bf1.c@x86_64-O0", "s/bf2.c@x86_64-O0"],
        "crash (SIGSEGV) in programs that use vector types (vector_size)": ["s/v1.c@x86_64-O0", "s/v2.c@x86_64-O0"],
        "crash (SIGABRT) in programs that use vector types (vector_size)": ["s/v3.c@x86_64-O0"],
        "crash in a program using bit-fields (s/both.c)": ["s/both.c@x86_64-O0"],
        "crash in plain C code (s/p1.c)": ["s/p1.c@x86_64-O0"], "crash in plain C code (s/p2.c)": ["s/p2.c@x86_64-O0"],
    }
    # No title holds a placeholder of the normalised diagnostic, nor a bare GCC bug number as its cause.
    assert not any("'ID'" in c for c in groups)
    # A construct named only in a comment or a string is not used.
    assert constructs('/* vector_size */ int main () { puts ("long long x : 40;"); }') == []


def test_tests_of_one_gcc_bug_report_are_one_cluster_when_the_suite_has_several(tmp_path):
    for name in ("pr72824.c", "pr72824-2.c", "pr1234.c"):  # the suite's files are there when it is judged
        (tmp_path / name).write_text(PLAIN)
    records = [case_in(tmp_path, "pr72824.c", PLAIN), case_in(tmp_path, "pr72824-2.c", VECTOR),
               case_in(tmp_path, "pr1234.c", PLAIN)]  # no sibling: its own task
    groups = sorted(sorted(r.test for r in c.records) for c in clusters(records, ["x86_64"]))
    assert groups == [["pr1234.c"], ["pr72824-2.c", "pr72824.c"]]


def test_a_binary_the_loader_cannot_start_is_keyed_by_the_missing_symbols_family():
    loader = "exit 127 (reference: exit 0); stderr: ./prog: symbol lookup error: ./prog: undefined symbol: "
    records = [rec(f"t{i}.c", "riscv64", "wrong-exit", loader + s)
               for i, s in enumerate(["__trunctfdf2", "__floatditf", "__udivti3", "__fixsfti"])]
    records.append(rec("u.c", "riscv64", "wrong-exit", loader + "my_helper"))
    cls = clusters(records, ["riscv64"])
    assert sorted(len(c.records) for c in cls) == [1, 4]
    assert cls[0].cause.startswith("binaries fail to start: undefined libgcc helper routines")


def test_nested_functions_and_decimal_floats_are_named_whatever_the_parser_said(tmp_path):
    nested = "int\nf (int a)\n{\n  int g (int b)\n    {\n      return b + a;\n    }\n  return g (1);\n}\n"
    not_nested = "int g (int b)\n{\n  if (b)\n    {\n      return 1;\n    }\n  return 0;\n}\n"
    said = "error: expected ';' after declaration before '{'"
    records = [case_in(tmp_path, "n1.c", nested, verdict="compile-error", reason=f"src/n1.c:5:5: {said}"),
               case_in(tmp_path, "n2.c", nested, verdict="compile-error", reason=f"src/n2.c:6:7: {said}"),
               case_in(tmp_path, "x.c", not_nested, verdict="compile-error", reason=f"src/x.c:4:5: {said}"),
               case_in(tmp_path, "d.c", "int main () {\n  _Decimal64 d = 0.DD;\n}\n", verdict="compile-error",
                       reason="src/d.c:2:13: error: expected ';' after expression before 'd'")]
    causes = {c.cause: sorted(r.test for r in c.records) for c in clusters(records, ["x86_64"])}
    assert causes == {
        "compile-error: nested functions (a function defined inside another, a GNU extension) are not supported":
            ["n1.c", "n2.c"],
        "compile-error: error: expected ';' after declaration before '{'": ["x.c"],
        "compile-error: decimal floating types (_Decimal32, _Decimal64, _Decimal128) are not supported": ["d.c"],
    }


def test_alloca_link_error_and_unlocked_aliases_have_their_own_families():
    assert symbol_family("alloca")[0] == "alloca" and symbol_family("link_error")[0] == "link_error"
    assert symbol_family("__builtin_fputs_unlocked")[0] == symbol_family("__builtin_memcpy")[0] == "__builtin_<libc>"
    assert {symbol_family(s)[0] for s in ("__udivti3", "__trunctfdf2", "__mulsc3", "__popcountdi2")} == {"libgcc"}
    assert symbol_family("frobnicate")[0] == "'ID'"


def test_a_project_failure_that_an_unlimited_stack_cures_is_its_own_task():
    def proj(test: str, reason: str) -> CaseRecord:
        stack = "unlimited stack" in reason  # what the judge found, and said
        return Result(Case(f"project/{test}@x86_64-O0", "project", test, "x86_64", "-O0"), V.WRONG_EXIT, reason,
                      culprits=["src/compile.c"], stack_hint=stack).record()
    records = [proj("pcre2/runtest-08", "exit 1 (reference: exit 0) (exits as GCC's build does with an unlimited "
                    "stack: the candidate's code uses far more stack)"),
               proj("pcre2/runtest-02", "exit 1 (reference: exit 0)")]
    causes = sorted(c.cause for c in clusters(records, ["x86_64"]))
    assert causes == ["miscompiled in pcre2: culprit TUs src/compile.c",
                      "stack frames far bigger than GCC's in pcre2 (it exits as GCC's build does with an unlimited "
                      "stack): culprit TUs src/compile.c"]
