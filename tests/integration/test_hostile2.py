"""Hostile inputs, second round: binaries that kill their supervisor, cases oracle cannot judge,
files that cannot be cases, options and paths oracle cannot use, a reader that leaves early.
Each gets its verdict or one line with its exit status, never a traceback, never a silent exit 0."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from oracle.infra import proc
from oracle.infra.backends import sandbox
from oracle.infra.backends.sandbox import Sandbox

from ..conftest import COMPILERS, ORACLE, PROGRAMS, run_cli

needs_bwrap = pytest.mark.skipif(sandbox.available() is not None, reason=f"bwrap unusable: {sandbox.available()}")
OK = "int main(void){return 0;}\n"


def one_line_error(res: subprocess.CompletedProcess, code: int, *words: str) -> None:
    """Exit `code`, one `oracle: error:` line on stderr that says `words`, no traceback."""
    assert res.returncode == code, res.stdout + res.stderr
    assert "Traceback" not in res.stderr and "Exception ignored" not in res.stderr, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("oracle: error: "), res.stderr
    assert all(w in lines[0] for w in words), lines[0]


def small_suite(tmp_path: Path) -> Path:
    suite = tmp_path / "suite"
    suite.mkdir(exist_ok=True)
    (suite / "ok.c").write_text(OK)
    return suite


def run(tmp_path: Path, suite: Path, *extra: str, compiler: str = "gcc", env=None) -> subprocess.CompletedProcess:
    return run_cli("run", "--compiler", compiler, "--suite", str(suite), "--out", str(tmp_path / "out"),
                   "--cache", str(tmp_path / "cache"), "--no-history", "--run-timeout", "5", "-j", "1", *extra,
                   env=env, timeout=300)


def verdicts(tmp_path: Path) -> dict[str, dict]:
    return {c["test"]: c for c in json.loads((tmp_path / "out" / "results.json").read_text())["cases"]}


# ---------------------------------------------------------------- 3. hidden failures

@needs_bwrap
@pytest.mark.parametrize("program", ["kill_all.c", "kill_parent.c"])
def test_a_binary_that_kills_its_supervisor_is_judged_not_retried(tmp_path, program):
    """kill(-1, SIGKILL) / kill(getppid(), SIGKILL) inside the sandbox kill its job server: the
    binary's own outcome (it dies with the sandbox), once, and the next job gets a new sandbox."""
    (tmp_path / "w").mkdir(mode=0o755)
    exe = tmp_path / "w" / "prog"  # the sandbox sees the host's /tmp only through this folder
    subprocess.run(["gcc", "-DORACLE_CANDIDATE", str(PROGRAMS / program), "-o", str(exe)], check=True)
    box = Sandbox(tmp_path / "w")
    try:
        cwd = str(sandbox.runs_dir(box.writable) / "r1")
        res = box.run([str(exe)], cwd=cwd, timeout=5)
        assert res.status == proc.Status(proc.SIGNAL, 9) and b"killed its supervisor" in res.stderr
        assert res.stdout == b""  # it never got to print: it ran once, and was not run again
        again = box.run(["/bin/echo", "next"], cwd=str(sandbox.runs_dir(box.writable) / "r2"), timeout=5)
        assert again.status.ok and again.stdout == b"next\n"
    finally:
        box.close()


@needs_bwrap
def test_a_run_with_binaries_that_kill_their_supervisor_reports_crashes(tmp_path, program_dir):
    suite = program_dir("ok.c", "kill_all.c", "kill_parent.c", "wrong_output.c")
    res = run(tmp_path, suite, "--sandbox", "bwrap", compiler=str(COMPILERS / "gcc-bug"))
    assert res.returncode == 1, res.stdout + res.stderr
    v = verdicts(tmp_path)
    assert {t: c["verdict"] for t, c in v.items()} == {"ok.c": "pass", "kill_all.c": "crash",
                                                      "kill_parent.c": "crash", "wrong_output.c": "wrong-output"}
    assert all("killed its supervisor" in v[t]["reason"] for t in ("kill_all.c", "kill_parent.c"))
    assert "infra-error" not in res.stdout


def test_a_run_whose_cases_could_not_be_judged_exits_3_and_counts_them_last(tmp_path):
    """A scratch folder that cannot be made: oracle cannot judge the case. That is no pass."""
    suite = small_suite(tmp_path)
    (tmp_path / "not-a-folder").write_text("")
    res = run(tmp_path, suite, "--sandbox", "none",
              env={**os.environ, "ORACLE_SCRATCH": str(tmp_path / "not-a-folder")})
    assert res.returncode == 3, res.stdout + res.stderr
    assert [c["verdict"] for c in verdicts(tmp_path).values()] == ["infra-error"]
    last = res.stdout.splitlines()[-1]  # the count, and the cause they share
    assert last.startswith("1 infra-error case: oracle could not judge them; ") and "NotADirectoryError" in last
    assert last.endswith("(see errors.log INFRA lines)")
    assert (tmp_path / "out" / "errors.log").read_text().count("INFRA ") == 1


