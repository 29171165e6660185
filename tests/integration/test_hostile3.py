"""Hostile inputs, second round: caps a binary could lift, binaries as root, false alarms with
GCC as its own candidate, processes that outlive their case, tests rewritten by a compiler,
and source text taken for a compiler's crash."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from oracle.judge.outcome import Result
from oracle.model import verdict as V
from oracle.infra.backends import sandbox
from oracle.judge.judging import Judge
from oracle.infra.proc import EXIT, Status
from oracle.discover.suites import open_suite

from ..conftest import COMPILERS, PROGRAMS, run_cli

BWRAP = sandbox.available() is None
SANDBOXES = ["none", pytest.param("bwrap", marks=pytest.mark.skipif(not BWRAP, reason="bwrap unusable here"))]


def run_suite(tmp_path: Path, suite: Path, *extra: str, compiler: str = "gcc") -> dict[str, dict]:
    out = tmp_path / "out"
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    res = run_cli("run", "--compiler", compiler, "--suite", str(suite), "--out", str(out), "--run-timeout", "5",
                  "--compile-timeout", "30", "-j", "2", "--no-cache", "--no-history", *extra,
                  env={**os.environ, "TMPDIR": str(scratch), "ORACLE_SCRATCH": str(scratch)})
    assert res.returncode in (0, 1), res.stdout + res.stderr
    return {c["test"]: c for c in json.loads((out / "results.json").read_text())["cases"]}


def verdicts(cases: dict[str, dict]) -> dict[str, str]:
    return {t: c["verdict"] for t, c in cases.items()}


def why(cases: dict[str, dict]) -> dict[str, str]:
    return {t: f'{c["verdict"]}: {c["reason"]}' for t, c in cases.items()}


def processes_with(marker: bytes) -> list[int]:
    """Live processes whose command line holds marker (one of its arguments)."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in args and state != "Z":
            out.append(int(pid))
    return out


@pytest.fixture
def no_sleepers():
    """The markers the fixtures' leftover sleeps carry; any still alive after the test is killed."""
    markers = [b"0.0713", b"0.0714"]
    yield markers
    for m in markers:
        for pid in processes_with(m):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def judge_one(make_config, suite: Path, **values) -> Result:
    cfg = make_config(["gcc"], suite, **values)
    judge = Judge(cfg)
    try:
        return judge.judge(next(open_suite(cfg.suite).cases(cfg.arches, cfg.opts)))
    finally:
        judge.close()


# ---------------------------------------------------------------- 4: root without a sandbox

@pytest.mark.skipif(os.geteuid() != 0, reason="oracle runs as root only in CI")
def test_without_the_sandbox_binaries_never_run_as_root(make_config, program_dir):
    res = judge_one(make_config, program_dir("uid.c"), sandbox="none")
    assert res.verdict is V.PASS, res.reason
    assert res.ref.expected.stdout == b"root=0\n"
    assert res.run.stdout == b"root=0\n"


# ---------------------------------------------------------------- 5: false alarms, GCC against itself

def test_an_exit_status_that_depends_on_layout_is_unstable(tmp_path, program_dir):
    """No output, an exit status that moves with the environment's size: the reference is run
    again (with a longer environment) for its exit status too, so the case is `unstable`, never a
    `wrong-exit` of GCC against itself."""
    cases = run_suite(tmp_path, program_dir("layout_exit.c"), "--sandbox", "none")
    assert verdicts(cases) == {"layout_exit.c": "unstable"}, why(cases)
    assert "changes from run to run" in cases["layout_exit.c"]["reason"]


