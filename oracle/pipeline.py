"""Judging one case: reference first, then the candidate, then the comparison.

This is the one place a verdict is decided. The reference is built and run at
two opt levels and must agree with itself before the candidate is built at
all; a reference that fails or disagrees makes the case `ref-invalid` or
`unstable`, never a candidate failure. With the UB check on, the reference is
also built with sanitizers on x86_64, and a sanitizer report makes it `unstable`.
Generated cases (csmith, hypothesis) get their program here, just in time.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import signal
import tempfile
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, evidence, judgements, proc, scratch
from .errors import Cancelled
from . import verdict as V
from .backends import Backend, open_backend
from .config import RunConfig
from .model import Case, source_files
from .record import REF_BUILT, REF_CACHED, REF_STALE, RUN_REUSED, CaseRecord
from .errors import GenerationFailed, InfraError
from .suites import open_generator
from .suites.generated import Programs, materialise, seed_of
from .suites.kinds import kind_of
from .projects import judging as projects
from .proc import ProcResult, Status
from .targets import HOST_ARCH, TARGETS
from .text import clean, describe_diff
from .toolchain import first_line

GiB = 1 << 30
# Not alignment: csmith's packed structs make misaligned accesses that both arches perform fine,
# and a check that rejects them would drop ~2% of csmith programs for nothing.
SANITIZE = ("-fsanitize=undefined,address", "-fno-sanitize=alignment", "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer", "-g")
# Leaks are not undefined behaviour; the rest stops at the first report.
SANITIZER_OPTIONS = {"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0:exitcode=86",
                     "UBSAN_OPTIONS": "print_stacktrace=0:exitcode=86"}
SANITIZER_EXIT = 86
_SANITIZER_LINE = re.compile(rb"runtime error: .*|ERROR: AddressSanitizer: .*|SUMMARY: \w+Sanitizer: .*")
_TRANSIENT = (errno.EAGAIN, errno.ENOMEM, errno.EMFILE, errno.ENFILE)
# Why a binary the reference built cannot start that says nothing about the test.
_MACHINE = (errno.EACCES, errno.EPERM, errno.ENOEXEC, errno.ENOENT, errno.ELIBBAD, errno.ENOTDIR)


# A compiler that dies this way reports it in text, through a driver that exits with an error.
# Only the compiler's own messages count: a line that starts with its prefix ("gcc: ", "cc1: ",
# "file.c:3:1: ") and says so, or clang's crash banner. Echoed source lines never match: GCC
# indents them behind a `|` gutter, and a location is followed by "warning:"/"error:" first.
_ICE = re.compile(rb"^(?:[^\s:|][^:\n]*:(?:\d+:){0,2} )?internal compiler error\b"
                  rb"|^[^\s:|][^:\n]*: (?:error|fatal error): [^\n]*\bfailed due to signal\b"
                  rb"|^PLEASE submit a bug report", re.M)
# What a project case's reason says when its failure goes away with an unlimited stack.
STACK_HINT = "exits as GCC's build does with an unlimited stack"
# Every reference outcome this code stores depends on how binaries are run (./prog in a fresh
# folder, the rerun of a status other than 0): part of the cache key, so older entries are not used.
_RUN_STYLE = "run=prog-v1"


@dataclass(slots=True)
class RefOutcome:
    """The reference's answer for one (test, arch): what to expect, or why there is none."""

    verdict: V.Verdict | None  # None: usable; else REF_INVALID or UNSTABLE
    reason: str = ""
    builds: list[ProcResult] = field(default_factory=list)
    runs: list[ProcResult] = field(default_factory=list)
    cacheable: bool = True  # False when a timeout decided it: that may not happen again
    from_cache: bool = False
    timed_out: bool = False  # ref-invalid because a reference build ran past its timeout
    key: str | None = None  # its reference-cache key (the sources hashed once), when there is a cache
    # Why its exit status cannot decide a failure ("": checked, it holds); None: not checked yet.
    status_varies: str | None = None

    def to_json(self) -> dict:
        return {"verdict": self.verdict.name if self.verdict else None, "reason": self.reason,
                "builds": [cache.result_to_json(b, False) for b in self.builds],
                "runs": [cache.result_to_json(r, i == 0) for i, r in enumerate(self.runs)]}

    @classmethod
    def from_json(cls, d: dict) -> "RefOutcome":
        return cls(V.by_name(d["verdict"]) if d["verdict"] else None, d["reason"],
                   [cache.result_from_json(b) for b in d["builds"]], [cache.result_from_json(r) for r in d["runs"]],
                   from_cache=True)

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
    stale_cache: bool = False  # the cached reference outcome disagreed with a fresh one (and was replaced)
    reused_run: bool = False  # the judgement of a byte-identical candidate executable was reused (not run)
    culprits: list[str] = field(default_factory=list)  # project cases: the TUs bisection blames
    project: dict | None = None  # project cases: what the case folder needs (repro, bisection log)
    stack_hint: bool = False  # project cases: the test passes with an unlimited stack
    signal: str = ""  # the signal that killed the program when no status says it (a test's shell's 128+N)

    def record(self, case: Case | None = None) -> CaseRecord:
        """The case's record; `case`: the case as the suite made it, when this result's case is a
        materialised or shrunk program (a record names what can be judged again)."""
        if self.stale_cache:
            origin = REF_STALE  # says a cache entry was wrong: worth a look
        elif self.ref is not None:
            origin = REF_CACHED if self.ref.from_cache else REF_BUILT
        else:
            origin = None
        made = case or self.case
        ev = evidence.of(self.case.sources, made.sources, made.test, self.verdict,
                         self.reason if self.verdict in evidence.DIAG_VERDICTS else "", self.run,
                         signal=self.signal, stack_hint=self.stack_hint)
        return CaseRecord(made, self.verdict, clean(self.reason, 500), self.duration, origin,
                          tuple(self.culprits), candidate_run=RUN_REUSED if self.reused_run else None, evidence=ev)


