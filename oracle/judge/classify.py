"""Classification: what a finished compile or run means, as a verdict and why. Pure functions of
the results in hand (no process starts here, nothing is read from disk but whether an executable
was written), so each rule is tested directly and the judge's steps only decide what to run."""

from __future__ import annotations

import os
import re
import signal

from oracle.config.toolchain import first_line
from oracle.infra import proc
from oracle.infra.proc import ProcResult
from oracle.model import verdict as V
from oracle.model.text import clean, describe_diff

# A compiler that dies this way reports it in text, through a driver that exits with an error.
# Only the compiler's own messages count: a line that starts with its prefix ("gcc: ", "cc1: ",
# "file.c:3:1: ") and says so, or clang's crash banner. Echoed source lines never match: GCC
# indents them behind a `|` gutter, and a location is followed by "warning:"/"error:" first.
ICE = re.compile(rb"^(?:[^\s:|][^:\n]*:(?:\d+:){0,2} )?internal compiler error\b"
                 rb"|^[^\s:|][^:\n]*: (?:error|fatal error): [^\n]*\bfailed due to signal\b"
                 rb"|^PLEASE submit a bug report", re.M)
CRASH_SIGNALS = (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT)
# What a shell (or qemu) prints when a program it ran died of a signal.
CAUGHT_CRASH = re.compile(rb"Segmentation fault|Bus error|Illegal instruction|Aborted|core dumped|"
                          rb"uncaught target signal")


def classify_build(build: ProcResult, exe: str, timeout: float) -> tuple[V.Verdict, str] | None:
    """None when the compile produced an executable; else the candidate-side verdict and why."""
    st = build.status
    diag = build.stderr + build.stdout
    if st.kind == proc.NOSTART:
        return V.COMPILE_ERROR, f"compiler could not start: {build.error}"
    if st.kind == proc.TIMEOUT:
        return V.COMPILE_TIMEOUT, f"compiler timed out after {timeout:g}s"
    if st.kind == proc.SIGNAL:
        return V.COMPILER_CRASH, f"compiler {st}" + (f": {first_line(diag)}" if diag.strip() else "")
    if st.code != 0 and ICE.search(diag):
        return V.COMPILER_CRASH, first_line(diag, prefer="internal compiler error") or f"compiler {st}"
    if st.code != 0:
        return V.COMPILE_ERROR, first_line(diag) or f"compiler {st} with no diagnostics"
    if not os.path.isfile(exe):
        return V.COMPILE_ERROR, "compiler exited 0 but wrote no executable"
    return None


def unusable_run(run: ProcResult, timeout: float) -> str | None:
    """Why a reference run cannot be an oracle (None: it can)."""
    st = run.status
    if st.kind == proc.TIMEOUT:
        return f"timed out after {timeout:g}s"
    if run.stdout_truncated:
        return f"printed more than {len(run.stdout)} bytes"
    if st.kind == proc.SIGNAL:
        return f"was {st}"
    if st.kind == proc.NOSTART:
        return f"could not start: {run.error}"
    return None


def compare(expected: ProcResult, got: ProcResult, timeout: float) -> tuple[V.Verdict, str]:
    """The candidate's run against the reference's: exit status, then stdout bytes."""
    st, ref_st = got.status, expected.status
    if st.kind == proc.TIMEOUT:
        return V.TIMEOUT, f"timed out after {timeout:g}s (reference: {ref_st} in {expected.duration:.2f}s)"
    if st.kind == proc.NOSTART:
        return V.CRASH, f"binary could not start: {got.error}"
    if got.stdout_truncated:
        return V.WRONG_OUTPUT, f"stdout exceeds {len(got.stdout)} bytes (reference printed {len(expected.stdout)})"
    if st.kind == proc.SIGNAL:
        # Torture tests call abort() when a computed value is wrong: the test's own check failed.
        own = ": the test's own check failed (abort)" if st.code == 6 else ""  # SIGABRT
        return V.CRASH, f"{st}{own} (reference: {ref_st})" + stderr_hint(got)
    if st != ref_st:
        return V.WRONG_EXIT, f"{st} (reference: {ref_st})" + stderr_hint(got)
    if got.stdout != expected.stdout:
        return V.WRONG_OUTPUT, describe_diff(expected.stdout, got.stdout)
    return V.PASS, ""


def stderr_hint(run: ProcResult) -> str:
    line = first_line(run.stderr)
    return f"; stderr: {clean(line, 120)}" if line else ""


def difference(a: ProcResult, b: ProcResult) -> str:
    """How two runs of the reference differ, in a few words."""
    if a.status != b.status:
        return f"{a.status} vs {b.status}"
    return describe_diff(a.stdout, b.stdout)


def through_shell(verdict: V.Verdict, reason: str, run: ProcResult) -> tuple[V.Verdict, str]:
    """A project test's command runs through sh, which reports its program's death as 128+N:
    a wrong exit of 128+N for a crash signal N is that crash."""
    if verdict is V.WRONG_EXIT and shell_signal(run):
        return V.CRASH, f"killed by {proc.signal_name(run.status.code - 128)} (the test's shell said {reason})"
    return verdict, reason


def shell_signal(run: ProcResult) -> bool:
    """The run's exit status is a shell's report of a crash signal (128+N)."""
    return run.status.kind == proc.EXIT and run.status.code - 128 in CRASH_SIGNALS
