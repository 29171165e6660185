"""Generated suites end to end: UB check, shrinking against a wrong-code compiler, fuzz budget."""

from __future__ import annotations

import json
import time

import pytest

from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.judge.judging import Judge
from oracle.report import casedir
from oracle.engine.shrink import shrink
from oracle.discover.suites import open_suite

from ..conftest import COMPILERS, have, run_cli

needs_csmith = pytest.mark.skipif(not have("csmith"), reason="csmith not installed: run make setup")


def judge_one(cfg, case: Case):
    judge = Judge(cfg)
    try:
        return judge.judge(case)
    finally:
        judge.close()


def folder_case(cfg):
    return next(iter(open_suite(cfg.suite).cases(cfg.arches, cfg.opts)))


def test_ub_check_marks_signed_overflow_unstable(make_config, program_dir):
    suite = program_dir("signed_overflow.c")
    cfg = make_config(["gcc"], suite, ub_check=True)
    res = judge_one(cfg, folder_case(cfg))
    assert res.verdict is V.UNSTABLE and res.build is None
    assert "sanitizer fired" in res.reason and "overflow" in res.reason
    # Off by default for folder suites: -O0 and -O2 agree, so the reference alone cannot tell.
    cfg = make_config(["gcc"], suite)
    assert not cfg.ub_check
    assert judge_one(cfg, folder_case(cfg)).verdict is V.PASS


def test_slow_reference_is_ref_invalid_and_candidate_never_built(make_config, program_dir):
    cfg = make_config([str(COMPILERS / "hang")], program_dir("slow.c"), ref_run_timeout=0.5,
                      compile_timeout=30.0)
    start = time.monotonic()
    res = judge_one(cfg, folder_case(cfg))
    assert res.verdict is V.REF_INVALID and "timed out after 0.5s" in res.reason, res.reason
    assert res.build is None and time.monotonic() - start < 10


def test_hypothesis_programs_pass_against_gcc_with_ub_check(make_config):
    cfg = make_config(["gcc"], "hypothesis", count=4, seed="900")
    assert cfg.ub_check  # on by default for generated suites
    judge = Judge(cfg)
    try:
        results = [judge.judge(c) for c in open_suite(cfg.suite, cfg.gen).cases(cfg.arches, cfg.opts)]
    finally:
        judge.close()
    assert [r.verdict for r in results] == [V.PASS] * 4, [r.reason for r in results]


def test_shrinking_finds_a_smaller_failing_program(make_config, tmp_path):
    """gcc-minus-bug compiles `a - (b)` as `a + (b)`: Hypothesis shrinks a failing program to a small one."""
    cfg = make_config([str(COMPILERS / "gcc-minus-bug")], "hypothesis", count=40, seed="0")
    judge = Judge(cfg)
    try:
        for case in open_suite(cfg.suite, cfg.gen).cases(cfg.arches, cfg.opts):
            res = judge.judge(case)
            if res.verdict.is_failure:
                break
        else:
            pytest.fail("no hypothesis program among 40 exposed gcc-minus-bug")
        original = open(res.case.sources[0]).read()
        small = shrink(res, judge, budget_s=40, db_dir=tmp_path / "db")
        assert small.verdict is res.verdict and small is not res
        minimal = open(small.case.sources[0]).read()
        assert len(minimal) < len(original) and " - (" in minimal
        assert "shrunk by Hypothesis" in small.reason
        assert any((tmp_path / "db").rglob("*"))  # the example database holds it for replay
        assert "candidate" in res.disasm and "candidate" not in small.disasm  # the tries are not disassembled
        judge.disassembly(small)  # ... the program kept is, once, by both compilers
        assert "<main>:" in small.disasm["candidate"] and "<main>:" in small.disasm["reference"]
        d = casedir.write(cfg.out_dir, small, cfg, original=res)
    finally:
        judge.close()
    srcs = list((d / "src").rglob("*.c"))
    assert len(srcs) == 1 and srcs[0].read_text() == minimal
    assert (d / "original.c").read_text() == original
    assert "hypothesis seed" in (d / "generator.txt").read_text()
    assert (d / "repro.sh").exists()
    assert (d / "candidate.disasm").read_text() == small.disasm["candidate"]


