"""DejaGnu directive and .x script handling, as GCC's harness reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle.discover.suites import dg
from oracle.discover.suites.files import FileSuite
from oracle.discover.suites.torture import BUILTINS_FLAGS, TortureSuite

X86 = dg.Context("x86_64", "x86_64-pc-linux-gnu")
ARM = dg.Context("aarch64", "aarch64-unknown-linux-gnu")


def plan(src: str, ctx=X86, opt="-O0", default=("-w",)):
    return dg.plan(dg.parse(src), ctx, opt.split(), list(default))


def test_dg_options_replace_the_default_w():
    assert plan('/* { dg-options "-fwrapv" } */').flags == ["-fwrapv"]
    assert plan('/* { dg-options { "-fwrapv" } } */').flags == ["-fwrapv"]
    assert plan("int x;").flags == ["-w"]


def test_additional_options_add_and_respect_target():
    src = '/* { dg-additional-options "-fno-common" } */\n/* { dg-additional-options "-mno-stv" { target i?86-*-* x86_64-*-* } } */'
    assert plan(src, X86).flags == ["-w", "-fno-common", "-mno-stv"]
    assert plan(src, ARM).flags == ["-w", "-fno-common"]


def test_options_with_a_target_selector_apply_only_there():
    src = '/* { dg-options "-mno-mmx -Wno-psabi" { target { x86_64-*-* i?86-*-* } } } */'
    assert plan(src, X86).flags == ["-mno-mmx", "-Wno-psabi"]
    assert plan(src, ARM).flags == ["-w"]


def test_skip_if_by_target_negation():
    src = '/* { dg-skip-if "" { ! { i?86-*-* x86_64-*-* } } } */'
    assert plan(src, X86).unsupported is None
    assert "aarch64" in plan(src, ARM).unsupported


def test_skip_if_by_options():
    src = '/* { dg-skip-if "requires optimization" { *-*-* } { "-O0" } { "" } } */'
    assert plan(src, opt="-O0").unsupported
    assert plan(src, opt="-O2").unsupported is None
    src2 = '/* { dg-skip-if "" { *-*-* } { "*" } { "-O2" } } */'  # everything but -O2
    assert plan(src2, opt="-O0").unsupported and plan(src2, opt="-O2").unsupported is None


def test_skip_if_on_effective_target_keyword():
    assert plan('/* { dg-skip-if "requires io" { freestanding } } */').unsupported is None
    assert plan('/* { dg-skip-if "requires alloca" { ! alloca } { "-O0" } { "" } } */').unsupported is None


def test_require_effective_target():
    assert plan("/* { dg-require-effective-target int32plus } */").unsupported is None
    assert "dfp" in plan("/* { dg-require-effective-target dfp } */", ARM).unsupported
    assert plan("/* { dg-require-effective-target dfp } */", X86).unsupported is None
    unknown = plan("/* { dg-require-effective-target some_future_thing } */").unsupported
    assert unknown and "some_future_thing" in unknown


def test_dg_do_with_target():
    assert plan("/* { dg-do run { target aarch64-*-* } } */", X86).unsupported
    assert plan("/* { dg-do run { target aarch64-*-* } } */", ARM).unsupported is None
    assert "not a run test" in plan("/* { dg-do compile } */").unsupported


def test_add_options_and_unknown_require():
    assert plan("/* { dg-add-options ieee } */").flags == ["-w"]
    assert plan("/* { dg-add-options arm_neon } */").unsupported
    assert plan("/* { dg-require-something-new } */").unsupported


def test_additional_sources_and_timeout_factor():
    p = plan('/* { dg-additional-sources "helper.c" } */\n/* { dg-timeout-factor 4.0 } */')
    assert p.sources == ["helper.c"] and p.timeout_factor == 4.0


@pytest.mark.parametrize(
    "script, ctx, skip, flags",
    [
        ('set additional_flags -fno-builtin-abs\nreturn 0\n', X86, False, ["-fno-builtin-abs"]),
        ('lappend additional_flags "-fno-ivopts" "-fno-gcse"\nreturn 0', X86, False, ["-base", "-fno-ivopts", "-fno-gcse"]),
        ('if [istarget "avr-*-*"] {\n    return 1\n}\nreturn 0', X86, False, ["-base"]),
        ('if [istarget "aarch64-*-*"] {\n    return 1\n}\nreturn 0', ARM, True, ["-base"]),
        ('load_lib target-supports.exp\nif { ! [check_effective_target_nonlocal_goto] } {\n return 1\n}\nreturn 0',
         X86, False, ["-base"]),
        # Short-circuit: the unknown keyword after a false istarget is never evaluated.
        ('if { [istarget "tic6x-*-*"] && [check_effective_target_ti_c67x_unknown] } {\n return 1\n}\nreturn 0',
         X86, False, ["-base"]),
        ('# comment with { brace\nif { [check_effective_target_c99_runtime] } {\n return 0\n}\nreturn 1', X86, False,
         ["-base"]),
    ],
)
def test_x_scripts(script, ctx, skip, flags):
    res = dg.run_x(script, ctx, ["-base"])
    assert res.skip is skip
    assert res.flags == flags


def test_x_script_option_skip_and_unknown():
    res = dg.run_x('set torture_eval_before_compile {\n  if {[string match {*-Og*} "$option"]} {\n    continue\n  }\n}\nreturn 0',
                   X86, [])
    assert res.skip_opts == ["*-Og*"]
    with pytest.raises(dg.Unknown):
        dg.run_x('if { [istarget "x86_64-*-*"] && [check_effective_target_weird] } { return 1 }', X86, [])
    with pytest.raises(dg.Unknown):
        dg.run_x("proc foo {} { return 1 }", X86, [])


def _torture_tree(root: Path) -> Path:
    (root / "builtins" / "lib").mkdir(parents=True)
    (root / "ieee").mkdir()
    (root / "a.c").write_text('/* { dg-options "-fwrapv" } */\nint main(void){return 0;}\n')
    (root / "builtins" / "abs-1.c").write_text("int main_test(void){return 0;}\n")
    (root / "builtins" / "abs-1-lib.c").write_text("int x;\n")
    (root / "builtins" / "abs-1.x").write_text("set additional_flags -fno-builtin-abs\nreturn 0\n")
    (root / "builtins" / "memcpy.c").write_text("int main_test(void){return 0;}\n")
    (root / "builtins" / "memcpy-lib.c").write_text("int y;\n")
    (root / "builtins" / "lib" / "main.c").write_text("int main(void){return 0;}\n")
    (root / "ieee" / "fp.c").write_text("int main(void){return 0;}\n")
    (root / "ieee" / "fp.x").write_text('if [istarget "aarch64-*-*"] {\n return 1\n}\nlappend additional_flags "-ffoo"\nreturn 0\n')
    return root


def test_torture_discovery_honours_the_exp_drivers(tmp_path):
    suite = TortureSuite(_torture_tree(tmp_path))
    cases = {(c.test, c.arch): c for c in suite.cases(("x86_64", "aarch64"), ("-O0",))}
    assert set(t for t, _ in cases) == {"a.c", "builtins/abs-1.c", "builtins/memcpy.c", "ieee/fp.c"}
    assert cases[("a.c", "x86_64")].flags == ("-fwrapv",)
    assert cases[("builtins/abs-1.c", "x86_64")].flags == ("-w", "-fno-builtin-abs")
    memcpy = cases[("builtins/memcpy.c", "x86_64")]
    assert memcpy.flags == ("-w", *BUILTINS_FLAGS)
    assert [Path(s).name for s in memcpy.sources] == ["memcpy.c", "memcpy-lib.c", "main.c"]
    assert cases[("ieee/fp.c", "x86_64")].flags == ("-w", "-fno-inline", "-ffoo")
    assert "skips aarch64" in cases[("ieee/fp.c", "aarch64")].unsupported


def test_folder_suite_ids_are_safe_and_ordered(tmp_path):
    d = tmp_path / "odd dir"
    (d / "sub").mkdir(parents=True)
    (d / "b c.c").write_text("int main(void){return 0;}\n")
    (d / "sub" / "a'q\u00e9.c").write_text("int main(void){return 0;}\n")
    ids = [c.id for c in FileSuite("odd", d).cases(("x86_64",), ("-O0",))]
    assert ids == ["odd/b%20c.c@x86_64-O0", "odd/sub/a%27q%C3%A9.c@x86_64-O0"]
    assert all(" " not in i for i in ids)


SAFE = ["-O", "-O2", "-Og", "-w", "-fwrapv", "-fno-inline", "-finput-charset=utf-8", "-fno-builtin-abort", "-fpic",
        "-mno-mmx", "-mpc64", "-Wno-psabi", "-Wformat-overflow=2", "-std=gnu89", "-DX=1", "-Iinc", "-lm", "-g3"]
UNSAFE = ["-wrapper", "gdb,--args", "-fplugin=/tmp/evil.so", "-fplugin-arg-x-y=1", "-specs=/tmp/x.specs", "-B/tmp",
          "@/tmp/flags", "--sysroot=/tmp", "-Wl,--wrap=main", "-Wa,-o/etc/x", "-Wp,-imacros,/etc/shadow",
          "-fprofile-generate=/root", "-fdump-tree-all=/etc/x", "-Xlinker", "-o", "-x", "--help"]


def test_only_flags_that_cannot_run_programs_come_from_test_files():
    assert dg.unsafe_flag(SAFE) is None
    for flag in UNSAFE:
        assert dg.unsafe_flag(["-O2", flag]) == flag


@pytest.mark.parametrize("directive", ['dg-options "-O2 -wrapper /bin/sh,-c,id"',
                                       'dg-additional-options "-fplugin=./evil.so"',
                                       'dg-options "-B/tmp/evil"'])
def test_a_test_file_asking_for_a_dangerous_flag_is_unsupported_naming_it(directive):
    p = plan(f"/* {{ {directive} }} */\nint main(void) {{ return 0; }}")
    assert p.unsupported and "allow-list" in p.unsupported
    assert any(f in p.unsupported for f in ("-wrapper", "-fplugin=./evil.so", "-B/tmp/evil"))


def test_a_dot_x_script_cannot_add_a_dangerous_flag():
    with pytest.raises(dg.Unknown, match="allow-list"):
        dg.run_x('set additional_flags "-specs=/tmp/evil"\nreturn 0\n', X86, [])
    assert dg.run_x('lappend additional_flags "-fno-tree-dse"\nreturn 0\n', X86, ["-w"]).flags == ["-w", "-fno-tree-dse"]


def test_every_flag_the_torture_suite_asks_for_is_allowed():
    from oracle.discover.corpus import torture_dir

    root = torture_dir()
    if not root.is_dir():
        pytest.skip("torture corpus not fetched: make setup")
    bad = []
    for case in TortureSuite(root).cases(("x86_64", "aarch64"), ("-O0",)):
        if case.unsupported and "allow-list" in case.unsupported:
            bad.append((case.id, case.unsupported))
    assert bad == []
