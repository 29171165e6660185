"""Faults in oracle's own machinery: a worker that dies, a run that is stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from ..conftest import COMPILERS, ORACLE, slow_suite


def test_killed_worker_gives_infra_error_and_the_run_completes(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_exit.c", "wrong_output.c", "crash.c")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (tmp_path / "conftest.py").write_text(
        "import os\n"
        "def pytest_runtest_call(item):\n"
        "    if 'wrong_exit' in item.nodeid and os.environ.get('PYTEST_XDIST_WORKER'):\n"
        "        os._exit(1)\n")
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-n", "2",
         "--oracle-compiler",
         str(COMPILERS / "gcc-bug"), "--oracle-suite", str(suite), "--oracle-out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={**os.environ, "TMPDIR": str(tmp_path), "ORACLE_SCRATCH": str(scratch)})
    # The killed worker could not remove its scratch folder; the controller did, at the end.
    assert list(scratch.iterdir()) == []
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    verdicts = {c["test"]: (c["verdict"], c["reason"]) for c in doc["cases"]}
    assert verdicts["wrong_exit.c"][0] == "infra-error", res.stdout
    assert "crashed" in verdicts["wrong_exit.c"][1]
    assert verdicts["ok.c"][0] == "pass"
    assert verdicts["wrong_output.c"][0] == "wrong-output"
    assert verdicts["crash.c"][0] == "crash"
    assert "INFRA" in (tmp_path / "out" / "errors.log").read_text()


def _descendants(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.add(k)
            todo.append(k)
    return out


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stop_signal_keeps_finished_results_and_resume_finishes(tmp_path, sig):
    suite = slow_suite(tmp_path / "many", 60, 150000)
    out = tmp_path / "out"
    p = subprocess.Popen([*ORACLE, "run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out), "-j", "2",
                          "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((out / "cases").glob("*")) and p.poll() is None:
        time.sleep(0.5)
        if len(_descendants(p.pid)) > 4:  # workers up and compiling
            time.sleep(3)
            break
    procs = _descendants(p.pid)
    start = time.monotonic()
    p.send_signal(sig)
    stdout, stderr = p.communicate(timeout=30)
    # Well before the rest of the run could finish (~40 cases of compiles and 0.15 s runs left);
    # loose enough for a loaded 2-core CI machine.
    assert time.monotonic() - start < 12, stderr
    assert p.returncode == 3, stdout + stderr
    assert "interrupted" in stdout
    doc = json.loads((out / "results.json").read_text())
    assert doc["complete"] is False and len(doc["cases"]) == 60
    verdicts = [c["verdict"] for c in doc["cases"]]
    assert "pass" in verdicts and "not-run" in verdicts
    assert set(verdicts) <= {"pass", "not-run"}
    time.sleep(0.5)
    alive = [pid for pid in procs if os.path.exists(f"/proc/{pid}") and
             open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"]
    assert alive == []
    finished = {c["id"] for c in doc["cases"] if c["verdict"] == "pass"}
    res = subprocess.run([*ORACLE, "run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out), "-j", "2",
                          "--no-cache", "--resume"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    doc = json.loads((out / "results.json").read_text())
    assert doc["complete"] is True and len(doc["cases"]) == 60
    assert {c["verdict"] for c in doc["cases"]} == {"pass"}
    assert finished < {c["id"] for c in doc["cases"]}


def test_sigkilled_run_leaves_scratch_that_the_next_run_removes(tmp_path):
    """kill -9 gives oracle no chance to clean up: its Judges' folders (in RAM, by default) stay,
    unlocked, until the next run removes them at its start."""
    suite = slow_suite(tmp_path / "slow", 20, 300000)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "ORACLE_SCRATCH": str(scratch)}
    p = subprocess.Popen([*ORACLE, "run", "--compiler", "gcc", "--suite", str(suite), "--out", str(tmp_path / "o1"),
                          "-j", "2", "--no-history", "--no-cache"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(scratch.glob("oracle-work-*"))) < 2:
        time.sleep(0.2)
    left = sorted(scratch.glob("oracle-work-*"))
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    time.sleep(0.5)
    assert len(left) == 2 and all(d.exists() for d in left)
    res = subprocess.run([*ORACLE, "run", "--compiler", "gcc", "--suite", str(suite), "-k", "slow00",
                          "--out", str(tmp_path / "o2"), "--no-history"], capture_output=True, text=True,
                         timeout=120, env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert list(scratch.iterdir()) == []


def test_full_disk_for_the_output_folder(tmp_path, program_dir):
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12k", "tmpfs", str(mnt)]).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        suite = program_dir("ok.c", "wrong_output.c", "wrong_exit.c", "crash.c")
        res = subprocess.run([*ORACLE, "run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite),
                              "--out", str(mnt / "out"), "-j", "2"], capture_output=True, text=True, timeout=300)
        assert res.returncode == 3, res.stdout + res.stderr
        errors = [ln for ln in res.stdout.splitlines() if ln.startswith("error:")]
        assert len(errors) == 1 and "No space left on device" in errors[0]
        for name in ("results.json", "junit.xml"):  # absent or complete, never half written
            f = mnt / "out" / name
            if f.exists():
                (json.loads if name.endswith("json") else ET.fromstring)(f.read_text())
        for d in (mnt / "out" / "cases").glob("*"):
            assert not d.name.startswith("."), "a half-written case folder was left"
            assert (d / "verdict.txt").exists() and (d / "commands.txt").exists(), f"{d.name} is half written"
    finally:
        subprocess.run(["umount", str(mnt)])
