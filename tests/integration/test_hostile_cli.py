"""Hostile inputs, third round, at the command line (issue 23): the default fuzz generators, bad
numbers, outputs that are not regular files, settings files and recorded runs from elsewhere."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from oracle.config import machine

from ..conftest import run_cli


def test_fuzz_with_its_default_generators_runs_from_any_folder(tmp_path):
    """Class 13: `oracle fuzz` without --generator took "csmith,hypothesis" for a folder path."""
    out = tmp_path / "out"
    res = run_cli("fuzz", "--compiler", "gcc", "--budget", "4s", "--out", str(out), "-j", "2", "--no-history",
                  "--no-cache", cwd=tmp_path, timeout=120)
    assert res.returncode in (0, 3), res.stdout + res.stderr
    assert "unknown suite" not in res.stderr
    doc = json.loads((out / "results.json").read_text())
    assert doc["suite"] == "csmith,hypothesis"


def test_a_generated_suite_of_two_generators_is_recorded_by_name(tmp_path):
    cfg = machine.build({"compiler": ["gcc"], "suite": "hypothesis,csmith", "out": str(tmp_path / "out")},
                          probe_toolchains=False)
    assert cfg.suite == "hypothesis,csmith"


ONE_LINE_EXIT_2 = [
    ("--compile-timeout", "inf"), ("--run-timeout", "nan"), ("--run-timeout", "1e400"),
    ("--ref-run-timeout", "inf"), ("-j", "99999999999999999999"),
]


@pytest.mark.parametrize("option, value", ONE_LINE_EXIT_2)
def test_a_number_no_run_can_use_is_one_line_and_exit_2(tmp_path, option, value):
    """Class 11: nan, inf, 1e400 and a 20-digit -j parse as numbers; none bounds or sizes a run."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "ok.c").write_text("int main(void){return 0;}\n")
    res = run_cli("run", "--compiler", "gcc", "--suite", str(suite), "--out", str(tmp_path / "out"), "--no-history",
                  "--no-cache", option, value, cwd=tmp_path, timeout=60)
    assert res.returncode == 2, res.stdout + res.stderr
    assert res.stderr.count("\n") == 1 and option.lstrip("-") in res.stderr, res.stderr
    assert not (tmp_path / "out" / "results.json").exists()


def _children(pid: int) -> list[int]:
    out = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in status:
            out.append(int(p))
    return out


