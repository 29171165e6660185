"""Task folders under partial runs: sampled, filtered, sharded or single-arch runs only add
failures and mark what they judged; the same failures give the same bytes; one task per cause."""

from __future__ import annotations

import json
import re

import pytest

from oracle.feed.cluster import clusters, symbol_family
from oracle.judge.evidence import missing_symbols
from oracle.model.case import Case
from oracle.model.record import CaseRecord
from oracle.discover.select import select
from oracle.model import verdict as V
from oracle.feed.tasks import scrub, sync
from oracle.judge.evidence import gcc_only

from .judged import judged
from .test_tasks import results, state, task_files

ARCHES = ("x86_64", "aarch64")


def rec(test: str, arch: str, verdict: str, reason: str = "", opt: str = "-O0") -> CaseRecord:
    return judged(Case(f"s/{test}@{arch}{opt}", "s", test, arch, opt), verdict, reason)


def full_records() -> list[CaseRecord]:
    """A candidate with a few bugs, on two arches and two opt levels: 60 tests."""
    out = []
    for i in range(60):
        for arch in ARCHES:
            for opt in ("-O0", "-O2"):
                if i < 12:  # one front-end bug
                    out.append(rec(f"t{i}.c", arch, "compile-error", f"/x/t{i}.c:{i}: error: 'v{i}' undeclared", opt))
                elif i < 20:  # builtin aliases missing: one family
                    name = ["memcpy", "strcpy", "printf", "fabs", "abs", "puts", "strlen", "memset"][i - 12]
                    out.append(rec(f"t{i}.c", arch, "compile-error",
                                   f"tcc: error: undefined symbol '__builtin_{name}'", opt))
                elif i < 26:  # runtime failures, some on one arch only
                    bad = arch == "aarch64" or i % 2
                    out.append(rec(f"t{i}.c", arch, "wrong-output" if bad else "pass",
                                   "stdout differs at line 1" if bad else "", opt))
                else:
                    out.append(rec(f"t{i}.c", arch, "pass", "", opt))
    return out


def sample(records: list[CaseRecord], **kw) -> list[CaseRecord]:
    keep = {c.id for c in select((r.case for r in records), **kw)}
    return [r for r in records if r.id in keep]


def test_partial_runs_change_nothing_and_a_second_full_run_no_byte(tmp_path):
    folder = tmp_path / "current_tasks"
    records = full_records()
    rep = sync(results(tmp_path, "full", records), folder)
    assert rep.open_tasks == len(task_files(folder)) == 2 + 6
    before = state(folder)
    partials = {
        "fast": sample(records, seed="agent-1", ratio=1, at_least_one=True),
        "ratio": sample(records, seed="agent-2", ratio=10),
        "filter": sample(records, pattern=r"t1[0-9]\.c"),
        "shard": sample(records, shard=(1, 3)),
        "one-arch": [r for r in records if r.arch == "x86_64"],
        "one-opt": sample(records, seed="x", ratio=30, pattern="-O2"),
    }
    for name, recs in partials.items():
        assert recs and len(recs) < len(records)
        rep = sync(results(tmp_path, name, recs), folder)
        assert state(folder) == before, name
        assert rep.open_tasks == 8 and not rep.written and not rep.removed, name
    sync(results(tmp_path, "full2", records), folder)
    assert state(folder) == before


