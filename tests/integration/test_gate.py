"""The CI gate end to end: a baseline from gcc-as-candidate, a candidate that breaks some
tests, shards merged, and a non-deterministic candidate that must not be called a regression."""

from __future__ import annotations

import json
import os

from ..conftest import COMPILERS, run_cli

BROKEN = ["wrong_exit.c", "wrong_output.c"]  # misbehave when built with ORACLE_CANDIDATE defined


def run(suite, out, compiler, *extra, env=None):
    # The default run timeout: none of these programs loops, and a loaded machine must not turn
    # a pass into a timeout.
    return run_cli("run", "--compiler", compiler, "--suite", str(suite), "--out", str(out), "-j", "2",
                   *extra, env=env)


def test_gate_names_exactly_the_broken_tests(tmp_path, program_dir):
    suite = program_dir("ok.c", "address.c", *BROKEN)
    baseline = tmp_path / "oracle-baseline.json"
    res = run(suite, tmp_path / "base", "gcc", "--baseline", str(baseline), "--update-baseline")
    assert res.returncode == 0, res.stdout + res.stderr
    doc = json.loads(baseline.read_text())
    assert doc["format"] == "oracle-baseline/1" and doc["flaky"] == []
    assert doc["passing"] == sorted(doc["passing"]) and len(doc["passing"]) == 3  # address.c is unstable
    lines = baseline.read_text().splitlines()
    assert all(f'  "{i}"' in (ln.rstrip(",") for ln in lines) for i in doc["passing"])  # one id a line

    res = run(suite, tmp_path / "bad", str(COMPILERS / "gcc-bug"))
    assert res.returncode == 1
    gate = run_cli("gate", "--baseline", str(baseline), str(tmp_path / "bad" / "results.json"))
    assert gate.returncode == 1, gate.stdout + gate.stderr
    regressions = [ln.split()[1] for ln in gate.stdout.splitlines() if ln.startswith("REGRESSION ")]
    assert regressions == [f"suite/{t}@x86_64-O0" for t in BROKEN]
    assert "wrong-exit" in gate.stdout and "wrong-output" in gate.stdout

    # The same through shards merged into one report.
    for k in (1, 2):
        run(suite, tmp_path / f"shard{k}", str(COMPILERS / "gcc-bug"), "--shard", f"{k}/2")
    merged = tmp_path / "merged"
    res = run_cli("merge", str(merged), str(tmp_path / "shard1"), str(tmp_path / "shard2" / "results.json"))
    assert res.returncode == 0, res.stderr
    doc = json.loads((merged / "results.json").read_text())
    assert len(doc["cases"]) == 4 and doc["summary"]["failures"] == 2
    assert (merged / "junit.xml").read_text().count("<testcase") == 4
    assert len(list((merged / "cases").iterdir())) == 2
    page = (merged / "report.html").read_text()  # the merged run's page: both shards' failures
    assert page.count("<details>") == 2 and all(f"suite/{t}@x86_64-O0" in page for t in BROKEN)
    gate = run_cli("gate", "--baseline", str(baseline), str(merged))
    assert gate.returncode == 1
    assert sorted(ln.split()[1] for ln in gate.stdout.splitlines() if ln.startswith("REGRESSION ")) == regressions

    # Back to a good candidate: no regression; the baseline stays as it is.
    gate = run_cli("gate", "--baseline", str(baseline), str(tmp_path / "base"), "--update-baseline")
    assert gate.returncode == 0 and "0 regressions" in gate.stdout


def test_ratchet_makes_fixed_cases_required(tmp_path, program_dir):
    suite = program_dir("ok.c", *BROKEN)
    baseline = tmp_path / "b.json"
    run(suite, tmp_path / "bad", str(COMPILERS / "gcc-bug"))
    assert run_cli("gate", "--baseline", str(baseline), str(tmp_path / "bad"), "--update-baseline").returncode == 0
    assert json.loads(baseline.read_text())["passing"] == ["suite/ok.c@x86_64-O0"]
    run(suite, tmp_path / "good", "gcc")
    gate = run_cli("gate", "--baseline", str(baseline), str(tmp_path / "good"), "--update-baseline")
    assert gate.returncode == 0
    assert sorted(ln.split()[1] for ln in gate.stdout.splitlines() if ln.startswith("FIXED ")) == \
        [f"suite/{t}@x86_64-O0" for t in BROKEN]
    assert len(json.loads(baseline.read_text())["passing"]) == 3
    gate = run_cli("gate", "--baseline", str(baseline), str(tmp_path / "bad"))
    assert gate.returncode == 1  # what was fixed is now required


def test_flaky_candidate_is_quarantined_not_a_regression(tmp_path, program_dir):
    suite = program_dir("ok.c", *BROKEN)
    baseline = tmp_path / "b.json"
    run(suite, tmp_path / "base", "gcc", "--baseline", str(baseline), "--update-baseline")
    state = tmp_path / "flaky-state"
    state.mkdir()
    env = {**os.environ, "ORACLE_FLAKY_STATE": str(state)}
    # Without the sandbox: the flaky compiler keeps its state outside its work folder, where
    # compilers in the sandbox cannot write.
    res = run(suite, tmp_path / "flaky", str(COMPILERS / "flaky"), "--baseline", str(baseline),
              "--update-baseline", "--sandbox", "none", env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "REGRESSION" not in res.stdout
    assert sorted(ln.split()[1] for ln in res.stdout.splitlines() if ln.startswith("FLAKY ")) == \
        [f"suite/{t}@x86_64-O0" for t in BROKEN]
    doc = json.loads(baseline.read_text())
    assert doc["flaky"] == [f"suite/{t}@x86_64-O0" for t in BROKEN]
    # Without reruns the same candidate would have been blamed.
    for p in state.iterdir():
        p.rmdir()
    base2 = tmp_path / "b2.json"
    run(suite, tmp_path / "base2", "gcc", "--baseline", str(base2), "--update-baseline")
    res = run(suite, tmp_path / "flaky2", str(COMPILERS / "flaky"), "--baseline", str(base2), "--reruns", "0",
              "--sandbox", "none", env=env)
    assert res.returncode == 1 and res.stdout.count("REGRESSION ") == 2


def test_a_gate_run_as_an_agent_writes_tasks_only_when_asked(tmp_path, program_dir):
    """$AGENT_ID turns the agent view on; a gate run (--baseline) is CI's question: it writes no
    task files unless --tasks asks, and the whole gate output is in gate.log."""
    suite = program_dir("ok.c", *BROKEN)
    baseline = tmp_path / "oracle-baseline.json"
    assert run(suite, tmp_path / "base", "gcc", "--baseline", str(baseline), "--update-baseline").returncode == 0
    work = tmp_path / "clone"
    work.mkdir()
    env = {**os.environ, "AGENT_ID": "agent-7"}
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out",
                  str(tmp_path / "bad"), "-j", "2", "--baseline", str(baseline), cwd=work, env=env)
    assert res.returncode == 1, res.stdout + res.stderr
    assert not (work / "current_tasks").exists()
    gate_log = (tmp_path / "bad" / "gate.log").read_text().splitlines()
    assert sum(ln.startswith("REGRESSION ") for ln in gate_log) == 2 and gate_log[-1].startswith("gate: 2 regressions")
    assert (tmp_path / "bad" / "summary.log").read_text().splitlines() == res.stdout.splitlines()
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out",
                  str(tmp_path / "bad2"), "-j", "2", "--baseline", str(baseline), "--tasks", "current_tasks",
                  cwd=work, env=env)
    assert res.returncode == 1 and any(p.suffix == ".txt" for p in (work / "current_tasks").iterdir())