def compile_argv(compiler: tuple[str, ...], opt: list[str], case: Case, sources, exe: str) -> list[str]:
    """The one way a test is compiled, by the reference or the candidate, here or in repro.sh."""
    return [*compiler, *opt, *case.flags, *sources, "-o", exe, "-lm"]


def run_argv(emulator: tuple[str, ...], exe: str) -> list[str]:
    return [*emulator, exe]


def _binary_argv(emulator: tuple[str, ...]) -> list[str]:
    """How the Judge runs a binary: as ./prog in its own folder, whatever it was built as (proc.run
    copies it there, named by _binary_env), so the reference's and the candidate's binaries see
    the same argv[0] and path."""
    return [*emulator, f"./{proc.PROGRAM}"]


def _binary_env(exe: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A binary's environment: the binary to run as ./prog (proc.run takes the name out), and its
    own fresh folder (its cwd, as "." so that every binary's environment is the same size) as
    TMPDIR, never a folder another run wrote in."""
    return proc.child_env(**(extra or {}), TMPDIR=".", **{proc.PROGRAM_ENV: exe})


def _private_sources(case: Case, work: Path) -> list[str]:
    """A fresh copy of the test's sources and the headers they include (quoted #includes keep
    their relative places), in work/src, for one compile: a compiler that rewrites its input
    changes its own copy, never the suite (nor what the next compile and the case folder see).
    Paths are relative to work (the compile's folder), so diagnostics name `src/...` everywhere."""
    dest = work / "src"
    if dest.exists():
        shutil.rmtree(dest)
    files = [(os.path.normpath(path), data) for path, data in source_files(case.sources) if data is not None]
    if not files:
        return list(case.sources)  # nothing readable: the compiler says so about the originals
    base = os.path.commonpath([os.path.dirname(p) for p, _ in files])
    placed: dict[str, str] = {}
    for path, data in files:
        rel = os.path.join("src", os.path.relpath(path, base))
        target = work / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        placed[path] = rel
    return [placed.get(os.path.normpath(s), s) for s in case.sources]


class Judge:
    """Judges cases one at a time in a private scratch folder; one per worker."""

    REF_MEMO = 16  # reference outcomes kept, so a test's other opt levels reuse them
    reuse_judgements = True  # False: every candidate executable runs (gate reruns: flakiness is the question)

    def __init__(self, cfg: RunConfig, scratch_parent: str | None = None):
        self.cfg = cfg
        self.backend: Backend = open_backend(cfg)
        self.root = Path(tempfile.mkdtemp(prefix=scratch.prefix(cfg.run_id),
                                          dir=scratch_parent or self.backend.scratch_parent()))
        self._lock = scratch.hold(self.root)  # a run that dies leaves it unlocked: the next run removes it
        self._refs: OrderedDict[tuple, RefOutcome] = OrderedDict()
        self._ub: OrderedDict[tuple, tuple] = OrderedDict()  # per program, whatever the arch
        self._too_slow: dict[tuple, str] = {}  # generated programs whose reference timed out -> on which arch
        self._programs: dict[str, Programs] = {}
        self._seq = 0
        self._cache: cache.Cache | None = None
        self.backend.start(self.root)
        self.cancel = threading.Event()  # set from another thread: no new process starts

    def close(self) -> None:
        for programs in self._programs.values():
            programs.close()
        shutil.rmtree(self.root, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
        if self._cache is not None:
            self._cache.close()
        self.backend.close()

    def prefetch(self, case: Case) -> None:
        """Start generating a generated case's program in the background (the next case, usually)."""
        if kind_of(case.suite).generated and not case.sources:
            self._programs_for(case.suite).prefetch(seed_of(case))

    def _programs_for(self, suite: str) -> Programs:
        if suite not in self._programs:
            self._programs[suite] = Programs(open_generator(suite, self.cfg.gen), self.root / f"programs-{suite}")
        return self._programs[suite]

    def judge(self, case: Case) -> Result:
        start = time.monotonic()
        try:
            res = self._judge(case)
        except InfraError as exc:  # the machine or oracle's tools: the error says which
            res = Result(case, V.INFRA_ERROR, str(exc), traceback=traceback.format_exc())
        except Exception as exc:  # oracle's own failure: reported, and the run goes on
            res = Result(case, V.INFRA_ERROR, f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
        self.backend.tidy(self.root)
        res.duration = time.monotonic() - start
        return res

    # ------------------------------------------------------------------ steps

    def _judge(self, case: Case) -> Result:
        if case.unsupported:
            return Result(case, V.UNSUPPORTED, case.unsupported)
        kind = kind_of(case.suite)
        if kind.project:
            return self._judge_project(case)
        if kind.generated and not case.sources:
            try:
                case = materialise(case, self._programs_for(case.suite))
            except GenerationFailed as exc:
                return Result(case, V.REF_INVALID, f"no program: {exc}")
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
            run, verdict, reason, reused = self._run_candidate(case, ref, exe, work)
            stale = False
            if verdict.is_failure and ref.from_cache:
                # A failure is never decided on a stored answer alone: the reference is run
                # again, and the fresh outcome replaces the stored one.
                stored, ref = ref, self._cached_reference(case, refresh=True)
                self._refs[(case.group, case.sources)] = ref
                stale = ref.verdict is not None or (stored.expected.status, stored.expected.stdout) != (
                    ref.expected.status, ref.expected.stdout)
                if ref.verdict is not None:
                    return Result(case, ref.verdict, ref.reason, ref=ref, build=build, run=run, stale_cache=stale)
                if stale:  # judged against a wrong expectation: run it for real against the fresh one
                    run, verdict, reason, reused = self._run_candidate(case, ref, exe, work)
            if verdict is V.WRONG_EXIT:
                varies = self._status_varies(case, ref, work)
                if varies:
                    return Result(case, V.UNSTABLE, varies, ref=ref, build=build, run=run, stale_cache=stale)
            return Result(case, verdict, reason, ref=ref, build=build, run=run, stale_cache=stale,
                          reused_run=reused)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    STATUS_RUNS = 12  # reruns of the reference before a wrong exit status counts against the candidate

    def _status_varies(self, case: Case, ref: RefOutcome, work: Path) -> str:
        """Why the reference's exit status proves nothing ("" when it held over STATUS_RUNS more
        runs). An exit status can depend on an address (`return (uintptr_t)&x >> 12 & 1`) while
        the -O0/-O2 runs agree by chance; the reference is built again and run with address
        randomisation on and its environment (so its stack) growing a page at a time (qemu has
        no randomisation). Only a would-be wrong-exit pays for it, once per test and arch."""
        if ref.status_varies is not None:
            return ref.status_varies
        ref.status_varies = ""
        level = case.ref_opts[-1]
        exe = str(work / f"ref{level}-again")
        build = self._compile(self.cfg.references[case.arch].argv, level.split(), case, exe,
                              self.cfg.ref_compile_timeout, work)
        if classify_build(build, exe, self.cfg.ref_compile_timeout):
            return ""  # built once, not now: nothing learnt, the verdict stands
        for k in range(self.STATUS_RUNS):
            again = self._execute(case, exe, work, env={"ORACLE_RERUN": "x" * (100 + 1500 * k)},
                                  timeout=self._ref_run_timeout(case))
            if (again.status, again.stdout) != (ref.expected.status, ref.expected.stdout):
                ref.status_varies = (f"reference {level}'s exit status changes from run to run "
                                     f"({ref.expected.status}, then {again.status} on run {k + 2}): "
                                     "it depends on addresses or time, so a wrong exit proves nothing")
                break
        return ref.status_varies

    def _run_candidate(self, case: Case, ref: RefOutcome, exe: str, work: Path) -> tuple:
        """(run, verdict, reason, reused): the candidate's executable run and compared, or the
        judgement of a byte-identical executable against the same reference outcome reused."""
        jkey = self._judgement_key(case, ref, exe)
        store = self._open_cache() if jkey is not None else None
        if store is not None:
            data = store.get(jkey)
            hit = judgements.from_json(data) if isinstance(data, dict) else None
            if hit is not None:
                return hit[2], hit[0], hit[1], True
        try:
            run = self._execute(case, exe, work)
            verdict, reason = compare(ref.expected, run, self._run_timeout(case))
        except BaseException:
            if store is not None:
                store.release(jkey)  # a shared cache: agents waiting for this key judge it themselves
            raise
        if store is not None:
            if judgements.storable(verdict, run):
                store.put(jkey, judgements.to_json(verdict, reason, run))
            else:
                store.release(jkey)
        return run, verdict, reason, False

    def _judgement_key(self, case: Case, ref: RefOutcome, exe: str) -> str | None:
        """The key of the executable's judgement, or None when judgements are not reused."""
        if not (ref.key and self.reuse_judgements and ref.runs):
            return None
        digest = judgements.exe_digest(exe)
        if digest is None:
            return None
        return judgements.key(digest, ref.key, ref.expected, self._run_timeout(case),
                              self.cfg.stdout_limit)

    def _reference(self, case: Case) -> RefOutcome:
        key = (case.group, case.sources)  # a shrunk program is another program under the same name
        if key in self._refs:
            self._refs.move_to_end(key)
            return self._refs[key]
        program = (case.suite, case.test, case.sources)
        slow_on = self._too_slow.get(program)
        if slow_on is not None and kind_of(case.suite).generated and slow_on != case.arch:
            # A generated program is the same computation on every arch: one that ran past the
            # reference's timeout on one arch is not run again (up to 20 s under qemu) on another.
            outcome = RefOutcome(V.REF_INVALID, f"reference timed out on {slow_on}: too slow to be a test "
                                 "(not run again on this arch)", cacheable=False)
        else:
            outcome = self._cached_reference(case)
        if outcome.timed_out:
            self._too_slow[program] = case.arch
            if len(self._too_slow) > self.REF_MEMO:
                self._too_slow.pop(next(iter(self._too_slow)))
        self._refs[key] = outcome
        if len(self._refs) > self.REF_MEMO:
            self._refs.popitem(last=False)
        return outcome

    def _open_cache(self):
        if self._cache is None:
            self._cache = cache.open_cache(self.cfg.cache_path, self.cfg.out_dir)
        return self._cache

    def _reference_key(self, case: Case) -> str:
        ref, emu = self.cfg.references[case.arch], self.cfg.emulators[case.arch]
        settings = (f"sandbox={self.cfg.sandbox} ub_check={self.cfg.ub_check} backend={self.cfg.backend} "
                    f"image={json.dumps(self.cfg.images.get(case.arch), sort_keys=True)} {_RUN_STYLE}")
        return cache.reference_key(case, cache.toolchain_identity(ref.argv, ref.version), emu.argv, emu.version,
                                   self._ref_run_timeout(case), self.cfg.stdout_limit, settings)

    def prefetch_references(self, cases: list[Case]) -> None:
        """Ask a remote cache for these cases' reference outcomes in one batch (a warm run then
        makes one round trip, not one per case); a local cache ignores it."""
        if self.cfg.cache_path and cache.is_remote(self.cfg.cache_path):
            groups = {c.group: c for c in cases if c.sources and not c.unsupported and not kind_of(c.suite).project}
            self._open_cache().prefetch([self._reference_key(c) for c in groups.values()])

    def _cached_reference(self, case: Case, refresh: bool = False) -> RefOutcome:
        if not self.cfg.cache_path:
            return self._build_reference(case)
        store = self._open_cache()
        key = self._reference_key(case)
        data = None if refresh else store.get(key)
        if data is not None:
            try:
                outcome = RefOutcome.from_json(data)
                outcome.key = key
                return outcome
            except (KeyError, TypeError, ValueError):
                pass  # an entry of the right checksum but the wrong shape: recompute
        outcome = self._build_reference(case)
        outcome.key = key
        if outcome.cacheable:
            store.put(key, outcome.to_json())
        else:
            store.release(key)  # a shared cache: the other agents waiting for it build it themselves
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
                run = self._execute(case, exe, work, timeout=self._ref_run_timeout(case))
                ref.runs.append(run)
                if run.status.kind == proc.NOSTART and run.status.code in _MACHINE:
                    # GCC's own binary cannot start: the machine is at fault (a loader, the
                    # sandbox, /dev/null), not the test; no case here can be judged.
                    raise InfraError(f"the reference's {level} binary could not start: {run.error}"
                                     f" ({machine_hint()})")
                why = _unusable_run(run, self._ref_run_timeout(case))
                if why:
                    ref.timed_out = run.status.kind == proc.TIMEOUT
                    ref.cacheable = run.status.kind not in (proc.TIMEOUT, proc.NOSTART)
                    return _invalid(ref, f"reference {level} {why}")
            first, *others = ref.runs
            for level, run in zip(case.ref_opts[1:], others):
                if run.status != first.status or run.stdout != first.stdout:
                    ref.verdict = V.UNSTABLE
                    ref.reason = f"reference {case.ref_opts[0]} and {level} disagree: " + _difference(first, run)
                    return ref
            if first.stdout or first.status != Status(proc.EXIT, 0):
                # Output that changes from run to run (addresses, time) is no oracle either. A
                # longer environment moves the stack, which also exposes printed addresses
                # under qemu, where there is no address randomisation. An exit status is checked
                # the same way unless it is 0 with no output: a self-checking test's "ok" (all of
                # the torture suite), where one more run per test would cost up to a fifth more
                # time under qemu for nothing it prints.
                again = self._execute(case, str(work / f"ref{case.ref_opts[-1]}"), work,
                                      env={"ORACLE_RERUN": "x" * 200}, timeout=self._ref_run_timeout(case))
                if again.status != ref.runs[-1].status or again.stdout != ref.runs[-1].stdout:
                    ref.cacheable = again.status.kind != proc.TIMEOUT
                    ref.verdict = V.UNSTABLE
                    ref.reason = "reference output changes from run to run: " + _difference(ref.runs[-1], again)
                    return ref
            if self.cfg.ub_check:
                why = self._ub_verdict(case, first)
                if why:
                    ref.verdict, ref.reason = V.UNSTABLE, why
            return ref
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _ub_verdict(self, case: Case, expected: ProcResult) -> str | None:
        """Why the sanitizer build says the program is not well-defined C; None when it is clean."""
        key = (case.suite, case.test, case.sources)  # one x86_64 build serves every arch of a program
        if key not in self._ub:
            self._ub[key] = self._sanitize(case)
            if len(self._ub) > self.REF_MEMO:
                self._ub.popitem(last=False)
        fired, run = self._ub[key]
        if fired or run is None:
            return fired
        if HOST_ARCH == case.arch and (run.status != expected.status or run.stdout != expected.stdout):
            return "UB check: the sanitized build disagrees with the reference: " + _difference(expected, run)
        return None

    def _sanitize(self, case: Case) -> tuple[str | None, ProcResult | None]:
        """The program built with sanitizers on the host and run: (why it fired, or None; the run,
        or None when there is nothing to learn from it)."""
        work = self._workdir()
        try:
            exe = str(work / "ref-ub")
            self._check()
            argv = compile_argv(self.cfg.ub_reference, ["-O1", *SANITIZE], case, _private_sources(case, work), exe)
            # Built and run where every other build and binary is (the backend, its sandbox):
            # the program is no less hostile for being built with sanitizers.
            build = _started(self.backend.run, argv, arch=HOST_ARCH, timeout=self.cfg.ref_compile_timeout,
                             cwd=str(work), stdout_limit=64 * 1024, kill_on_stdout_overflow=False,
                             limits=proc.Limits(file_size=1 * GiB), env=_compile_env(work))
            if classify_build(build, exe, self.cfg.ref_compile_timeout):
                return None, None  # no sanitizer build (a test using what the sanitizers reject): nothing learnt
            cwd = self.backend.run_folder(work, "run")
            self._check()
            # Sanitized code is slower, and ASan reserves terabytes of address space: no RLIMIT_AS.
            timeout = 3 * self.cfg.ref_run_timeout * case.timeout_factor
            kw = dict(timeout=timeout, cwd=cwd, stdout_limit=self.cfg.stdout_limit,
                      limits=proc.Limits(file_size=64 << 20), env=_binary_env(exe, SANITIZER_OPTIONS))
            run = _started(self.backend.run_binary, _binary_argv(()), arch=HOST_ARCH, **kw)
            report = _SANITIZER_LINE.search(run.stderr)
            if run.status == Status(proc.EXIT, SANITIZER_EXIT) or report:
                line = report.group(0).decode(errors="replace") if report else f"sanitized build {run.status}"
                return f"UB check: the sanitizer fired: {clean(line, 200)}", run
            if run.status.kind == proc.TIMEOUT:
                return None, None  # too slow under the sanitizers to tell: the -O0/-O2 agreement stands
            return None, run
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _check(self) -> None:
        if self.cancel.is_set():
            raise Cancelled("the run was stopped")

    def _compile(self, compiler, opt, case, exe, timeout, work) -> ProcResult:
        self._check()
        sources = _private_sources(case, work)
        return _started(self.backend.run, compile_argv(compiler, opt, case, sources, exe), arch=case.arch,
                        timeout=timeout, cwd=str(work), stdout_limit=64 * 1024, kill_on_stdout_overflow=False,
                        limits=proc.Limits(file_size=1 * GiB), env=_compile_env(work))

    def _execute(self, case: Case, exe: str, work: Path, env: dict | None = None,
                 timeout: float | None = None) -> ProcResult:
        """Run exe (env: variables to add to the usual environment) in a fresh folder."""
        self._check()
        cwd = self.backend.run_folder(work, f"run{self._next()}")
        emulator = self.cfg.emulators[case.arch].argv
        limits = proc.Limits(address_space=4 * GiB, file_size=64 << 20)  # 4 GiB leaves qemu room
        kw = dict(timeout=timeout or self._run_timeout(case), cwd=cwd, stdout_limit=self.cfg.stdout_limit,
                  limits=limits, env=_binary_env(exe, env))
        return _started(self.backend.run_binary, _binary_argv(emulator), arch=case.arch, **kw)

    # ------------------------------------------------------------ project cases

    def _judge_project(self, case: Case) -> Result:
        """A project test: the reference build (once, cached) and its two runs of the test, the
        candidate's build (once per run), its run, the comparison; a failure is bisected to TUs."""
        self._check()
        if self.cfg.backend != "local":
            return Result(case, V.UNSUPPORTED, "project cases build and run with --backend local only (so far)")
        p = projects.ProjectCase.of(case, self.cfg, self.root)
        ref_build = p.reference_build()
        if not ref_build.ok:
            return Result(case, V.REF_INVALID, f"the reference does not build the project: {p.why(ref_build)}")
        runs, from_cache = p.reference_runs()
        ref = RefOutcome(None, runs=list(runs), from_cache=from_cache)
        why = _unusable_run(runs[0], p.timeout)
        if why:
            return Result(case, V.REF_INVALID, f"reference test {why}", ref=ref)
        if (runs[0].status, runs[0].stdout) != (runs[1].status, runs[1].stdout):
            return Result(case, V.UNSTABLE, "the reference's two runs disagree: " + _difference(runs[0], runs[1]),
                          ref=ref)
        self._check()
        build = p.candidate_build()
        if not build.ok:
            verdict, reason = _project_build_verdict(build, p, p.tools.compile_timeout)
            log = ((build.failed_tu or {}).get("stderr", "") + "\n" + build.log_tail).encode()
            shown = ProcResult(("sh", "-c", p.recipe.configure if build.stage == "configure" else p.recipe.build),
                               Status.from_json(build.status), stderr=log)
            return Result(case, verdict, reason, ref=ref, build=shown)
        run = p.candidate_run()
        verdict, reason = compare(ref.expected, run, p.timeout)
        if verdict == V.WRONG_EXIT and run.status.kind == proc.EXIT and run.status.code - 128 in _CRASH_SIGNALS:
            # A test's command runs through sh, which reports its program's death as 128+N.
            verdict = V.CRASH
            reason = f"killed by {proc.signal_name(run.status.code - 128)} (the test's shell said {reason})"
        stale = False
        if verdict.is_failure and from_cache:
            # As for every case: a failure is never decided on a stored reference answer alone.
            fresh, _ = p.reference_runs(refresh=True)
            stale = (fresh[0].status, fresh[0].stdout) != (runs[0].status, runs[0].stdout)
            ref = RefOutcome(None, runs=list(fresh))
            if (fresh[0].status, fresh[0].stdout) != (fresh[1].status, fresh[1].stdout):
                return Result(case, V.UNSTABLE, "the reference's two runs disagree: " + _difference(*fresh),
                              ref=ref, stale_cache=stale)
            verdict, reason = compare(ref.expected, run, p.timeout)
        if verdict == V.WRONG_EXIT and run.status.kind == proc.EXIT and run.status.code - 128 in _CRASH_SIGNALS:
            # A test's command runs through sh, which reports its program's death as 128+N.
            verdict = V.CRASH
            reason = f"killed by {proc.signal_name(run.status.code - 128)} (the test's shell said {reason})"
        stack = (verdict == V.CRASH or verdict == V.WRONG_EXIT and bool(_CAUGHT_CRASH.search(run.stderr))) \
            and p.crash_is_stack(ref.expected)
        if stack:
            # A test script may catch its program's crash and exit 1 (pcre2's RunTest does): its
            # shell or qemu still says so on stderr; any other wrong exit costs no second run.
            reason += f" ({STACK_HINT}: the candidate's code uses far more stack)"
        shell_signal = run.status.kind == proc.EXIT and run.status.code - 128 in _CRASH_SIGNALS
        res = Result(case, verdict, reason, ref=ref, run=run, stale_cache=stale, stack_hint=stack,
                     signal=proc.signal_name(run.status.code - 128) if verdict == V.CRASH and shell_signal else "")
        if verdict.is_failure:
            self._check()
            res.culprits, res.project = p.bisect(ref.expected)
            if res.culprits:
                res.reason += f" (culprit TUs: {' + '.join(res.culprits)})"
            elif res.project.get("broken_steps"):
                res.reason += f" (no culprit TU: {res.project['broken_steps']} mixed builds did not build)"
            others = [" + ".join(s) for s in res.project.get("other_culprit_sets", [])]
            if others:
                res.reason += f" (also differs with only {'; '.join(others)} by the candidate: another failure)"
        return res

    def _run_timeout(self, case: Case) -> float:
        return self.cfg.run_timeout * TARGETS[case.arch].slowdown * case.timeout_factor

    def _ref_run_timeout(self, case: Case) -> float:
        limit = min(self.cfg.ref_run_timeout, self.cfg.run_timeout)
        return limit * TARGETS[case.arch].slowdown * case.timeout_factor

    def _workdir(self) -> Path:
        # By a name nobody can guess: a compiler's TMPDIR is the last one, and a candidate that
        # made the next folders first (w2, w3, ...) would turn every later case into infra-error.
        path = tempfile.mkdtemp(prefix=f"w{self._next()}-", dir=self.root)
        os.chmod(path, 0o755)  # as mkdir made it: a sandboxed binary's uid reads its executable here
        return Path(path)

    def _next(self) -> int:
        self._seq += 1
        return self._seq


def _compile_env(work: Path) -> dict[str, str]:
    # The compiler's temporary files go to the case's folder: a compiler killed by its
    # timeout (or by a stopped run) leaves nothing in /tmp.
    return proc.child_env(TMPDIR=str(work))


_CRASH_SIGNALS = (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT)
# What a shell (or qemu) prints when a program it ran died of a signal.
_CAUGHT_CRASH = re.compile(rb"Segmentation fault|Bus error|Illegal instruction|Aborted|core dumped|"
                           rb"uncaught target signal")


def _project_build_verdict(build, p, timeout: float) -> tuple[V.Verdict, str]:
    """The candidate failing to build a project: a TU it failed on, judged like a one-file compile
    (crash, ICE, timeout, error), or the stage that failed without one. The candidate's build goes
    on past the TUs it rejects (the reference compiles them), so all are known: the project's
    tests take them in turn (the k-th test in the recipe names the k-th TU, by path, cycling), so
    each rejected TU leads some case and a distinct failure gets its own cluster."""
    tu, rejected = build.failed_tu, build.rejected
    if rejected:
        tu = rejected[[t.name for t in p.recipe.tests].index(p.test.name) % len(rejected)]
    if tu is not None:
        st = tu["status"]
        status = (Status(proc.TIMEOUT) if st == "timeout" else
                  Status(proc.SIGNAL, -st) if isinstance(st, int) and st < 0 else Status(proc.EXIT, int(st)))
        got = ProcResult((), status, stderr=tu.get("stderr", "").encode())
        verdict, reason = classify_build(got, "", timeout)
        others = [e["tu"] for e in rejected if e["tu"] != tu["tu"]]
        more = f" (the candidate also rejects {len(others)} more TU{'s' * (len(others) > 1)}: {', '.join(others[:5])}" \
               f"{', …' if len(others) > 5 else ''})" if others else ""
        return verdict, f"{tu['tu']}: {reason}{more}"
    if build.status[0] == proc.TIMEOUT:
        return V.COMPILE_TIMEOUT, f"the project's {build.stage} timed out"
    return V.COMPILE_ERROR, f"the project's {build.stage} failed: {p.why(build)}"


def machine_hint() -> str:
    """What on this machine stops binaries from starting, as far as oracle can tell."""
    try:
        st = os.stat(os.devnull)
    except OSError as exc:
        return f"{os.devnull}: {exc.strerror}; restore it: mknod -m 666 {os.devnull} c 1 3"
    if not stat.S_ISCHR(st.st_mode) or (st.st_mode & 0o666) != 0o666:
        return (f"{os.devnull} is not a character device writable by every user (mode {stat.filemode(st.st_mode)}): "
                f"restore it: rm {os.devnull}; mknod -m 666 {os.devnull} c 1 3")
    return "the machine's fault, not the test's: check the sandbox (--sandbox none to compare), the loader, noexec mounts"


def _started(runner, argv, **kw) -> ProcResult:
    """runner(argv, ...), tried again when the machine had no process or memory to start it:
    that is not the program's fault, and if it lasts the case is oracle's (infra-error)."""
    for attempt in range(3):
        res = runner(argv, **kw)
        if not (res.status.kind == proc.NOSTART and res.status.code in _TRANSIENT):
            return res
        time.sleep(0.2 * (attempt + 1))
    raise InfraError(f"could not start {argv[0]}: {res.error} (the machine is out of processes or memory)")


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
    if st.code != 0 and _ICE.search(diag):
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
        # Torture tests call abort() when a computed value is wrong: the test's own check failed.
        own = ": the test's own check failed (abort)" if st.code == 6 else ""  # SIGABRT
        return V.CRASH, f"{st}{own} (reference: {ref_st})" + _stderr_hint(got)
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
