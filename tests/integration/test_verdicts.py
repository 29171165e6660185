"""Verdict classification with real compilers and real hostile fixtures."""

from __future__ import annotations

import pytest

from oracle.model import verdict as V
from oracle.judge.judging import Judge
from oracle.discover.suites import open_suite

from ..conftest import COMPILERS, needs_aarch64


def judge_all(cfg):
    judge = Judge(cfg)
    try:
        return {(c.test, c.arch): judge.judge(c) for c in open_suite(cfg.suite).cases(cfg.arches, cfg.opts)}
    finally:
        judge.close()


RUNTIME = [("ok.c", V.PASS), ("wrong_exit.c", V.WRONG_EXIT), ("wrong_output.c", V.WRONG_OUTPUT),
           ("crash.c", V.CRASH), ("loop.c", V.TIMEOUT), ("garbage.c", V.WRONG_OUTPUT),
           ("ref_abort.c", V.REF_INVALID), ("ref_syntax.c", V.REF_INVALID), ("unstable_opt.c", V.UNSTABLE),
           ("address.c", V.UNSTABLE)]
ON_AARCH64 = ("ok.c", "wrong_exit.c", "wrong_output.c", "crash.c", "address.c")  # qemu is slower: the quick ones


@pytest.mark.parametrize(
    "arch, program, verdict",
    [("x86_64", p, v) for p, v in RUNTIME] +
    [pytest.param("aarch64", p, v, marks=needs_aarch64) for p, v in RUNTIME if p in ON_AARCH64],
)
def test_runtime_verdicts(make_config, program_dir, arch, program, verdict):
    bug = "gcc-bug" if arch == "x86_64" else "aarch64-gcc-bug"
    cfg = make_config([f"{arch}={COMPILERS / bug}"], program_dir(program), run_timeout=1.0)
    res = judge_all(cfg)[(program, arch)]
    assert res.verdict is verdict, res.reason
    if verdict is not V.PASS:
        assert res.reason


@pytest.mark.parametrize(
    "compiler, verdict, words",
    [
        ("exit1", V.COMPILE_ERROR, "rejects every program"),
        ("segv", V.COMPILER_CRASH, "SIGSEGV"),
        ("hang", V.COMPILE_TIMEOUT, "timed out"),
        ("silent", V.COMPILE_ERROR, "no executable"),
        ("ice", V.COMPILER_CRASH, "internal compiler error"),
    ],
)
def test_compiler_verdicts(make_config, program_dir, compiler, verdict, words):
    cfg = make_config([str(COMPILERS / compiler)], program_dir("ok.c"), compile_timeout=1.0)
    assert cfg.candidates["x86_64"].probe != "ok"  # a broken candidate is a warning, not a stop
    res = judge_all(cfg)[("ok.c", "x86_64")]
    assert res.verdict is verdict
    assert words in res.reason


def test_reference_failure_skips_the_candidate(make_config, program_dir):
    """A broken reference means no candidate work at all: no wasted builds."""
    cfg = make_config([str(COMPILERS / "hang")], program_dir("ref_syntax.c"), compile_timeout=30.0)
    res = judge_all(cfg)[("ref_syntax.c", "x86_64")]
    assert res.verdict is V.REF_INVALID
    assert res.build is None and res.duration < 10


def test_unsupported_by_directive(make_config, program_dir):
    cfg = make_config(["gcc", "aarch64=aarch64-linux-gnu-gcc"], program_dir("skip_aarch64.c"))
    res = judge_all(cfg)
    assert res[("skip_aarch64.c", "x86_64")].verdict is V.PASS
    assert res[("skip_aarch64.c", "aarch64")].verdict is V.UNSUPPORTED
    assert "not on aarch64" in res[("skip_aarch64.c", "aarch64")].reason


def test_reference_is_built_once_per_test_and_arch(make_config, program_dir):
    cfg = make_config([str(COMPILERS / "gcc-bug")], program_dir("ok.c"), opt="O0,O1,O2")
    judge = Judge(cfg)
    try:
        results = [judge.judge(c) for c in open_suite(cfg.suite).cases(cfg.arches, cfg.opts)]
    finally:
        judge.close()
    assert [r.verdict for r in results] == [V.PASS] * 3
    assert results[0].ref is results[1].ref is results[2].ref
