"""Classification (issue 22): what a finished compile or run means, tested on results made by
hand, with no process started: each rule of judge/classify.py and the judge's shared rule about
stored reference answers."""

from __future__ import annotations

import shutil

import pytest

from oracle.infra.proc import EXIT, NOSTART, SIGNAL, TIMEOUT, ProcResult, Status
from oracle.judge.classify import (classify_build, compare, difference, shell_signal, through_shell,
                                   unusable_run)
from oracle.judge.judging import Judge
from oracle.judge.outcome import RefOutcome
from oracle.model import verdict as V


def run(kind: str = EXIT, code: int = 0, stdout: bytes = b"", stderr: bytes = b"", **kw) -> ProcResult:
    return ProcResult(("prog",), Status(kind, code), stdout=stdout, stderr=stderr, **kw)


def built(tmp_path):
    exe = tmp_path / "exe"
    shutil.copy("/bin/true", exe)
    return str(exe)


# ---------------------------------------------------------------- builds

def test_a_build_that_wrote_its_executable_is_no_verdict(tmp_path):
    assert classify_build(run(stderr=b"t.c:1:1: warning: x\n"), built(tmp_path), 10) is None


@pytest.mark.parametrize("res,expected,words", [
    (run(NOSTART, error="No such file or directory"), V.COMPILE_ERROR, "could not start: No such file"),
    (run(TIMEOUT), V.COMPILE_TIMEOUT, "timed out after 10s"),
    (run(SIGNAL, 11, stderr=b"cc1: oops\n"), V.COMPILER_CRASH, "compiler killed by SIGSEGV: cc1: oops"),
    (run(EXIT, 1, stderr=b"t.c:3:1: error: expected ';'\n"), V.COMPILE_ERROR, "t.c:3:1: error: expected ';'"),
    (run(EXIT, 1), V.COMPILE_ERROR, "with no diagnostics"),
    (run(EXIT, 0), V.COMPILE_ERROR, "exited 0 but wrote no executable"),
])
def test_each_way_a_build_fails_has_its_verdict(tmp_path, res, expected, words):
    got = classify_build(res, str(tmp_path / "missing"), 10)
    assert got is not None and got[0] is expected and words in got[1], got


def _build(stderr: bytes, code: int) -> ProcResult:
    return run(EXIT, code, stderr=stderr)


@pytest.mark.parametrize("stderr,code,expected", [
    (b"t.c: In function 'main':\nt.c:3:1: internal compiler error: Segmentation fault\n", 4, V.COMPILER_CRASH),
    (b"gcc: internal compiler error: Killed signal terminated program cc1\n", 4, V.COMPILER_CRASH),
    (b"clang: error: clang frontend command failed due to signal (use -v to see invocation)\n", 1,
     V.COMPILER_CRASH),
    (b"PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/\n", 139, V.COMPILER_CRASH),
    # GCC echoes the source line of a warning behind its gutter; the build failed for another reason.
    (b"t.c:2:3: warning: implicit declaration of function 'f'\n    2 |   f(\"internal compiler error\");\n"
     b"      |   ^\nt.c:3:1: error: expected ';'\n", 1, V.COMPILE_ERROR),
    (b"t.c:1:2: warning: #warning internal compiler error [-Wcpp]\nt.c:5:1: error: oops\n", 1, V.COMPILE_ERROR),
])
def test_an_ice_is_the_compilers_own_message(tmp_path, stderr, code, expected):
    exe = tmp_path / "exe"
    got = classify_build(_build(stderr, code), str(exe), 10)
    assert got is not None and got[0] is expected, got


def test_an_echoed_ice_text_with_a_built_executable_is_no_crash(tmp_path):
    exe = built(tmp_path)
    stderr = b"t.c:1:17: warning: implicit declaration\n    1 | int main(void){ puts(\"internal compiler error\"); }\n"
    assert classify_build(_build(stderr, 0), str(exe), 10) is None


# ---------------------------------------------------------------- runs against the reference