def test_partial_run_adds_new_failures_and_marks_passes(tmp_path):
    folder = tmp_path / "current_tasks"
    records = full_records()
    sync(results(tmp_path, "full", records), folder)
    before = state(folder)
    # A later sample: two front-end cases pass now, and one new test fails the same way.
    part = [r.but(verdict=V.PASS, reason="") if r.test in ("t0.c",) else r
            for r in sample(records, pattern=r"t[0-3]\.c@")]
    part.append(rec("new.c", "x86_64", "compile-error", "/y/new.c:3: error: 'q' undeclared"))
    rep = sync(results(tmp_path, "p", part), folder)
    after = state(folder)
    changed = {n for n in after if after[n] != before.get(n)}
    (task,) = [n for n in changed if n.endswith(".txt")]
    assert changed == {task, "." + task[-16:-4] + ".json"} and rep.written == [task]
    text = after[task].decode()
    assert text.startswith("compile-error: error: a name undeclared [45 failing cases]")  # 12*4 - 4 + 1
    assert "s/new.c@x86_64-O0" in text and "Cases: 45 failing, 4 no longer failing this way" in text
    # t0.c passes now; t5.c was not judged: still failing in the task's state.
    st = json.loads(after["." + task[-16:-4] + ".json"])
    assert st["cases"]["s/t0.c@aarch64-O0"]["state"] == "passes"
    assert st["cases"]["s/t5.c@x86_64-O0"]["state"] == "fails"


def test_task_goes_only_once_every_case_was_seen_not_failing(tmp_path):
    folder = tmp_path / "current_tasks"
    recs = [rec("a.c", a, "wrong-exit", "exit 1 (reference: exit 0)") for a in ARCHES]
    sync(results(tmp_path, "r1", recs), folder)
    assert len(task_files(folder)) == 1
    sync(results(tmp_path, "r2", [rec("a.c", "x86_64", "pass")]), folder)  # aarch64 not judged
    (name,) = task_files(folder)
    assert "[1 failing case]" in (folder / name).read_text()
    sync(results(tmp_path, "r3", [rec("a.c", "aarch64", "pass")]), folder)
    assert task_files(folder) == []


def test_task_files_hold_no_absolute_paths_or_times(tmp_path):
    folder = tmp_path / "current_tasks"
    sync(results(tmp_path, "r", full_records()), folder)
    for p in folder.iterdir():
        text = p.read_text()
        assert str(tmp_path) not in text and "/x/" not in text, p.name
        assert not re.search(r"\d\d:\d\d:\d\d|20\d\d-\d\d-\d\d", text), p.name


def test_link_errors_one_task_per_symbol_family():
    records = [rec(f"b{i}.c", "x86_64", "compile-error", f"tcc: error: undefined symbol '__builtin_{n}'")
               for i, n in enumerate(["memcpy", "strcpy", "printf", "fabsf", "mul_overflow", "add_overflow",
                                      "object_size", "isunordered", "signbit"])]
    records += [rec("m.c", "x86_64", "compile-error", "ld: undefined reference to `__sync_fetch_and_add_4'"),
                rec("n.c", "x86_64", "compile-error", "ld: undefined reference to `__atomic_load_8'"),
                rec("o.c", "x86_64", "compile-error", "error: undefined symbols: __builtin_strlen, __builtin_ctz"),
                rec("p.c", "x86_64", "compile-error", "tcc: error: undefined symbol '__udivti3'"),
                rec("c.c", "x86_64", "compile-error", "tcc: error: undefined symbol '__builtin_bswap32'"),
                rec("u.c", "x86_64", "compile-error", "tcc: error: undefined symbol '__USER_LABEL_PREFIX__my_x'"),
                rec("q.c", "x86_64", "compile-error", "tcc: error: undefined symbol 'helper'")]
    cls = {c.signature.split("|link|")[1]: sorted(r.test for r in c.records) for c in clusters(records, ["x86_64"])}
    assert cls == {
        "__builtin_<libc>": ["b0.c", "b1.c", "b2.c", "b3.c", "o.c"],  # its first family, never the list
        "__builtin_*_overflow": ["b4.c", "b5.c"],
        "__builtin_object_size": ["b6.c"],
        "__builtin_is*": ["b7.c", "b8.c"], "__builtin_bits": ["c.c"],
        "__sync_*": ["m.c"], "__atomic_*": ["n.c"], "libgcc": ["p.c"],
        "__USER_LABEL_PREFIX__*": ["u.c"], "'ID'": ["q.c"],
    }
    (alias,) = [c for c in clusters(records) if c.signature.endswith("__builtin_<libc>")]
    assert "aliases of C library functions" in alias.cause
    assert missing_symbols("error: undefined symbols: a, b") == ["a", "b"]
    assert missing_symbols("error: 'x' undeclared") == []
    assert symbol_family("__memcpy_chk")[0] == "__*_chk" and symbol_family("foo")[0] == "'ID'"