def test_a_cache_that_cannot_be_used_is_a_usage_error_before_any_case(tmp_path):
    suite = small_suite(tmp_path)
    (tmp_path / "afile").write_text("")
    for cache in (tmp_path / "afile", Path("/proc/oracle-cache")):
        res = run(tmp_path, suite, "--cache", str(cache))
        one_line_error(res, 2, "--cache", str(cache))
        assert not (tmp_path / "out" / "results.json").exists()


# ---------------------------------------------------------------- 8. one bad file

def test_files_that_cannot_be_cases_are_unsupported_and_the_others_run(tmp_path):
    from ..unit.test_bad_input import deep_file

    suite = small_suite(tmp_path)
    with open(os.path.join(os.fsencode(suite), b"bad\xfe.c"), "wb") as f:
        f.write(OK.encode())
    deep_file(suite)
    res = run(tmp_path, suite, "--sandbox", "none")
    assert res.returncode == 0, res.stdout + res.stderr
    v = verdicts(tmp_path)
    assert v.pop("ok.c")["verdict"] == "pass" and v.pop("bad\\xfe.c")["reason"].startswith("its file name is not")
    (deep,) = v.values()
    assert deep["verdict"] == "unsupported" and "longer than the system allows" in deep["reason"]


def test_an_empty_suite_folder_is_a_usage_error(tmp_path):
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    one_line_error(run(tmp_path, tmp_path / "empty"), 2, "no .c files under")


# ---------------------------------------------------------------- 9. tracebacks

def test_output_folders_oracle_cannot_use_are_one_line_exit_2(tmp_path):
    suite = small_suite(tmp_path)
    (tmp_path / "afile").write_text("")
    for out, words in ((tmp_path / "afile", "is a file"), (Path("/proc/oracle-out"), "cannot write in"),
                       (tmp_path / "afile" / "below", "cannot write in"), (suite / "out", "inside the suite folder")):
        res = run_cli("run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out), "--no-history",
                      "--cache", str(tmp_path / "cache"), "-j", "1", timeout=300)
        one_line_error(res, 2, words)
    assert [p.name for p in suite.iterdir()] == ["ok.c"]


def test_history_report_and_cache_commands_on_bad_paths_are_one_line(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    one_line_error(run_cli("history", "--history", str(folder)), 2, "is a folder")
    one_line_error(run_cli("report", "--html", str(tmp_path / "r.html"), "--history", str(folder)), 2, "is a folder")
    (tmp_path / "afile").write_text("")
    for bad in (tmp_path / "afile", Path("/proc/oracle-cache")):
        one_line_error(run_cli("cache", "stats", "--cache", str(bad)), 2, "--cache")


def test_a_reader_that_leaves_early_is_one_line_exit_3(tmp_path):
    """`oracle … | head -1` where head is gone before oracle writes: no traceback, exit 3."""
    suite = small_suite(tmp_path)
    for args in (["corpus", "where"],
                 ["run", "--compiler", "gcc", "--suite", str(suite), "--out", str(tmp_path / "out"), "--no-history",
                  "--cache", str(tmp_path / "cache"), "-j", "1"]):
        p = subprocess.Popen([*ORACLE, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        p.stdout.close()  # the reader is gone
        err = p.stderr.read()
        p.wait(timeout=300)
        one_line_error(subprocess.CompletedProcess(args, p.returncode, "", err), 3, "closed early")


# ---------------------------------------------------------------- 13. options the reference rejects

def test_an_opt_level_the_reference_rejects_is_a_usage_error_naming_it(tmp_path):
    suite = small_suite(tmp_path)
    one_line_error(run(tmp_path, suite, "--opt", "O0,Ofoo"), 2, "-Ofoo")
    assert not (tmp_path / "out" / "results.json").exists()
    res = run(tmp_path, suite, "--opt", "O1,-O2 -fno-inline", "--sandbox", "none")  # what it accepts runs
    assert res.returncode == 0, res.stdout + res.stderr
    cases = json.loads((tmp_path / "out" / "results.json").read_text())["cases"]
    assert sorted((c["opt"], c["verdict"]) for c in cases) == [("-O1", "pass"), ("-O2 -fno-inline", "pass")]
