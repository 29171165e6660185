"""One engine: both schedulers settle cases alike, runs resume after any stop, and re-judging
(gate reruns, reduction) happens exactly as the run judged, sandbox included."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from ..conftest import COMPILERS, ORACLE, have, run_cli, slow_suite

needs_csmith = pytest.mark.skipif(not have("csmith"), reason="csmith not installed: run make setup")


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)]).returncode == 0


@needs_csmith
def test_generated_run_on_a_full_disk_ends_with_exit_3_and_loses_no_judged_case(tmp_path):
    mnt = tmp_path / "small"
    if not _tmpfs(mnt, "16k"):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        out = mnt / "out"
        args = ["run", "--compiler", str(COMPILERS / "gcc-xor-bug"), "--suite", "csmith", "--count", "6",
                "--out", str(out), "--no-history", "--cache", str(tmp_path / "cache")]
        res = run_cli(*args, timeout=600)
        assert res.returncode == 3, res.stdout + res.stderr
        assert "Traceback" not in res.stderr, res.stderr
        errors = [ln for ln in res.stdout.splitlines() if ln.startswith("error:")]
        assert len(errors) == 1 and "No space left on device" in errors[0], res.stdout
        lines = [json.loads(ln) for ln in (out / "journal.jsonl").read_text().splitlines()]
        assert lines[0]["run"]["suite"] == "csmith"  # the run's configuration first, then its records
        kept = lines[1:]
        assert kept and all(r["verdict"] in ("pass", "wrong-output", "ref-invalid", "unstable") for r in kept)
        # Space again: --resume judges only what the journal does not hold, and completes the run.
        subprocess.run(["mount", "-o", "remount,size=64m", str(mnt)], check=True)
        res = run_cli(*args, "--resume", timeout=600)
        assert res.returncode == 1, res.stdout + res.stderr
        doc = json.loads((out / "results.json").read_text())
        assert doc["complete"] is True and len(doc["cases"]) == 6
        by_id = {c["id"]: c for c in doc["cases"]}
        for r in kept:
            if r["verdict"] == "wrong-output":  # judged again: its folder was lost to the full disk
                assert by_id[r["id"]]["verdict"] == "wrong-output" and "could not be written" not in \
                    by_id[r["id"]]["reason"]
            else:  # judged once, kept as judged
                assert by_id[r["id"]] == r
        assert len(list((out / "cases").glob("[!.]*"))) == sum(c["verdict"] == "wrong-output" for c in doc["cases"])
        assert not (out / "journal.jsonl").exists()
    finally:
        subprocess.run(["umount", str(mnt)])


def test_a_run_killed_outright_resumes_from_its_journal(tmp_path):
    suite = slow_suite(tmp_path / "many", 30, 100000)
    out = tmp_path / "out"
    argv = [*ORACLE, "run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out), "-j", "2", "--no-history",
            "--no-cache"]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    journal = out / "journal.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and p.poll() is None:
        if journal.exists() and len(journal.read_bytes().splitlines()) >= 6:  # the configuration, 5 records
            break
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    done = {json.loads(ln)["id"] for ln in journal.read_bytes().splitlines()[1:] if ln.endswith(b"}")}
    assert len(done) >= 5 and not (out / "results.json").exists()
    res = subprocess.run([*argv, "--resume"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    doc = json.loads((out / "results.json").read_text())
    assert len(doc["cases"]) == 30 and {c["verdict"] for c in doc["cases"]} == {"pass"}


ESCAPE = r"""
#include <stdio.h>
#include <unistd.h>
int main(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/escaped-%d", MARKS, (int)getpid());
    FILE *f = fopen(path, "w");  /* only a binary outside the sandbox can write here */
    if (f) { fputs("out\n", f); fclose(f); }
    int a = 7, b = 3;
    printf("%d\n", a - (b));
    return 0;
}
"""


def test_gate_reruns_and_reduction_judge_inside_the_recorded_sandbox(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir(mode=0o777)
    marks.chmod(0o777)
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "escape.c").write_text(f'#define MARKS "{marks}"\n' + ESCAPE)
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-minus-bug"), "--suite", str(suite), "--out", str(out),
                  "--no-history", "--no-cache", "-j", "1")
    assert res.returncode == 1 and "wrong-output" in res.stdout, res.stdout + res.stderr
    assert json.loads((out / "results.json").read_text())["config"]["sandbox"] == "bwrap"
    assert list(marks.iterdir()) == []
    case = "suite/escape.c@x86_64-O0"
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"format": "oracle-baseline/1", "passing": [case], "failing": [], "flaky": []}))
    gate = run_cli("gate", "--baseline", str(baseline), str(out), "--reruns", "1")
    assert gate.returncode == 1 and f"REGRESSION {case}" in gate.stdout, gate.stdout + gate.stderr
    assert list(marks.iterdir()) == [], "the gate's rerun ran the binary outside the sandbox"
    red = run_cli("reduce", case, "--run", str(out), "--budget", "5", "-n", "1")
    assert red.returncode in (0, 1) and "Traceback" not in red.stderr, red.stdout + red.stderr
    assert list(marks.iterdir()) == [], "the reduction ran the binary outside the sandbox"
    # And the same program, run outside any sandbox, does write there: the check can fail.
    subprocess.run(["gcc", str(suite / "escape.c"), "-o", str(tmp_path / "escape")], check=True)
    subprocess.run([str(tmp_path / "escape")], check=True, capture_output=True)
    assert list(marks.iterdir())


def test_a_hypothesis_failure_past_seed_1000_is_reduced_and_gated(tmp_path):
    out = tmp_path / "out"
    # Seed 5004 draws a program with a subtraction gcc-minus-bug turns into an addition.
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-minus-bug"), "--suite", "hypothesis", "--count", "1",
                  "--seed", "5004", "--shrink-timeout", "1", "--out", str(out), "--no-history", timeout=600)
    assert res.returncode == 1, res.stdout + res.stderr
    case = "hypothesis/seed-5004@x86_64-O0"
    assert f"ERROR {case} wrong-output" in res.stdout
    red = run_cli("reduce", case, "--run", str(out), "--budget", "20", "-n", "2", timeout=600)
    assert red.returncode == 0 and "still fails the same way" in red.stdout, red.stdout + red.stderr
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"format": "oracle-baseline/1", "passing": [case], "failing": [], "flaky": []}))
    gate = run_cli("gate", "--baseline", str(baseline), str(out), "--reruns", "1", timeout=600)
    assert gate.returncode == 1 and f"REGRESSION {case}" in gate.stdout, gate.stdout + gate.stderr
    # Re-judged, not merely copied: with the bug gone (gcc as the candidate would be another run),
    # the recorded configuration re-judges the same program from its seed.
    doc = json.loads((out / "results.json").read_text())
    assert doc["config"]["gen_seed"] == 5004 and doc["config"]["ub_check"] is True