def test_runtime_task_key_does_not_depend_on_the_arches_judged():
    both = [rec("a.c", "x86_64", "crash"), rec("a.c", "aarch64", "crash")]
    (one,) = clusters(both[:1], ["x86_64"])
    (two,) = clusters(both, list(ARCHES))
    assert one.id == two.id and one.cause == two.cause == "crash in plain C code (s/a.c)"


def test_representative_prefers_the_host_arch(tmp_path):
    from oracle.config.targets import HOST_ARCH

    other = "aarch64" if HOST_ARCH == "x86_64" else "x86_64"
    run = results(tmp_path, "r", [rec("a.c", other, "crash"), rec("a.c", HOST_ARCH, "crash")])
    for name in ("a.c@" + other, "a.c@" + HOST_ARCH):  # both have a case folder with the same program
        d = run.case_dir(f"s/{name}-O0")
        assert d is None
    from oracle.report.casedir import slug

    for arch in (other, HOST_ARCH):
        src = run.folder / "cases" / slug(f"s/a.c@{arch}-O0") / "src"
        src.mkdir(parents=True)
        (src / "a.c").write_text("int main(void){return 0;}\n")
    folder = tmp_path / "t"
    sync(run, folder)
    (name,) = task_files(folder)
    assert f"Representative: s/a.c@{HOST_ARCH}-O0" in (folder / name).read_text()


def test_gcc_only_features_and_scrubbing():
    assert gcc_only(("-fwrapv", "-w", "-fno-inline"), b"int x = __builtin_ffs(3); typedef int v "
                    b"__attribute__((vector_size(16)));") == [
        "flag -fwrapv", "extensions __attribute__, __builtin_ffs, vector_size"]
    assert gcc_only((), b"int main(void){return 0;}") == []
    assert scrub("/root/.cache/oracle/corpora/torture/pr1.c:3: error: x in /dev/shm/o-1/src/a.h") == \
        "pr1.c:3: error: x in a.h"


@pytest.mark.parametrize("max_tasks", [1, 3])
def test_ideas_file_holds_the_rest_and_partial_runs_keep_it(tmp_path, max_tasks):
    folder = tmp_path / "current_tasks"
    records = full_records()
    rep = sync(results(tmp_path, "full", records), folder, max_tasks=max_tasks)
    tasks = [n for n in task_files(folder) if n != "ideas.txt"]
    assert len(tasks) == max_tasks and rep.ideas == 8 - max_tasks
    before = state(folder)
    sync(results(tmp_path, "part", sample(records, seed="s", ratio=10)), folder, max_tasks=max_tasks)
    assert state(folder) == before
    ideas = (folder / "ideas.txt").read_text().splitlines()
    assert len([ln for ln in ideas if not ln.startswith("#")]) == 8 - max_tasks


