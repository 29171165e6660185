"""The four arches: names, how binaries run, dg- selectors and effective targets per arch, the
summary line across arches, and the key of a reused judgement."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest

from oracle.judge import reuse
from oracle.model import verdict as V
from oracle.model.errors import UsageError
from oracle.infra.proc import EXIT, ProcResult, Status
from oracle.report import summary
from oracle.discover.suites import dg
from oracle.discover.suites.torture import TortureSuite
from oracle.config.targets import TARGETS, canonical_arch
from oracle.config.toolchain import parse_specs

from ..conftest import have

ALL = ("x86_64", "aarch64", "riscv64", "i686")


def ctx(arch: str) -> dg.Context:
    return dg.Context(arch, TARGETS[arch].triplet)


@pytest.mark.parametrize("name,arch", [
    ("x86_64", "x86_64"), ("amd64", "x86_64"), ("x64", "x86_64"), ("X86-64", "x86_64"),
    ("aarch64", "aarch64"), ("arm64", "aarch64"), ("ARM64", "aarch64"),
    ("riscv64", "riscv64"), ("riscv", "riscv64"), ("rv64", "riscv64"), ("rv64gc", "riscv64"),
    ("i686", "i686"), ("i386", "i686"), ("x86_32", "i686"), ("x86-32", "i686"), ("ia32", "i686"), ("i586", "i686"),
])
def test_arch_names_people_type_map_to_the_four(name, arch):
    assert canonical_arch(name) == arch


@pytest.mark.parametrize("name,hint", [("x86", "x86_64 (64-bit) or i686"), ("arm", "aarch64"),
                                       ("rv32", "riscv64"), ("sparc", "known arches are x86_64, aarch64, riscv64, i686")])
def test_ambiguous_or_unknown_arch_names_say_what_to_type(name, hint):
    with pytest.raises(UsageError) as exc:
        canonical_arch(name, "--arch")
    assert hint in str(exc.value) and "\n" not in str(exc.value) and str(exc.value).startswith("--arch: ")


def test_compiler_specs_take_the_new_arches_and_aliases():
    specs = parse_specs(["gcc", "riscv=riscv64-linux-gnu-gcc -O0", "i386=i686-linux-gnu-gcc"])
    assert specs == {"x86_64": ("gcc",), "riscv64": ("riscv64-linux-gnu-gcc", "-O0"), "i686": ("i686-linux-gnu-gcc",)}
    with pytest.raises(UsageError, match="ambiguous"):
        parse_specs(["x86=gcc"])


def test_i686_runs_natively_through_its_loader_and_riscv64_under_qemu():
    i686, rv = TARGETS["i686"], TARGETS["riscv64"]
    assert i686.emulator() == ("/usr/i686-linux-gnu/lib/ld-linux.so.2", "--library-path", "/usr/i686-linux-gnu/lib")
    assert i686.slowdown == 1.0 and i686.default_reference() == ("i686-linux-gnu-gcc",)
    assert rv.emulator() == ("qemu-riscv64", "-L", "/usr/riscv64-linux-gnu") and rv.slowdown == 4.0


# ---------------------------------------------------------------- selectors per arch

@pytest.mark.parametrize("selector,expected", [
    ("{ target ilp32 }", {"i686"}),
    ("{ target lp64 }", {"x86_64", "aarch64", "riscv64"}),
    ("{ target riscv*-*-* }", {"riscv64"}),
    ("{ target i?86-*-* }", {"i686"}),
    ("{ target { i?86-*-* x86_64-*-* } }", {"i686", "x86_64"}),
    ("{ target { { i?86-*-* x86_64-*-* } && ia32 } }", {"i686"}),
    ("{ target { ! int128 } }", {"i686"}),
    ("{ target large_double }", set(ALL)),
    ("{ target double64 }", set(ALL)),
    ("{ target dfp }", {"x86_64", "i686"}),
    ("{ target *-*-linux* }", set(ALL)),
    ("{ target aarch64*-*-* riscv64-*-* }", {"aarch64", "riscv64"}),
])
def test_target_selectors_are_evaluated_per_arch(selector, expected):
    word = dg.parse(f"/* {{ dg-do run {selector} }} */")[0].args[1]
    assert {a for a in ALL if dg.selector(word, ctx(a))} == expected


def test_require_effective_target_and_skip_if_per_arch():
    need128 = "/* { dg-require-effective-target int128 } */"
    assert [a for a in ALL if dg.plan(dg.parse(need128), ctx(a), ["-O0"], []).unsupported] == ["i686"]
    skip = '/* { dg-skip-if "not on riscv" { riscv*-*-* } } */'
    assert [a for a in ALL if dg.plan(dg.parse(skip), ctx(a), ["-O0"], []).unsupported] == ["riscv64"]
    opts = '/* { dg-options "-mtune=i686" { target { { i?86-*-* x86_64-*-* } && ia32 } } } */'
    assert {a: dg.plan(dg.parse(opts), ctx(a), ["-O0"], ["-w"]).flags for a in ("x86_64", "i686")} == \
        {"x86_64": ["-w"], "i686": ["-mtune=i686"]}


def test_x_scripts_see_the_arch():
    script = 'if { [istarget "riscv*-*-*"] || [check_effective_target_ilp32] } { return 1 }\nreturn 0'
    assert [a for a in ALL if dg.run_x(script, ctx(a), []).skip] == ["riscv64", "i686"]


# The checks of GCC 12's target-supports.exp that compile a snippet: each table must give the
# answer the arch's own reference compiler gives.
GCC_CHECKS = {
    "int128": "int dummy[\n#ifndef __SIZEOF_INT128__\n-1\n#else\n1\n#endif\n];",
    "ia32": "int dummy[sizeof (int) == 4 && sizeof (void *) == 4 && sizeof (long) == 4 ? 1 : -1] = { __i386__ };",
    "ilp32": "int dummy[sizeof (int) == 4 && sizeof (void *) == 4 && sizeof (long) == 4 ? 1 : -1];",
    "lp64": "int dummy[sizeof (int) == 4 && sizeof (void *) == 8 && sizeof (long) == 8 ? 1 : -1];",
    "large_double": "int dummy[sizeof(double) > sizeof(float) ? 1 : -1];",
    "large_long_double": "int dummy[sizeof(long double) > sizeof(double) ? 1 : -1];",
    "double64": "int dummy[sizeof(double) == 8 ? 1 : -1];",
    "double64plus": "int dummy[sizeof(double) >= 8 ? 1 : -1];",
    "longlong64": "int dummy[sizeof (long long) == 8 ? 1 : -1];",
    "dfp": "float x __attribute__((mode(DD)));",
}


@pytest.mark.parametrize("arch", ALL)
def test_effective_target_tables_agree_with_the_real_compilers(arch, tmp_path):
    cc = TARGETS[arch].default_reference()[0]
    if not have(cc):
        pytest.skip(f"{cc} not installed: run make setup")
    answers = {}
    for kw, snippet in GCC_CHECKS.items():
        src = tmp_path / f"{kw}.c"
        src.write_text(snippet + "\n")
        res = subprocess.run([cc, "-c", str(src), "-o", str(tmp_path / f"{kw}.o")], capture_output=True)
        answers[kw] = res.returncode == 0
    table = {kw: dg.EFFECTIVE_TARGETS[arch].get(kw, False) for kw in GCC_CHECKS}
    assert table == answers


def test_torture_cases_per_arch_match_gccs_harness():
    cases = {c.id: c for c in TortureSuite().cases(ALL, ("-O0",))}
    unsupported = Counter(c.arch for c in cases.values() if c.unsupported)
    # GCC's harness: 990413-2 is x86 only, pr80692 needs decimal float, two tests need __int128.
    assert unsupported == {"aarch64": 2, "riscv64": 2, "i686": 2}
    assert cases["torture/pr84748.c@i686-O0"].unsupported and not cases["torture/pr84748.c@riscv64-O0"].unsupported
    assert not cases["torture/990413-2.c@i686-O0"].unsupported
    # ieee.exp adds -ffloat-store on ia32 only (x87 excess precision).
    assert "-ffloat-store" in cases["torture/ieee/fp-cmp-1.c@i686-O0"].flags
    assert all("-ffloat-store" not in cases[f"torture/ieee/fp-cmp-1.c@{a}-O0"].flags for a in ALL if a != "i686")


# ---------------------------------------------------------------- the summary line for commits

def test_rates_line_lists_every_arch_in_commit_form():
    per_arch = {"x86_64": Counter({"pass": 1591, "crash": 116, "unsupported": 1}),
                "aarch64": Counter({"pass": 1590, "wrong-output": 115}),
                "riscv64": Counter(), "i686": Counter({"pass": 3})}
    assert summary.rates_line(per_arch) == ("pass rates: x86_64: 1591/1707 (93.2%), aarch64: 1590/1705 (93.3%), "
                                            "riscv64: 0/0, i686: 3/3 (100.0%)")


# ---------------------------------------------------------------- reused judgements

def _run(out: bytes, code: int = 0) -> ProcResult:
    return ProcResult(("./prog",), Status(EXIT, code), stdout=out)


def test_a_judgement_key_changes_with_the_executable_the_reference_and_the_limits():
    base = reuse.key("e" * 64, "r" * 64, _run(b"ok\n"), 10.0, 1 << 20)
    assert base == reuse.key("e" * 64, "r" * 64, _run(b"ok\n"), 10.0, 1 << 20)
    assert len({base, reuse.key("f" * 64, "r" * 64, _run(b"ok\n"), 10.0, 1 << 20),
                reuse.key("e" * 64, "s" * 64, _run(b"ok\n"), 10.0, 1 << 20),
                reuse.key("e" * 64, "r" * 64, _run(b"ok!\n"), 10.0, 1 << 20),
                reuse.key("e" * 64, "r" * 64, _run(b"ok\n", 1), 10.0, 1 << 20),
                reuse.key("e" * 64, "r" * 64, _run(b"ok\n"), 40.0, 1 << 20)}) == 6


def test_only_repeatable_verdicts_are_stored_and_they_round_trip():
    run = _run(b"\xff\x00out")
    got = reuse.from_json(reuse.to_json(V.WRONG_OUTPUT, "stdout differs", run))
    assert got is not None and got[:2] == (V.WRONG_OUTPUT, "stdout differs") and got[2].stdout == run.stdout
    assert reuse.storable(V.PASS, run) and not reuse.storable(V.TIMEOUT, run)
    assert not reuse.storable(V.PASS, _run(b"x" * (reuse.MAX_STDOUT + 1)))
    assert reuse.from_json({"format": "judgement-v0", "verdict": "pass"}) is None
    assert reuse.from_json({**reuse.to_json(V.PASS, "", run), "verdict": "timeout"}) is None


def test_exe_digest_is_of_the_bytes(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"\x7fELF same")
    b.write_bytes(b"\x7fELF same")
    assert reuse.exe_digest(str(a)) == reuse.exe_digest(str(b)) is not None
    assert reuse.exe_digest(str(tmp_path / "missing")) is None