@needs_csmith
def test_csmith_run_end_to_end(tmp_path):
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", "gcc", "--suite", "csmith", "--count", "2", "--seed", "11",
                  "--csmith-args", "--max-funcs 3", "--out", str(out), "-j", "2")
    assert res.returncode == 0, res.stdout + res.stderr
    doc = json.loads((out / "results.json").read_text())
    assert [c["id"] for c in doc["cases"]] == ["csmith/seed-11@x86_64-O0", "csmith/seed-12@x86_64-O0"]
    assert {c["verdict"] for c in doc["cases"]} <= {"pass", "ref-invalid"}


def test_fuzz_ends_on_time(tmp_path):
    out = tmp_path / "out"
    start = time.monotonic()
    res = run_cli("fuzz", "--compiler", "gcc", "--generator", "hypothesis", "--budget", "6s", "--out", str(out),
                  "-j", "2", timeout=120)
    took = time.monotonic() - start
    assert res.returncode == 0, res.stdout + res.stderr
    assert took < 6 + 8, took  # startup and the cut-short cases, never a whole extra case per worker
    doc = json.loads((out / "results.json").read_text())
    assert doc["cases"] and all(c["id"].startswith("hypothesis/seed-") for c in doc["cases"])
    assert "fuzz:" in res.stderr


def test_a_program_never_made_still_gets_its_folder(make_config):
    """An infra error before a generated program was made (its case has no sources yet): the case
    folder says what went wrong; writing it is no second failure (it once killed a fuzz run)."""
    from oracle.judge.outcome import Result

    cfg = make_config(["gcc"], "hypothesis", count=1, seed="5")
    case = next(iter(open_suite(cfg.suite, cfg.gen).cases(cfg.arches, cfg.opts)))
    assert case.sources == ()
    d = casedir.write(cfg.out_dir, Result(case, V.INFRA_ERROR, "RuntimeError: boom", traceback="Traceback: boom"), cfg)
    assert "infra-error: RuntimeError: boom" in (d / "verdict.txt").read_text()
    assert (d / "traceback.txt").read_text() == "Traceback: boom" and not (d / "src").exists()


def test_fuzz_rejects_a_bad_budget():
    res = run_cli("fuzz", "--compiler", "gcc", "--budget", "soon")
    assert res.returncode == 2 and "--budget" in res.stderr


def test_ctrl_c_ends_fuzz_with_every_failure_kept(tmp_path):
    """Ctrl-C mid-fuzz: the failures found so far keep their folders and are in every report."""
    import signal
    import subprocess

    from ..conftest import ORACLE

    out = tmp_path / "out"
    p = subprocess.Popen([*ORACLE, "fuzz", "--compiler", str(COMPILERS / "gcc-minus-bug"), "--generator",
                          "hypothesis", "--budget", "10m", "--shrink-timeout", "1", "--out", str(out), "-j", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not list((out / "cases").glob("[!.]*")) and p.poll() is None:
        time.sleep(0.5)
    folders = {d.name for d in (out / "cases").glob("[!.]*")}  # (not a folder being written)
    assert folders, "gcc-minus-bug should fail a hypothesis program within 4 minutes"
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 1, stdout + stderr  # failures found; the stop itself is no error for fuzz
    assert "interrupted: every failure found so far is kept" in stdout, stdout + stderr
    doc = json.loads((out / "results.json").read_text())
    failed = [c["id"] for c in doc["cases"] if c["verdict"] == "wrong-output"]
    assert len(failed) >= len(folders)  # every folder's case is in the report (a late one may have no folder yet)
    assert folders <= {d.name for d in (out / "cases").glob("*")}  # nothing was lost
    errors = (out / "errors.log").read_text().splitlines()
    assert sorted(ln.split()[1] for ln in errors if ln.startswith("ERROR ")) == sorted(failed)


@needs_csmith
def test_a_program_too_slow_on_one_arch_is_not_run_again_on_another(tmp_path):
    out = tmp_path / "out"
    # csmith seed 5002 (Debian's csmith 2.3.0) loops for minutes under every compiler.
    res = run_cli("run", "--compiler", "gcc", "--compiler", "aarch64=aarch64-linux-gnu-gcc", "--suite", "csmith",
                  "--count", "1", "--seed", "5002", "--ref-run-timeout", "1", "--out", str(out), "-j", "1")
    assert res.returncode == 3, res.stdout + res.stderr  # no case could be judged: never exit 0
    cases = {c["arch"]: c for c in json.loads((out / "results.json").read_text())["cases"]}
    assert cases["x86_64"]["verdict"] == "ref-invalid" and "timed out after 1s" in cases["x86_64"]["reason"]
    assert cases["aarch64"]["verdict"] == "ref-invalid"
    assert "reference timed out on x86_64" in cases["aarch64"]["reason"]