def test_compile_errors_on_one_missing_gcc_feature_are_one_task(tmp_path):
    """The diagnosed line (or the diagnostic) names the feature: one task whatever the parser said."""
    progs = {
        "c1.c": "typedef __complex__ float cf;\nint main(void){return 0;}\n",
        "c2.c": "int main(void){\n_Complex v = 3.0 + 1.0iF;\nreturn 0;}\n",
        "v1.c": "typedef int V2SI __attribute__ ((vector_size (8)));\nint main(void){\n V2SI x = { 2, 2 };\n}\n",
        "v2.c": "#define vector(n, t) t __attribute__((vector_size((n)*sizeof(t))))\n"
                "int main(void){\n  vector(4, int) x = {1, 2, 3, 4};\n}\n",
        "m1.c": "typedef __UINT32_TYPE__ u32;\nint main(void){return 0;}\n",
        "plain.c": "int main(void){\n int x = 1 +;\n}\n",
        "c3.c": "#define T(type, name) \\\n  _Complex type \\\n  foo_##name (int x) { return x; }\n\nT (float, f)\n",
        "n1.c": "double dnan = 1.0/0.0 - 1.0/0.0;\nint main(void){return 0;}\n",
        "l1.c": "int main(void){\n static int b[] = { &&l1 - &&l0 };\n l0: l1: return 0;\n}\n",
        "nested.c": "int main(void){\n int f(void){ return _Complex_I; }\n return f();\n}\n",
    }
    diags = {"c1.c": (1, "';' expected (got \"float\")"), "c2.c": (2, "';' expected (got \"v\")"),
             "v1.c": (3, "'}' expected (got \",\")"), "v2.c": (3, "'}' expected (got \",\")"),
             "m1.c": (1, "';' expected (got \"u32\")"), "plain.c": (2, "'}' expected (got \",\")"),
             "c3.c": (5, "';' expected (got \"float\")"), "n1.c": (1, "initializer element is not constant"),
             "l1.c": (2, "initializer element is not constant"), "nested.c": (2, "cannot use local functions")}
    records = []
    for name, text in progs.items():
        path = tmp_path / name
        path.write_text(text)
        line, msg = diags[name]
        records.append(judged(Case(f"s/{name}@x86_64-O0", "s", name, "x86_64", "-O0", (str(path),)),
                              V.COMPILE_ERROR, f"{path}:{line}: error: {msg}"))
    records.append(rec("m2.c", "x86_64", "compile-error", "/x/m2.c:4: error: '__FLT_MAX__' undeclared"))
    got = {c.signature: sorted(r.test for r in c.records) for c in clusters(records, ["x86_64"])}
    assert got == {"compile-error|feature|complex": ["c1.c", "c2.c", "c3.c"],  # c3.c: through its macro
                   "compile-error|feature|inf-nan-constants": ["n1.c"],
                   "compile-error|feature|label-values": ["l1.c"],
                   # a specific diagnostic names its own cause, whatever its line holds
                   "compile-error|error: cannot use local functions": ["nested.c"],
                   "compile-error|feature|vector": ["v1.c", "v2.c"],
                   "compile-error|feature|predefined-macros": ["m1.c", "m2.c"],
                   "compile-error|error: '}' expected (got ',')": ["plain.c"]}


def test_related_lines_and_a_claim_changes_no_other_file(tmp_path):
    from oracle.report.casedir import slug

    bitfield = "struct s { unsigned a : 3; int b : 5; } x;\nint main(void){ return x.a; }\n"
    plain = "int main(void){ return 0; }\n"
    recs = [rec("bf1.c", "x86_64", "crash", "killed by SIGABRT (reference: exit 0)"),
            rec("bf2.c", "x86_64", "wrong-exit", "exit 1 (reference: exit 0)"),
            rec("p.c", "x86_64", "crash", "killed by SIGSEGV (reference: exit 0)")]
    run = results(tmp_path, "r", recs)
    for r, text in zip(recs, (bitfield, bitfield, plain)):
        src = run.folder / "cases" / slug(r.id) / "src"
        src.mkdir(parents=True)
        (src / r.test).write_text(text)
    folder = tmp_path / "t"
    sync(run, folder)
    files = {n: (folder / n).read_text() for n in task_files(folder)}
    bf1 = next(n for n in files if "bf1" in n)
    bf2 = next(n for n in files if "bf2" in n)
    assert f"Related: {bf2} (both programs use bit-fields)" in files[bf1]
    assert "Related:" not in files[next(n for n in files if "-p-c-" in n)]
    before = state(folder)
    (folder / f"{bf2[-16:-4]}.claim").write_text("Claimed-by: a\nStarted: 2026-01-01T00:00:00Z\nToken: 1\n")
    sync(run, folder)
    after = state(folder)
    after.pop(f"{bf2[-16:-4]}.claim")
    assert after == before