def test_more_jobs_than_cases_start_no_more_workers_than_cases(tmp_path):
    """Class 11: -j 16 for 2 cases started 16 pytest-xdist worker processes."""
    import subprocess
    import time

    from ..conftest import ORACLE, slow_suite

    suite = slow_suite(tmp_path / "suite", 2, 2_000_000)
    p = subprocess.Popen([*ORACLE, "run", "--compiler", "gcc", "--suite", str(suite), "--out", str(tmp_path / "out"),
                          "--no-history", "--no-cache", "-j", "16", "--sandbox", "none"], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    most = 0
    while p.poll() is None:
        most = max(most, len(_children(p.pid)))
        time.sleep(0.05)
    out, err = p.communicate()
    assert p.returncode == 0, out + err
    assert 1 <= most <= 2, most


# ---------------------------------------------------------------- class 4: outputs that are not regular files

NODES = ["chardev", "fifo", "symlink"]


def make_node(path: Path, kind: str) -> None:
    """A device node (like /dev/null, 1,3, but under tmp_path), a FIFO, or a symlink to a precious file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "chardev":
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        os.chmod(path, 0o666)  # the umask took bits off
    elif kind == "fifo":
        os.mkfifo(path, 0o666)
        os.chmod(path, 0o666)
    else:
        precious = path.parent / f"precious-{path.name}"
        precious.write_text("precious\n")
        os.symlink(precious.name, path)


def node_state(path: Path) -> tuple:
    st = os.lstat(path)
    target = (os.readlink(path), (path.parent / os.readlink(path)).read_text()) if stat.S_ISLNK(st.st_mode) else None
    return st.st_ino, st.st_mode, st.st_rdev, target


def one_line_exit_2(res, path: Path) -> None:
    assert res.returncode == 2, res.stdout + res.stderr
    err = [ln for ln in res.stderr.splitlines() if not ln.startswith("oracle: settings from ")]
    assert len(err) == 1 and str(path) in err[0] and "regular file" in err[0], res.stderr


def small_suite(tmp_path: Path) -> Path:
    suite = tmp_path / "suite"
    suite.mkdir(exist_ok=True)
    (suite / "ok.c").write_text("int main(void){return 0;}\n")
    return suite


def run_into(tmp_path: Path, *extra: str, cwd: Path | None = None):
    return run_cli("run", "--compiler", "gcc", "--suite", str(small_suite(tmp_path)), "--no-cache", "-j", "1",
                   *extra, cwd=cwd or tmp_path, timeout=60)


@pytest.mark.parametrize("kind", NODES)
@pytest.mark.parametrize("option", ["--junit", "--json", "--history"])
def test_an_output_option_naming_what_is_not_a_regular_file_is_refused_before_the_run(tmp_path, kind, option):
    node = tmp_path / "node"
    make_node(node, kind)
    before = node_state(node)
    extra = () if option == "--history" else ("--no-history",)
    res = run_into(tmp_path, "--out", str(tmp_path / "out"), option, str(node), *extra)
    one_line_exit_2(res, node)
    assert node_state(node) == before
    assert not (tmp_path / "out" / "results.json").exists()  # refused before any case was judged


@pytest.mark.parametrize("kind", NODES)
@pytest.mark.parametrize("child", ["results.json", "junit.xml", "errors.log", "report.html", "pytest.log", "journal.jsonl"])
def test_an_output_folder_child_that_is_not_a_regular_file_is_refused(tmp_path, kind, child):
    out = tmp_path / "out"
    node = out / child
    make_node(node, kind)
    before = node_state(node)
    res = run_into(tmp_path, "--out", str(out), "--no-history")
    one_line_exit_2(res, node)
    assert node_state(node) == before


def test_a_cases_folder_that_is_a_symlink_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / "cases")
    res = run_into(tmp_path, "--out", str(out), "--no-history")
    assert res.returncode == 2 and str(out / "cases") in res.stderr, res.stderr
    assert os.path.islink(out / "cases") and not any(elsewhere.iterdir())


@pytest.mark.parametrize("kind", NODES)
def test_a_settings_key_naming_what_is_not_a_regular_file_is_refused(tmp_path, kind):
    node = tmp_path / "node"
    make_node(node, kind)
    before = node_state(node)
    (tmp_path / "oracle.toml").write_text(f'junit = "{node}"\nno-history = true\n')
    res = run_into(tmp_path, "--out", str(tmp_path / "out"))
    one_line_exit_2(res, node)
    assert node_state(node) == before


@pytest.fixture
def finished_run(tmp_path):
    res = run_into(tmp_path, "--out", str(tmp_path / "out"), "--history", str(tmp_path / "history.db"))
    assert res.returncode == 0, res.stdout + res.stderr
    return tmp_path / "out"


@pytest.mark.parametrize("kind", NODES)
def test_reports_of_other_commands_never_replace_what_is_not_a_regular_file(tmp_path, finished_run, kind):
    html, merged, baseline = tmp_path / "page.html", tmp_path / "merged" / "results.json", tmp_path / "base.json"
    for node in (html, merged, baseline):
        make_node(node, kind)
    before = {p: node_state(p) for p in (html, merged, baseline)}
    res = run_cli("report", "--html", str(html), "--history", str(tmp_path / "history.db"), timeout=60)
    one_line_exit_2(res, html)
    res = run_cli("merge", str(merged.parent), str(finished_run), timeout=60)
    one_line_exit_2(res, merged)
    res = run_cli("gate", "--baseline", str(baseline), "--update-baseline", str(finished_run), timeout=60)
    one_line_exit_2(res, baseline)
    assert {p: node_state(p) for p in before} == before


@pytest.mark.parametrize("kind", ["fifo", "symlink"])
def test_a_task_file_that_is_not_a_regular_file_is_never_replaced(tmp_path, kind):
    from ..conftest import COMPILERS

    suite = small_suite(tmp_path)
    (suite / "bad.c").write_text("int main(void){\n#ifdef ORACLE_CANDIDATE\nreturn 3;\n#endif\nreturn 0;}\n")
    tasks = tmp_path / "current_tasks"
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out",
                  str(tmp_path / "out"), "--no-history", "--no-cache", "-j", "1", "--tasks", str(tasks), timeout=120)
    assert res.returncode == 1, res.stdout + res.stderr
    task, = [p for p in tasks.iterdir() if p.suffix == ".txt" and not p.name.startswith(".")]
    task.unlink()
    make_node(task, kind)
    before = node_state(task)
    res = run_cli("tasks", "--run", str(tmp_path / "out"), "--dir", str(tasks), timeout=60)
    one_line_exit_2(res, task)
    assert node_state(task) == before
    (tmp_path / "out" / "results.json").unlink()
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out",
                  str(tmp_path / "out"), "--no-history", "--no-cache", "-j", "1", "--tasks", str(tasks), timeout=120)
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stdout + res.stderr
    assert "task files in" in res.stdout + res.stderr and (tmp_path / "out" / "results.json").exists()
    assert node_state(task) == before


# ---------------------------------------------------------------- class 7: settings and runs from elsewhere

from oracle.infra.backends import sandbox as _sandbox  # noqa: E402

BWRAP = _sandbox.available() is None


def evil_compiler(folder: Path, marker: Path) -> Path:
    """gcc that first leaves a file on the host: it ran, and ran unconfined."""
    cc = folder / "evil-cc"
    cc.write_text(f'#!/bin/sh\ntouch {marker} 2>/dev/null\nexec gcc "$@"\n')
    cc.chmod(0o755)
    return cc


@pytest.mark.parametrize("name", ["oracle.toml", "pyproject.toml"])
@pytest.mark.parametrize("why", ["another-owner", "world-writable"])
def test_a_settings_file_another_user_could_have_written_is_ignored(tmp_path, name, why):
    """Class 7: a parent folder's settings file (a /tmp/oracle.toml) could set the reference to any
    program and the sandbox to none for every run below it."""
    marker = tmp_path / "pwned"
    body = f'reference = "{evil_compiler(tmp_path, marker)}"\nsandbox = "none"\n'
    settings = tmp_path / name
    settings.write_text(body if name == "oracle.toml" else "[tool.oracle]\n" + body)
    if why == "another-owner":
        os.chown(settings, 12345, 12345)
    else:
        os.chmod(settings, 0o666)
    work = tmp_path / "work"
    work.mkdir()
    res = run_into(work, "--out", str(work / "out"), "--no-history", cwd=work)
    assert res.returncode == 0, res.stdout + res.stderr
    assert not marker.exists()
    warnings = [ln for ln in res.stderr.splitlines() if str(settings) in ln]
    assert len(warnings) == 1 and "ignoring" in warnings[0], res.stderr
    assert ("uid 12345" if why == "another-owner" else "anyone can write") in warnings[0]
    assert "settings from" not in res.stderr
    doc = json.loads((work / "out" / "results.json").read_text())
    assert doc["config"]["references"]["x86_64"]["argv"][0] != str(tmp_path / "evil-cc")


def test_the_settings_file_that_applied_is_named_on_stderr(tmp_path):
    (tmp_path / "oracle.toml").write_text("run-timeout = 7\nno-history = true\n")
    res = run_into(tmp_path, "--out", str(tmp_path / "out"))
    assert res.returncode == 0, res.stdout + res.stderr
    assert [ln for ln in res.stderr.splitlines() if "settings" in ln] == [
        f"oracle: settings from {tmp_path / 'oracle.toml'}"]
    res = run_cli("run", "--compiler", "gcc", "--suite", str(small_suite(tmp_path)), "--no-cache", "--out",
                  str(tmp_path / "out2"), "--no-history", "-j", "1", cwd=small_suite(tmp_path).parent.parent)
    assert "settings" not in res.stderr  # none applies above tmp_path's parent


@pytest.mark.skipif(not BWRAP, reason="bwrap unusable here")
def test_gate_rejudges_a_run_from_elsewhere_in_the_local_sandbox(tmp_path):
    """Class 7: a results.json recording `sandbox: none` and a compiler's argv had the gate run that
    argv unconfined here."""
    baseline = tmp_path / "baseline.json"
    res = run_into(tmp_path, "--out", str(tmp_path / "out"), "--no-history", "--baseline", str(baseline),
                   "--update-baseline")
    assert res.returncode == 0, res.stdout + res.stderr
    marker = tmp_path / "pwned"
    results = tmp_path / "out" / "results.json"
    doc = json.loads(results.read_text())
    doc["config"]["sandbox"] = "none"
    doc["config"]["candidates"]["x86_64"]["argv"] = [str(evil_compiler(tmp_path, marker))]
    doc["cases"][0]["verdict"] = "wrong-exit"  # a regression to re-judge
    results.write_text(json.dumps(doc))
    res = run_cli("gate", "--baseline", str(baseline), str(results), "--reruns", "1", timeout=120)
    assert res.returncode in (0, 1) and "1 required cases checked" in res.stdout, res.stdout + res.stderr
    assert not marker.exists()  # it ran, confined: the sandbox is this machine's, not the record's


@pytest.mark.skipif(not BWRAP, reason="bwrap unusable here")
def test_a_projects_sandbox_has_a_private_writable_tmp(tmp_path):
    """Project builds and tests (programs that write /tmp/NAME whatever TMPDIR says: busybox's
    diff) get a /tmp of their own: written there, gone after; the host's /tmp still seen, read-only."""
    import subprocess
    import uuid

    name = f"/tmp/oracle-private-{uuid.uuid4().hex}"
    host = tmp_path / "host-file"  # tmp_path is under the host's /tmp
    host.write_text("seen\n")
    script = f"echo x > {name} && cat {name} && cat {host} && ! touch {tmp_path}/new 2>/dev/null && echo w > {tmp_path}/w/ok"
    (tmp_path / "w").mkdir()
    res = subprocess.run(_sandbox.confined(["sh", "-c", script], str(tmp_path / "w"), private_tmp=True),
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout == "x\nseen\n", res.stdout + res.stderr
    assert not os.path.exists(name) and (tmp_path / "w" / "ok").read_text() == "w\n"
    assert not (tmp_path / "new").exists()
