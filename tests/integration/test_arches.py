"""riscv64 and i686 end to end, the summary line across arches, and reused judgements of
byte-identical candidate executables."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from ..conftest import COMPILERS, needs_aarch64, needs_i686, needs_riscv64, run_cli

CROSS = {"riscv64": "riscv64-linux-gnu-gcc", "i686": "i686-linux-gnu-gcc"}


def cases(out: Path) -> dict[str, dict]:
    return {c["id"]: c for c in json.loads((out / "results.json").read_text())["cases"]}


@pytest.mark.parametrize("arch", [pytest.param("riscv64", marks=needs_riscv64), pytest.param("i686", marks=needs_i686)])
def test_smoke_suite_with_gcc_as_candidate_has_no_failure(arch, tmp_path):
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", f"{arch}={CROSS[arch]}", "--suite", "smoke", "-j", "2", "--out", str(out),
                  "--cache", str(tmp_path / "cache"), "--no-history")
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.splitlines()[0].startswith(f"{arch}: ")
    doc = json.loads((out / "results.json").read_text())
    assert doc["summary"]["failures"] == 0 and doc["arches"] == [arch]
    emulator = doc["toolchains"][arch]["emulator"]["argv"]
    # riscv64 runs under qemu; i686 natively on the x86-64 kernel through its sysroot's loader.
    assert emulator[0].endswith("qemu-riscv64" if arch == "riscv64" else "/usr/i686-linux-gnu/lib/ld-linux.so.2")
    passed = [c for c in doc["cases"] if c["verdict"] == "pass"]
    assert len(passed) >= 50 and all(c["arch"] == arch for c in doc["cases"])


@needs_aarch64
@needs_riscv64
@needs_i686
def test_four_arches_in_one_run_and_one_commit_line(program_dir, tmp_path):
    suite = program_dir("ok.c", "wrong_output.c")
    out = tmp_path / "out"
    bug = str(COMPILERS / "gcc-bug")
    res = run_cli("run", "--compiler", bug, "--compiler", f"arm64={bug.replace('gcc-bug', 'aarch64-gcc-bug')}",
                  "--compiler", f"rv64=riscv64-linux-gnu-gcc -DORACLE_CANDIDATE=1",
                  "--compiler", "i386=i686-linux-gnu-gcc -DORACLE_CANDIDATE=1", "--suite", str(suite),
                  "--out", str(out), "-j", "2", "--agent", "--no-history", "--cache", str(tmp_path / "cache"),
                  "--tasks", str(tmp_path / "tasks"))
    assert res.returncode == 1, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) <= 10
    assert ("pass rates: x86_64: 1/2 (50.0%), aarch64: 1/2 (50.0%), riscv64: 1/2 (50.0%), i686: 1/2 (50.0%)"
            in lines)
    failing = {c["arch"] for c in cases(out).values() if c["verdict"] == "wrong-output"}
    assert failing == {"x86_64", "aarch64", "riscv64", "i686"}
    # The task says on which arches it fails.
    (task,) = [p for p in (tmp_path / "tasks").iterdir() if p.suffix == ".txt"]
    text = task.read_text()
    assert all(a in text for a in ("x86_64", "aarch64", "riscv64", "i686"))


def test_unknown_or_ambiguous_arch_is_a_usage_error(tmp_path):
    res = run_cli("run", "--compiler", "gcc", "--arch", "x86", "--suite", "smoke", "--out", str(tmp_path / "o"))
    assert res.returncode == 2 and res.stdout == ""
    (line,) = res.stderr.strip().splitlines()
    assert "x86_64" in line and "i686" in line
    res = run_cli("run", "--compiler", "sparc=gcc", "--suite", "smoke", "--out", str(tmp_path / "o"))
    assert res.returncode == 2 and "unknown arch 'sparc'" in res.stderr and len(res.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- reused judgements

def wrapper(path: Path, body: str) -> str:
    """Another candidate (a new file, so a "changed compiler") that makes what gcc-bug makes."""
    path.write_text(f"#!/bin/sh\n{body}\nexec {COMPILERS / 'gcc-bug'} \"$@\"\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_a_byte_identical_executable_is_judged_once(program_dir, tmp_path):
    suite = program_dir("ok.c", "wrong_output.c", "wrong_exit.c", "crash.c")
    common = ["--suite", str(suite), "-j", "1", "--no-history", "--cache", str(tmp_path / "cache")]
    first = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), *common, "--out", str(tmp_path / "a"))
    assert first.returncode == 1, first.stderr
    cold = cases(tmp_path / "a")
    assert not any("candidate_run" in c for c in cold.values())
    # A changed compiler that still makes the same bytes for every test but ok.c (-g changes them).
    cand = wrapper(tmp_path / "cc2", 'case "$*" in *ok.c*) set -- -g "$@";; esac')
    second = run_cli("run", "--compiler", cand, *common, "--out", str(tmp_path / "b"))
    assert second.returncode == 1, second.stderr
    warm = cases(tmp_path / "b")
    assert {k: c["verdict"] for k, c in warm.items()} == {k: c["verdict"] for k, c in cold.items()}
    assert {k for k, c in warm.items() if c.get("candidate_run") == "reused"} == \
        {k for k in warm if "ok.c" not in k}
    # A reused failure still has its case folder, with the candidate's output.
    from oracle.report.results import load

    wrong = next(k for k in warm if "wrong_output" in k)
    folder = load(str(tmp_path / "b")).case_dir(wrong)
    assert folder is not None and (folder / "candidate.stdout").read_bytes() == b"value=41\n"
    # --no-cache: everything runs.
    third = run_cli("run", "--compiler", cand, "--suite", str(suite), "-j", "1", "--no-history", "--no-cache",
                    "--out", str(tmp_path / "c"))
    assert third.returncode == 1 and not any("candidate_run" in c for c in cases(tmp_path / "c").values())


def test_a_judge_told_not_to_reuse_runs_the_binary(make_config, program_dir, tmp_path):
    """Gate reruns ask whether a binary is flaky: a reused judgement would always say the same."""
    from oracle.judge.judging import Judge
    from oracle.discover.suites import open_suite

    cfg = make_config([str(COMPILERS / "gcc-bug")], program_dir("wrong_output.c"), cache=str(tmp_path / "cache"))
    (case,) = open_suite(cfg.suite).cases(cfg.arches, cfg.opts)
    results = []
    for reuse in (True, True, False):
        judge = Judge(cfg)
        judge.reuse_judgements = reuse
        try:
            results.append(judge.judge(case))
        finally:
            judge.close()
    assert [r.reused_run for r in results] == [False, True, False]
    assert {r.verdict.name for r in results} == {"wrong-output"} and all(r.run.stdout == b"value=41\n" for r in results)