def test_a_self_checking_test_is_not_run_again(make_config, tmp_path):
    """Exit 0 and no output (every torture test) costs no third reference run: this program
    would fail that run (the rerun's longer environment), and it passes."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "selfcheck.c").write_text('#include <stdlib.h>\nint main(void){ if (getenv("ORACLE_RERUN")) abort(); '
                                       'return 0; }\n')
    res = judge_one(make_config, suite)
    assert res.verdict is V.PASS, res.reason
    assert res.ref.expected.stdout == b"" and res.ref.expected.status == Status(EXIT, 0)


@pytest.mark.parametrize("mode", SANDBOXES)
def test_every_run_gets_a_fresh_folder_and_the_same_name(tmp_path, program_dir, mode):
    cases = run_suite(tmp_path, program_dir("tmpdir_state.c", "argv0_length.c", "ok.c"), "--sandbox", mode)
    assert verdicts(cases) == {"tmpdir_state.c": "pass", "argv0_length.c": "pass", "ok.c": "pass"}, why(cases)


def test_binaries_run_as_prog_in_their_folder(make_config, program_dir):
    res = judge_one(make_config, program_dir("argv0_length.c"))
    assert res.verdict is V.PASS
    assert res.ref.expected.stdout == b"6\n"  # ./prog


# ---------------------------------------------------------------- 7: leftovers

@pytest.mark.parametrize("mode", SANDBOXES)
def test_nothing_a_compiler_or_binary_starts_outlives_the_run(tmp_path, program_dir, no_sleepers, mode):
    """The candidate leaves a setsid'd `sleep` holding its pipes after each compile; the binary
    leaves a daemon that chdir'd to / and exec'd `sleep`. Neither survives the run."""
    cases = run_suite(tmp_path, program_dir("ok.c", "daemon_exec.c"), "--sandbox", mode,
                      compiler=str(COMPILERS / "setsid-child"))
    assert verdicts(cases) == {"ok.c": "pass", "daemon_exec.c": "pass"}, why(cases)
    time.sleep(0.5)
    assert {m: processes_with(m) for m in no_sleepers} == {m: [] for m in no_sleepers}


# ---------------------------------------------------------------- 10: tests rewritten by a compiler

def test_a_compiler_that_rewrites_its_input_changes_no_test(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_output.c")
    cases = run_suite(tmp_path, suite, compiler=str(COMPILERS / "rewrite-input"))
    assert verdicts(cases) == {"ok.c": "pass", "wrong_output.c": "wrong-output"}, why(cases)
    for name in ("ok.c", "wrong_output.c"):
        assert (suite / name).read_bytes() == (PROGRAMS / name).read_bytes(), name
    # The case folder keeps what was judged.
    folder, = (tmp_path / "out" / "cases").iterdir()
    assert (folder / "src" / "wrong_output.c").read_bytes() == (PROGRAMS / "wrong_output.c").read_bytes()


def test_quoted_headers_still_build_from_the_private_copy(tmp_path):
    suite = tmp_path / "suite"
    (suite / "sub").mkdir(parents=True)
    (tmp_path / "common.h").write_text("#define ANSWER 42\n")
    (suite / "sub" / "local.h").write_text('#include "../../common.h"\n')
    (suite / "sub" / "t.c").write_text('#include <stdio.h>\n#include "local.h"\n'
                                       'int main(void){ printf("%d\\n", ANSWER); return 0; }\n')
    cases = run_suite(tmp_path, suite, compiler=str(COMPILERS / "rewrite-input"))
    assert verdicts(cases) == {"sub/t.c": "pass"}, why(cases)
    assert (suite / "sub" / "t.c").read_text().endswith("return 0; }\n")


# ---------------------------------------------------------------- 11: source text is not an ICE

def test_a_valid_program_that_says_internal_compiler_error_passes(tmp_path, program_dir):
    cases = run_suite(tmp_path, program_dir("ice_text.c"))
    assert verdicts(cases) == {"ice_text.c": "pass"}, why(cases)


# (the classification of ICE texts is tested directly in tests/unit/test_classify.py)


# ---------------------------------------------------------------- 2a: compilers in a sandbox

@pytest.mark.skipif(not BWRAP, reason="bwrap unusable here")
def test_compilers_run_in_a_sandbox(tmp_path):
    """What a Judge's compiles run in: the host read-only but for the Judge's folder, no network,
    a PID namespace of its own, no capabilities."""
    from oracle.infra.backends.local import LocalBackend
    from oracle.infra.proc import child_env

    root = tmp_path / "judge"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    backend = LocalBackend(sandbox=True)
    backend.start(root)
    try:
        script = (f"touch {outside}/mark; touch {root}/inside; echo pid=$$; grep -c : /proc/net/dev; "
                  "grep CapEff /proc/self/status")
        res = backend.run(["sh", "-c", script], arch="x86_64", cwd=str(root), timeout=20, env=child_env())
        # A compiler that kills every process it sees ends its job server: that is its crash, and a
        # fresh sandbox takes the next compile.
        killer = backend.run(["sh", "-c", "kill -9 -1; sleep 5"], arch="x86_64", cwd=str(root), timeout=20,
                             env=child_env())
        after = backend.run(["true"], arch="x86_64", cwd=str(root), timeout=20, env=child_env())
    finally:
        backend.close()
    out = res.stdout.decode()
    assert not (outside / "mark").exists(), out
    assert (root / "inside").exists(), out  # its own folder stays writable
    lines = out.split()
    assert int(lines[0].removeprefix("pid=")) < 10, out  # its own PID namespace
    assert lines[1] == "1", out  # no network: the loopback device only
    assert lines[-1] == "0000000000000000", out  # no capabilities, even as root
    assert killer.status.kind == "signal" and after.status.ok, (killer, after)


@pytest.mark.skipif(not BWRAP, reason="bwrap unusable here")
def test_a_hostile_compiler_leaves_no_mark_on_the_host(tmp_path, program_dir):
    """The candidate tries to write on the host at every call, its --version probe included."""
    marks = tmp_path / "marks"
    marks.mkdir()
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", str(COMPILERS / "escape-host"), "--suite", str(program_dir("ok.c")),
                  "--out", str(out), "--no-cache", "--no-history", "-j", "1",
                  env={**os.environ, "ORACLE_ESCAPE_DIR": str(marks)})
    assert res.returncode == 0, res.stdout + res.stderr
    assert list(marks.iterdir()) == []
    # Without the sandbox the same compiler does leave its mark: the test sees what it claims to.
    res = run_cli("run", "--compiler", str(COMPILERS / "escape-host"), "--suite", str(program_dir("ok.c")),
                  "--out", str(out), "--no-cache", "--no-history", "-j", "1", "--sandbox", "none",
                  env={**os.environ, "ORACLE_ESCAPE_DIR": str(marks)})
    assert res.returncode == 0 and list(marks.iterdir()), res.stdout + res.stderr
