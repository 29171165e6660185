"""Hostile programs and compilers: each gets its verdict, the run finishes, nothing is left behind."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest

from oracle.infra.backends import sandbox
from oracle.model import verdict as V
from oracle.judge.judging import Judge
from oracle.discover.suites import open_suite

from ..conftest import COMPILERS, run_cli

needs_bwrap = pytest.mark.skipif(sandbox.available() is not None, reason=f"bwrap unusable: {sandbox.available()}")
MARKERS = [Path("/tmp/oracle-escape-marker"), Path("/var/tmp/oracle-escape-marker"), Path("/root/oracle-escape-marker"),
           Path("/dev/shm/oracle-escape-marker")]


def leftovers(scratch: Path) -> list[str]:
    """Processes still running from this test's scratch folder (oracle's ORACLE_SCRATCH and TMPDIR)."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            cwd = ""
        if (str(scratch) in cmd or cwd.startswith(str(scratch))) and state != "Z":
            out.append(f"{pid}: {cmd}")
    return out


def run_suite(tmp_path, suite, *extra, compiler=None, timeout=600):
    out = tmp_path / "out"
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    res = run_cli("run", "--compiler", compiler or str(COMPILERS / "gcc-bug"), "--suite", str(suite),
                  "--out", str(out), "--run-timeout", "2", "--compile-timeout", "20", "-j", "2", *extra,
                  env={**os.environ, "TMPDIR": str(scratch), "ORACLE_SCRATCH": str(scratch)}, timeout=timeout)
    assert res.returncode in (0, 1), res.stdout + res.stderr
    doc = json.loads((out / "results.json").read_text())
    return res, {c["test"]: c for c in doc["cases"]}


@needs_bwrap
def test_hostile_binaries_in_the_sandbox(tmp_path, program_dir):
    for m in MARKERS:
        m.unlink(missing_ok=True)
    suite = program_dir("ok.c", "fork_bomb.c", "alloc_forever.c", "ignore_term.c", "flood_stdout.c",
                        "escape_write.c", "daemon_child.c", "garbage.c", "wrong_output.c", "fork_count.c",
                        "fill_space.c")
    res, cases = run_suite(tmp_path, suite, "--sandbox", "bwrap")
    v = {t: c["verdict"] for t, c in cases.items()}
    assert v["ok.c"] == "pass" and v["wrong_output.c"] == "wrong-output" and v["garbage.c"] == "wrong-output"
    assert v["fork_bomb.c"] in ("timeout", "crash", "wrong-exit")
    assert v["fork_count.c"] == "wrong-exit"  # the process cap refused most of its 2000 forks
    assert v["alloc_forever.c"] in ("wrong-exit", "crash", "timeout")
    assert v["ignore_term.c"] == "timeout"
    assert v["flood_stdout.c"] == "wrong-output" and "exceeds" in cases["flood_stdout.c"]["reason"]
    assert v["escape_write.c"] == "pass"  # its writes failed quietly, its output is the same
    assert v["daemon_child.c"] == "pass"
    # Everything it may write is in capped tmpfs mounts: ENOSPC, not the machine's memory or disk.
    assert v["fill_space.c"] == "pass", cases["fill_space.c"]["reason"]
    assert not any(m.exists() for m in MARKERS)
    time.sleep(0.5)
    assert leftovers(tmp_path / "scratch") == []
    assert list((tmp_path / "scratch").iterdir()) == []  # scratch folders removed


@needs_bwrap
def test_a_binary_that_stops_the_sandbox_server_gets_its_own_verdict(tmp_path, program_dir):
    """kill(getppid(), SIGSTOP) stops the sandbox's job server, which then never answers: the
    wait for the answer has a deadline, so the binary gets a verdict (not a hang, not an infra
    error), and the cases after it run in a new sandbox (-j 1: the same worker)."""
    suite = program_dir("ok.c", "stop_parent.c", "wrong_output.c")
    start = time.monotonic()
    res, cases = run_suite(tmp_path, suite, "--sandbox", "bwrap", "-j", "1", timeout=150)
    v = {t: c["verdict"] for t, c in cases.items()}
    assert v == {"ok.c": "pass", "stop_parent.c": v["stop_parent.c"], "wrong_output.c": "wrong-output"}, cases
    assert v["stop_parent.c"] in ("timeout", "crash"), cases["stop_parent.c"]
    assert time.monotonic() - start < 120
    time.sleep(0.5)
    assert leftovers(tmp_path / "scratch") == []
    assert list((tmp_path / "scratch").iterdir()) == []