@pytest.mark.parametrize("got,expected,words", [
    (run(), V.PASS, ""),
    (run(TIMEOUT), V.TIMEOUT, "timed out after 5s"),
    (run(NOSTART, error="Exec format error"), V.CRASH, "could not start: Exec format error"),
    (run(stdout=b"x" * 10, stdout_truncated=True), V.WRONG_OUTPUT, "stdout exceeds 10 bytes"),
    (run(SIGNAL, 6), V.CRASH, "the test's own check failed (abort)"),
    (run(SIGNAL, 11, stderr=b"boom\n"), V.CRASH, "killed by SIGSEGV (reference: exit 0); stderr: boom"),
    (run(EXIT, 3), V.WRONG_EXIT, "exit 3 (reference: exit 0)"),
    (run(stdout=b"2\n"), V.WRONG_OUTPUT, ""),
])
def test_a_run_is_compared_status_first_then_stdout_bytes(got, expected, words):
    verdict, reason = compare(run(), got, 5)
    assert verdict is expected and words in reason, reason


def test_output_that_differs_only_in_its_bytes_is_wrong_output():
    verdict, reason = compare(run(stdout=b"caf\xc3\xa9\n"), run(stdout=b"caf\xe9\n"), 5)
    assert verdict is V.WRONG_OUTPUT and reason


@pytest.mark.parametrize("res,why", [
    (run(TIMEOUT), "timed out after 5s"),
    (run(stdout=b"x", stdout_truncated=True), "printed more than 1 bytes"),
    (run(SIGNAL, 11), "was killed by SIGSEGV"),
    (run(NOSTART, error="ENOENT"), "could not start: ENOENT"),
    (run(EXIT, 1), None),
])
def test_a_reference_run_is_unusable_only_when_it_cannot_be_an_oracle(res, why):
    assert unusable_run(res, 5) == why


def test_two_reference_runs_differ_by_status_or_by_output():
    assert difference(run(EXIT, 0), run(EXIT, 1)) == "exit 0 vs exit 1"
    assert difference(run(stdout=b"a\n"), run(stdout=b"b\n"))


def test_a_shells_128_plus_n_is_the_crash_it_reports():
    died = run(EXIT, 128 + 11)
    assert shell_signal(died) and not shell_signal(run(EXIT, 1)) and not shell_signal(run(EXIT, 128 + 15))
    verdict, reason = through_shell(V.WRONG_EXIT, "exit 139 (reference: exit 0)", died)
    assert verdict is V.CRASH and "killed by SIGSEGV" in reason and "exit 139" in reason
    assert through_shell(V.WRONG_EXIT, "exit 1", run(EXIT, 1)) == (V.WRONG_EXIT, "exit 1")
    assert through_shell(V.PASS, "", died) == (V.PASS, "")


# ---------------------------------------------------------------- the shared rule on stored answers

def _stored(stdout: bytes = b"1\n") -> RefOutcome:
    return RefOutcome(None, runs=[run(stdout=stdout)], from_cache=True)


def test_a_failure_against_a_stored_answer_is_decided_against_a_fresh_one():
    asked = []

    def fresh(stdout: bytes):
        return lambda: asked.append(1) or RefOutcome(None, runs=[run(stdout=stdout)])

    ref, stale = Judge.against_fresh(_stored(), V.WRONG_OUTPUT, fresh(b"1\n"))
    assert not stale and not ref.from_cache and asked == [1]  # the stored answer held
    ref, stale = Judge.against_fresh(_stored(), V.WRONG_OUTPUT, fresh(b"2\n"))
    assert stale and ref.expected.stdout == b"2\n"  # it was wrong: judge again against the fresh one
    ref, stale = Judge.against_fresh(_stored(), V.CRASH, lambda: RefOutcome(V.UNSTABLE, "flips"))
    assert stale and ref.verdict is V.UNSTABLE


def test_a_pass_or_a_fresh_answer_is_not_asked_again():
    never = lambda: pytest.fail("the reference ran again")  # noqa: E731
    stored = _stored()
    assert Judge.against_fresh(stored, V.PASS, never) == (stored, False)
    built_now = RefOutcome(None, runs=[run()])
    assert Judge.against_fresh(built_now, V.WRONG_EXIT, never) == (built_now, False)
