"""End to end: the real `oracle` command line on real compilers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from ..conftest import COMPILERS, needs_aarch64, needs_tcc, run_cli


@needs_tcc
@needs_aarch64
def test_smoke_suite_on_both_arches(tmp_path):
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", "tcc", "--compiler", "aarch64=aarch64-linux-gnu-gcc", "--suite", "smoke",
                  "--out", str(out), "-j", "2", "--json", str(tmp_path / "copy.json"))
    lines = res.stdout.splitlines()
    assert res.returncode in (0, 1), res.stderr
    assert len(lines) <= 10 and res.stderr.strip() == ""
    assert lines[0].startswith("x86_64: ") and lines[1].startswith("aarch64: ")
    doc = json.loads((out / "results.json").read_text())
    assert doc == json.loads((tmp_path / "copy.json").read_text())
    assert set(doc) >= {"oracle_version", "started", "toolchains", "config", "summary", "cases"}
    assert doc["config"]["sandbox"] == "bwrap" and doc["arches"] == ["x86_64", "aarch64"]
    assert set(doc["toolchains"]) == {"x86_64", "aarch64"}
    assert doc["toolchains"]["x86_64"]["candidate"]["path"] == "/usr/bin/tcc"
    assert "tcc" in doc["toolchains"]["x86_64"]["candidate"]["version"]
    cases = doc["cases"]
    n_programs = len(list((COMPILERS.parent.parent.parent / "corpora" / "smoke").glob("*.c")))
    assert len(cases) == 2 * n_programs >= 80
    for c in cases:
        assert set(c) - {"reference", "candidate_run", "evidence", "metrics"} == {"id", "suite", "test", "arch", "opt", "verdict", "reason", "duration_s",
                                          "sources", "flags", "ref_opts", "unsupported", "timeout_factor"}
        assert c.get("reference", "built") in ("built", "cached") and c.get("candidate_run", "reused") in ("reused", "known")
    # GCC against GCC on aarch64: the smoke suite is well-defined C, so every case passes.
    assert all(c["verdict"] == "pass" for c in cases if c["arch"] == "aarch64")
    failures = [c for c in cases if c["verdict"] not in ("pass", "ref-invalid", "unstable", "unsupported")]
    assert doc["summary"]["failures"] == len(failures)
    assert (res.returncode == 1) == bool(failures)
    errors = (out / "errors.log").read_text().splitlines()
    assert sorted(ln.split()[1] for ln in errors if ln.startswith("ERROR ")) == sorted(c["id"] for c in failures)
    root = ET.parse(out / "junit.xml").getroot()
    assert len(root.findall(".//testcase")) == len(cases)
    # Every failure has a case folder whose repro.sh reproduces it from a clean shell.
    for c in failures:
        folders = [d for d in (out / "cases").iterdir() if (d / "verdict.txt").read_text().startswith(c["id"] + "\n")]
        assert len(folders) == 1
        rep = subprocess.run(["sh", str(folders[0] / "repro.sh")], capture_output=True, text=True, cwd="/",
                             env={"PATH": os.environ["PATH"]}, timeout=120)
        assert rep.returncode == 1, rep.stdout + rep.stderr


def test_hostile_outputs_keep_reports_valid(tmp_path, program_dir):
    out = tmp_path / "out"
    suite = program_dir("garbage.c", "ok.c", "wrong_exit.c", "crash.c", "loop.c")
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out", str(out),
                  "--run-timeout", "1", "-j", "2")
    assert res.returncode == 1, res.stdout + res.stderr
    doc = json.loads((out / "results.json").read_text())
    verdicts = {c["test"]: c["verdict"] for c in doc["cases"]}
    assert verdicts == {"garbage.c": "wrong-output", "ok.c": "pass", "wrong_exit.c": "wrong-exit",
                        "crash.c": "crash", "loop.c": "timeout"}
    ET.parse(out / "junit.xml")
    log = (out / "errors.log").read_text()
    assert log.count("\n") == 4 and "\x00" not in log
    garbage = [d for d in (out / "cases").iterdir() if "garbage" in d.name][0]
    assert (garbage / "candidate.stdout").read_bytes().startswith(b"\xff\xfe\x00")
    rep = subprocess.run(["sh", str(garbage / "repro.sh")], capture_output=True, cwd="/", timeout=60)
    assert rep.returncode == 1 and b"wrong-output" in rep.stdout


@pytest.mark.parametrize(
    "args, words",
    [
        (["--compiler", "gcc", "--suite", "no-such-suite"], "unknown suite"),
        (["--compiler", "no-such-compiler-xyz", "--suite", "smoke"], "not found"),
        (["--compiler", "gcc", "--suite", "smoke", "--shard", "5/4"], "--shard"),
        (["--compiler", "gcc", "--suite", "smoke", "--arch", "aarch64"], "no candidate compiler for aarch64"),
        (["--suite", "smoke"], "no candidate compiler"),
        (["--compiler", "gcc", "--suite", "smoke", "--ratio", "abc"], "invalid float"),
        (["--compiler", str(COMPILERS.parent / "programs" / "ok.c"), "--suite", "smoke"], "not executable"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args, words, tmp_path):
    res = run_cli("run", *args, "--out", str(tmp_path / "out"))
    assert res.returncode == 2
    assert res.stdout == ""
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and words in err[0], res.stderr


def test_selection_is_the_same_with_one_or_two_workers(tmp_path):
    runs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        res = run_cli("run", "--compiler", "gcc", "--suite", "smoke", "--ratio", "30", "--seed", "agent-7",
                      "--out", str(out), "-j", jobs)
        assert res.returncode == 0, res.stdout + res.stderr
        runs.append(sorted(c["id"] for c in json.loads((out / "results.json").read_text())["cases"]))
    assert runs[0] == runs[1] and 0 < len(runs[0]) < 57


def test_agent_id_seeds_the_sample(tmp_path):
    samples = []
    for agent in ("a", "b"):
        out = tmp_path / agent
        env = {**os.environ, "AGENT_ID": agent}
        res = run_cli("run", "--compiler", "gcc", "--suite", "smoke", "--ratio", "20", "--out", str(out), env=env)
        assert res.returncode == 0, res.stderr
        doc = json.loads((out / "results.json").read_text())
        assert doc["selection"]["seed"] == agent
        samples.append({c["id"] for c in doc["cases"]})
    assert samples[0] != samples[1]


def test_pytest_plugin_directly(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_output.c", "ref_abort.c")
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "basetemp"), "-n", "2",
         "--oracle-compiler", str(COMPILERS / "gcc-bug"),
         "--oracle-suite", str(suite), "--oracle-out", str(tmp_path / "out"), "-rA"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "1 failed, 1 passed, 1 skipped" in res.stdout
    assert "wrong-output: stdout differs at line 1" in res.stdout
    assert "x86_64: 1/2 passed" in res.stdout
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert {c["verdict"] for c in doc["cases"]} == {"pass", "wrong-output", "ref-invalid"}


def test_corpus_fetch_from_a_source_tree(tmp_path):
    tree = tmp_path / "gcc" / "gcc" / "testsuite" / "gcc.c-torture" / "execute"
    (tree / "builtins").mkdir(parents=True)
    (tree / "a.c").write_text("int main(void){return 0;}\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    res = run_cli("corpus", "fetch", "torture", "--from", str(tmp_path / "gcc"), env=env)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "cache" / "oracle" / "corpora" / "torture" / "a.c").exists()
    again = run_cli("corpus", "fetch", "torture", "--quiet", "--from", str(tmp_path / "gcc"), env=env)
    assert again.returncode == 0 and again.stdout == ""


def test_list_prints_the_selected_case_ids_and_runs_nothing(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    for name in ("a.c", "b.c", "skip.c"):
        (suite / name).write_text("int main(void) { return 0; }\n")
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", "gcc", "--suite", str(suite), "--arch", "x86_64", "--opt", "-O0,-O2",
                  "--filter", "a|b", "--list", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert sorted(res.stdout.splitlines()) == sorted(f"suite/{t}@x86_64-{o}" for t in ("a.c", "b.c")
                                                     for o in ("O0", "O2")), res.stdout
    assert not out.exists()  # nothing built, run or written
