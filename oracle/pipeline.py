"""Judging one case: reference first, then the candidate, then the comparison.

This is the one place a verdict is decided. The reference is built and run at
two opt levels and must agree with itself before the candidate is built at
all; a reference that fails or disagrees makes the case `ref-invalid` or
`unstable`, never a candidate failure.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from . import proc
from . import verdict as V
from .backends import Backend, open_backend
from .config import RunConfig
from .model import Case
from .proc import ProcResult, Status
from .targets import TARGETS
from .text import clean, describe_diff
from .toolchain import first_line

GiB = 1 << 30
RERUN_ENV = {**proc.ENV, "ORACLE_RERUN": "x" * 200}
# A compiler that dies this way reports it in text, through a driver that exits normally.
_ICE = re.compile(rb"internal compiler error|failed due to signal|PLEASE submit a bug report")


@dataclass(slots=True)
class RefOutcome:
    """The reference's answer for one (test, arch): what to expect, or why there is none."""

    verdict: V.Verdict | None  # None: usable; else REF_INVALID or UNSTABLE
    reason: str = ""
    builds: list[ProcResult] = field(default_factory=list)
    runs: list[ProcResult] = field(default_factory=list)

    @property
    def expected(self) -> ProcResult:
        return self.runs[0]


@dataclass(slots=True)
class Result:
    case: Case
    verdict: V.Verdict
    reason: str
    duration: float = 0.0
    ref: RefOutcome | None = None
    build: ProcResult | None = None
    run: ProcResult | None = None
    traceback: str = ""

    def record(self) -> dict:
        return {**self.case.record(), "verdict": self.verdict.name, "reason": clean(self.reason, 500),
                "duration_s": round(self.duration, 4)}


def compile_argv(compiler: tuple[str, ...], opt: list[str], case: Case, sources, exe: str) -> list[str]:
    """The one way a test is compiled, by the reference or the candidate, here or in repro.sh."""
    return [*compiler, *opt, *case.flags, *sources, "-o", exe, "-lm"]


def run_argv(emulator: tuple[str, ...], exe: str) -> list[str]:
    return [*emulator, exe]