@needs_bwrap
def test_the_ub_check_build_runs_in_the_sandbox_too(tmp_path, program_dir):
    markers = [Path("/tmp/oracle-ub-escape-marker"), Path("/var/tmp/oracle-ub-escape-marker")]
    res, cases = run_suite(tmp_path, program_dir("ub_escape.c"), "--sandbox", "bwrap", "--ub-check",
                           compiler="gcc")
    assert cases["ub_escape.c"]["verdict"] == "pass", cases
    assert not any(m.exists() for m in markers)


def test_hostile_binaries_without_a_sandbox(tmp_path, program_dir):
    """Process groups, rlimits and bounded capture hold even without bwrap."""
    suite = program_dir("ok.c", "alloc_forever.c", "ignore_term.c", "flood_stdout.c", "daemon_child.c")
    res, cases = run_suite(tmp_path, suite, "--sandbox", "none")
    v = {t: c["verdict"] for t, c in cases.items()}
    assert v == {"ok.c": "pass", "alloc_forever.c": v["alloc_forever.c"], "ignore_term.c": "timeout",
                 "flood_stdout.c": "wrong-output", "daemon_child.c": "pass"}
    assert v["alloc_forever.c"] in ("wrong-exit", "crash", "timeout")
    time.sleep(0.5)
    assert leftovers(tmp_path / "scratch") == []
    assert list((tmp_path / "scratch").iterdir()) == []  # scratch folders removed


@needs_bwrap
def test_sandbox_has_no_network(make_config, program_dir, monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    monkeypatch.setenv("ORACLE_TEST_PORT", str(listener.getsockname()[1]))
    try:
        for mode, expected in (("bwrap", b"connected=0\n"), ("none", b"connected=1\n")):
            cfg = make_config(["gcc"], program_dir("network.c"), sandbox=mode)
            judge = Judge(cfg)
            try:
                res = judge.judge(next(open_suite(cfg.suite).cases(cfg.arches, cfg.opts)))
            finally:
                judge.close()
            assert res.verdict is V.PASS and res.ref.expected.stdout == expected, mode
    finally:
        listener.close()


def test_hostile_compilers(tmp_path, program_dir):
    suite = program_dir("ok.c")
    expected = {"diag-flood": "pass", "misplaced": "compile-error", "segv": "compiler-crash", "exit1": "compile-error"}
    for compiler, verdict in expected.items():
        _, cases = run_suite(tmp_path, suite, compiler=str(COMPILERS / compiler))
        assert cases["ok.c"]["verdict"] == verdict, compiler
    junit = (tmp_path / "out" / "junit.xml").read_text()
    assert len(junit) < 100_000  # 10 MB of diagnostics never reach a report


def test_broken_and_oddly_named_tests(tmp_path):
    suite = tmp_path / "we ird 'dir'" / ".." / "we ird 'dir'"
    (tmp_path / "we ird 'dir'" / "sub dir").mkdir(parents=True)
    (suite / "empty.c").write_text("")
    (suite / "not_c.c").write_bytes(b"this is \xff not C at all {{{\n")
    (suite / "sub dir" / "a b\"c'\u00e9.c").write_text("int main(void){return 0;}\n")
    (suite / "..weird.c").write_text('#include <stdio.h>\nint main(void){\n#ifdef ORACLE_CANDIDATE\nputs("x");\n#endif\nreturn 0;}\n')
    res, cases = run_suite(tmp_path, suite)
    assert {t: c["verdict"] for t, c in cases.items()} == {
        "empty.c": "ref-invalid", "not_c.c": "ref-invalid", "sub dir/a b\"c'\u00e9.c": "pass", "..weird.c": "wrong-output"}
    ids = [c["id"] for c in cases.values()]
    assert all(" " not in i and "'" not in i and '"' not in i for i in ids)
    folders = list((tmp_path / "out" / "cases").iterdir())
    assert len(folders) == 1 and folders[0].parent == tmp_path / "out" / "cases"
    assert "ERROR " in res.stdout