class Judge:
    """Judges cases one at a time in a private scratch folder; one per worker."""

    REF_MEMO = 16  # reference outcomes kept, so a test's other opt levels reuse them

    def __init__(self, cfg: RunConfig, scratch_parent: str | None = None, backend: Backend | None = None):
        self.cfg = cfg
        self.backend = backend or open_backend(cfg)
        self.root = Path(tempfile.mkdtemp(prefix="oracle-work-", dir=scratch_parent or self.backend.scratch_parent()))
        self._refs: OrderedDict[str, RefOutcome] = OrderedDict()
        self._seq = 0

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.backend.close()

    def judge(self, case: Case) -> Result:
        start = time.monotonic()
        try:
            res = self._judge(case)
        except Exception as exc:  # oracle's own failure: reported, and the run goes on
            res = Result(case, V.INFRA_ERROR, f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
        res.duration = time.monotonic() - start
        return res

    # ------------------------------------------------------------------ steps

    def _judge(self, case: Case) -> Result:
        if case.unsupported:
            return Result(case, V.UNSUPPORTED, case.unsupported)
        ref = self._reference(case)
        if ref.verdict is not None:
            return Result(case, ref.verdict, ref.reason, ref=ref)
        work = self._workdir()
        try:
            exe = str(work / "cand")
            build = self._compile(self.cfg.candidates[case.arch].argv, case.opt_argv, case, exe,
                                  self.cfg.compile_timeout, work)
            bad = classify_build(build, exe, self.cfg.compile_timeout)
            if bad:
                return Result(case, bad[0], bad[1], ref=ref, build=build)
            run = self._execute(case, exe, work)
            verdict, reason = compare(ref.expected, run, self._run_timeout(case))
            return Result(case, verdict, reason, ref=ref, build=build, run=run)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _reference(self, case: Case) -> RefOutcome:
        key = case.group
        if key in self._refs:
            self._refs.move_to_end(key)
            return self._refs[key]
        outcome = self._build_reference(case)
        self._refs[key] = outcome
        if len(self._refs) > self.REF_MEMO:
            self._refs.popitem(last=False)
        return outcome

    def _build_reference(self, case: Case) -> RefOutcome:
        ref = RefOutcome(None)
        compiler = self.cfg.references[case.arch].argv
        work = self._workdir()
        try:
            for level in case.ref_opts:
                exe = str(work / f"ref{level}")
                build = self._compile(compiler, level.split(), case, exe, self.cfg.ref_compile_timeout, work)
                ref.builds.append(build)
                bad = classify_build(build, exe, self.cfg.ref_compile_timeout)
                if bad:
                    return _invalid(ref, f"reference {level} does not build: {bad[1]}")
                run = self._execute(case, exe, work)
                ref.runs.append(run)
                why = _unusable_run(run, self._run_timeout(case))
                if why:
                    return _invalid(ref, f"reference {level} {why}")
            first, *others = ref.runs
            for level, run in zip(case.ref_opts[1:], others):
                if run.status != first.status or run.stdout != first.stdout:
                    ref.verdict = V.UNSTABLE
                    ref.reason = f"reference {case.ref_opts[0]} and {level} disagree: " + _difference(first, run)
                    return ref
            if first.stdout:
                # Output that changes from run to run (addresses, time) is no oracle either. A
                # longer environment moves the stack, which also exposes printed addresses
                # under qemu, where there is no address randomisation.
                again = self._execute(case, str(work / f"ref{case.ref_opts[-1]}"), work, env=RERUN_ENV)
                if again.status != ref.runs[-1].status or again.stdout != ref.runs[-1].stdout:
                    ref.verdict = V.UNSTABLE
                    ref.reason = "reference output changes from run to run: " + _difference(ref.runs[-1], again)
            return ref
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _compile(self, compiler, opt, case, exe, timeout, work) -> ProcResult:
        return self.backend.run(compile_argv(compiler, opt, case, case.sources, exe), arch=case.arch,
                                timeout=timeout, cwd=str(work), stdout_limit=64 * 1024,
                                kill_on_stdout_overflow=False, limits=proc.Limits(file_size=1 * GiB))

    def _execute(self, case: Case, exe: str, work: Path, env: dict | None = None) -> ProcResult:
        cwd = work / f"run{self._next()}"
        cwd.mkdir()
        emulator = self.cfg.emulators[case.arch].argv
        limits = proc.Limits(address_space=4 * GiB, file_size=64 << 20)  # 4 GiB leaves qemu room
        return self.backend.run(run_argv(emulator, exe), arch=case.arch, timeout=self._run_timeout(case),
                                cwd=str(cwd), stdout_limit=self.cfg.stdout_limit, limits=limits, env=env)

    def _run_timeout(self, case: Case) -> float:
        return self.cfg.run_timeout * TARGETS[case.arch].slowdown * case.timeout_factor

    def _workdir(self) -> Path:
        path = self.root / f"w{self._next()}"
        path.mkdir()
        return path

    def _next(self) -> int:
        self._seq += 1
        return self._seq


# ---------------------------------------------------------------- classification

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
    if _ICE.search(diag):
        return V.COMPILER_CRASH, first_line(diag, prefer="internal compiler error") or f"compiler {st}"
    if st.code != 0:
        return V.COMPILE_ERROR, first_line(diag) or f"compiler {st} with no diagnostics"
    if not os.path.isfile(exe):
        return V.COMPILE_ERROR, "compiler exited 0 but wrote no executable"
    return None


def _unusable_run(run: ProcResult, timeout: float) -> str | None:
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
        return V.CRASH, f"{st} (reference: {ref_st})" + _stderr_hint(got)
    if st != ref_st:
        return V.WRONG_EXIT, f"{st} (reference: {ref_st})" + _stderr_hint(got)
    if got.stdout != expected.stdout:
        return V.WRONG_OUTPUT, describe_diff(expected.stdout, got.stdout)
    return V.PASS, ""


def _stderr_hint(run: ProcResult) -> str:
    line = first_line(run.stderr)
    return f"; stderr: {clean(line, 120)}" if line else ""


def _difference(a: ProcResult, b: ProcResult) -> str:
    if a.status != b.status:
        return f"{a.status} vs {b.status}"
    return describe_diff(a.stdout, b.stdout)


def _invalid(ref: RefOutcome, reason: str) -> RefOutcome:
    ref.verdict, ref.reason = V.REF_INVALID, reason
    return ref


__all__ = ["Judge", "Result", "RefOutcome", "compare", "classify_build", "compile_argv", "run_argv", "Status"]
