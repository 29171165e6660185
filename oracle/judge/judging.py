"""Judging one case: reference first, then the candidate, then the comparison.

This is the one place a verdict is decided. A case's kind (judge/kinds.py) supplies the steps that
differ (a generated program is made first, a project test has its own builds); the Judge holds
what every kind shares: the rules of judge/classify.py, the reference cache, and the rule that a
failure is never decided on a stored reference answer alone (`against_fresh`). A program's
reference is built and run at two opt levels and must agree with itself before the candidate is
built at all; a reference that fails or disagrees makes the case `ref-invalid` or `unstable`,
never a candidate failure. With the UB check on, the reference is also built with sanitizers on
x86_64, and a sanitizer report makes it `unstable`.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import traceback
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from oracle.config.options import RunConfig
from oracle.config.targets import HOST_ARCH, TARGETS
from oracle.discover.suites import open_generator
from oracle.discover.suites.generated import Programs, seed_of
from oracle.infra import cache, proc, scratch
from oracle.judge import disasm
from oracle.infra.backends import Backend, open_backend
from oracle.infra.proc import ProcResult, Status
from oracle.judge import reuse
from oracle.judge.classify import classify_build, compare, difference, unusable_run
from oracle.judge.kinds import kind_of
from oracle.judge.metrics import text_bytes
from oracle.judge.outcome import RefOutcome, Result
from oracle.model import verdict as V
from oracle.model.case import Case, source_files
from oracle.model.errors import Cancelled, InfraError
from oracle.model.text import clean

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


# Every reference outcome this code stores depends on how binaries are run (./prog in a fresh
# folder, the rerun of a status other than 0): part of the cache key, so older entries are not used.
_RUN_STYLE = "run=prog-v1"


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


@contextmanager
def alone(cfg: RunConfig) -> Iterator["Judge"]:
    """A Judge for a command that judges a few cases by itself (oracle repro, check, a gate's
    reruns; cfg a run of its own, with a fresh run id): closed when done, and that run's scratch
    swept, a project's builds included (a run's end sweeps them; such a command is its own run)."""
    judge = Judge(cfg)
    try:
        yield judge
    finally:
        judge.close()
        scratch.sweep_run(cfg.run_id)


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
        self._disassemble = True  # a runtime failure's executable is disassembled (without_disassembly)
        self._cache: cache.Cache | None = None
        self.backend.start(self.root)
        self.cancel = threading.Event()  # set from another thread: no new process starts
        self.reuse_judgements = cfg.reuse_judgements

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
            self.programs_for(case.suite).prefetch(seed_of(case))

    def programs_for(self, suite: str) -> Programs:
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
        return kind_of(case.suite).judge(self, case)

    def judge_program(self, case: Case) -> Result:
        """The steps of a program case (a file's, or a generated one made): the reference at its
        opt levels, then the candidate's build and run against it, unless the same compiler's
        judgement of this case against this reference outcome is known (reuse.case_key)."""
        ref = self._reference(case)
        if ref.verdict is not None:
            return Result(case, ref.verdict, ref.reason, ref=ref)
        known = self._known_judgement(case, ref)
        if known is not None:
            verdict, reason, build, run, opinion, cand_disasm = known
            fresh, stale = self.against_fresh(ref, verdict, lambda: self._refreshed(case))
            if fresh.verdict is not None:
                return Result(case, fresh.verdict, fresh.reason, ref=fresh, stale_cache=stale)
            if not stale:
                return Result(case, verdict, reason, ref=fresh, build=build, run=run, reused_run=True,
                              reused_build=True, clang=opinion[0], ub=opinion[1],
                              disasm={"candidate": cand_disasm})  # "" when it has none: not built for it
            ref = fresh  # the stored reference was wrong: judged for real against the fresh one
        work = self._workdir()
        try:
            result = self._compiled_and_run(case, ref, work)
        except BaseException:
            key = self._case_key(case, ref)
            if key is not None:
                self._open_cache().release(key)  # a shared cache: agents waiting for it judge it themselves
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        self._remember_judgement(case, result)
        return result

    def _compiled_and_run(self, case: Case, ref: RefOutcome, work: Path) -> Result:
        exe = str(work / "cand")
        build = self._compile(self.cfg.candidates[case.arch].argv, case.opt_argv, case, exe,
                              self.cfg.compile_timeout, work)
        bad = classify_build(build, exe, self.cfg.compile_timeout)
        metrics: dict[str, float] = {"compile_s": round(build.duration, 4)}
        if bad:
            return Result(case, bad[0], bad[1], ref=ref, build=build, metrics=metrics)
        size = text_bytes(exe)
        if size is not None:
            metrics["text_bytes"] = size
        res = self._ran(case, ref, exe, work, build)
        if res.run is not None and not res.reused_run:
            metrics["run_s"] = round(res.run.duration, 4)
        res.metrics = metrics
        return res

    def _ran(self, case: Case, ref: RefOutcome, exe: str, work: Path, build: ProcResult) -> Result:
        """The candidate's executable run (or its judgement reused) and judged against ref."""
        run, verdict, reason, reused = self._run_candidate(case, ref, exe, work)
        ref, stale = self.against_fresh(ref, verdict, lambda: self._refreshed(case))
        if ref.verdict is not None:
            return Result(case, ref.verdict, ref.reason, ref=ref, build=build, run=run, stale_cache=stale)
        if stale:  # judged against a wrong expectation: run it for real against the fresh one
            run, verdict, reason, reused = self._run_candidate(case, ref, exe, work)
        if verdict is V.WRONG_EXIT:
            varies = self._status_varies(case, ref, work)
            if varies:
                return Result(case, V.UNSTABLE, varies, ref=ref, build=build, run=run, stale_cache=stale)
        clang, ub = self._second_look(case, ref, run, work) if verdict in V.COMPARED else ("", "")
        res = Result(case, verdict, reason, ref=ref, build=build, run=run, stale_cache=stale,
                     reused_run=reused, clang=clang, ub=ub)
        if verdict in V.COMPARED and self._disassemble:  # while the executable exists (disassembly())
            res.disasm["candidate"] = disasm.disassemble(exe, case.arch, case.sources) or ""  # "": tried
        return res

    @contextmanager
    def without_disassembly(self) -> Iterator[None]:
        """Judge without disassembling failures' executables (a shrink's many tries: only the
        program it keeps gets a folder, and disassembly() then builds it once)."""
        self._disassemble = False
        try:
            yield
        finally:
            self._disassemble = True

    def disassembly(self, res: Result) -> None:
        """A program's runtime failure, about to get its case folder: the reference's disassembly
        of the test's functions at the case's options, from the cache (reuse.disasm_key: made once
        per fleet) or from one more reference build, stored then. The candidate's came with its
        judgement (from its executable, or stored with a reused judgement, which is never compiled
        again for it); a program judged without_disassembly() is built once more for it here.
        Best effort: a build that fails or a missing objdump leaves a side out."""
        case = res.case
        if res.verdict not in V.COMPARED or res.project is not None or not case.sources or res.ref is None:
            return
        if "candidate" not in res.disasm:  # not tried while its executable existed
            code = self._disassembled(self.cfg.candidates[case.arch].argv, self.cfg.compile_timeout, case)[0]
            res.disasm["candidate"] = code or ""
        dkey = reuse.disasm_key(res.ref.key, tuple(case.opt_argv)) if res.ref.key and self.reuse_judgements else None
        store = self._open_cache() if dkey is not None else None
        if store is not None:
            data = store.get(dkey)
            if isinstance(data, dict) and isinstance(data.get("text"), str):
                res.disasm["reference"] = data["text"]
                return
        settled = False
        try:
            code, settled = self._disassembled(self.cfg.references[case.arch].argv, self.cfg.ref_compile_timeout, case)
            res.disasm["reference"] = code or ""
        finally:
            if store is not None:
                if settled:
                    store.put(dkey, {"text": res.disasm.get("reference", "")})
                else:
                    store.release(dkey)

    def _disassembled(self, compiler, timeout: float, case: Case) -> tuple[str | None, bool]:
        """(the test's functions as `compiler` builds them at the case's options, or None; whether
        the build settled it: no timeout or signal decided it)."""
        work = self._workdir()
        try:
            exe = str(work / "disasm")
            build = self._compile(compiler, case.opt_argv, case, exe, timeout, work)
            code = disasm.disassemble(exe, case.arch, case.sources) if classify_build(build, exe, timeout) is None else None
            return code, build.status.kind == proc.EXIT
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _second_look(self, case: Case, ref: RefOutcome, run: ProcResult, work: Path) -> tuple[str, str]:
        """A runtime failure looked at again: (how clang's build behaves: like the "candidate", the
        "reference" or "neither"; "" when clang cannot say), and the sanitizers' first report on the
        test ("" when they see nothing). When clang does what the candidate does, the test likely
        relies on a choice GCC makes (implementation-defined or undefined behaviour). Kept in the
        cache (reuse.look_key): the same failure of the same test is looked at once."""
        lkey = reuse.look_key(ref.key, ref.expected, tuple(case.opt_argv), self.cfg.clang, self.cfg.clang_version,
                              self.cfg.ub_reference, run) if ref.key and ref.runs and self.reuse_judgements else None
        store = self._open_cache() if lkey is not None else None
        if store is not None:
            data = store.get(lkey)
            if isinstance(data, dict) and isinstance(data.get("clang"), str) and isinstance(data.get("ub"), str):
                return data["clang"], data["ub"]
        try:
            clang, ub, settled = self._look(case, ref, run, work)
        except BaseException:
            if store is not None:
                store.release(lkey)
            raise
        if store is not None:
            if settled:
                store.put(lkey, {"clang": clang, "ub": ub})
            else:
                store.release(lkey)
        return clang, ub

    def _look(self, case: Case, ref: RefOutcome, run: ProcResult, work: Path) -> tuple[str, str, bool]:
        """(clang's opinion, the sanitizers' report, whether both are settled: no timeout decided them)."""
        clang, settled = "", True
        if self.cfg.clang:
            exe = str(work / "clang")
            target = () if TARGETS[case.arch].native else (f"--target={TARGETS[case.arch].cross_prefix.rstrip('-')}",)
            build = self._compile((*self.cfg.clang, *target, "-w"), case.opt_argv, case, exe,
                                  self.cfg.ref_compile_timeout, work)
            if classify_build(build, exe, self.cfg.ref_compile_timeout) is None:
                other = self._execute(case, exe, work)
                if other.status.kind != proc.TIMEOUT and not other.stdout_truncated:
                    seen = (other.status, other.stdout)
                    clang = "candidate" if seen == (run.status, run.stdout) else \
                        "reference" if seen == (ref.expected.status, ref.expected.stdout) else "neither"
                else:
                    settled = other.status.kind != proc.TIMEOUT
            else:
                settled = build.status.kind != proc.TIMEOUT
        ub = ""
        if self.cfg.ub_reference:
            key = (case.suite, case.test, case.sources)
            if key not in self._ub:
                self._ub[key] = self._sanitize(case)
                if len(self._ub) > self.REF_MEMO:
                    self._ub.popitem(last=False)
            ub = self._ub[key][0] or ""
        return clang, ub, settled

    def _case_key(self, case: Case, ref: RefOutcome) -> str | None:
        """The key of this compiler's judgement of the case, or None when none is reused."""
        identity = self.cfg.candidates[case.arch].identity
        if not (identity and ref.key and ref.runs and self.reuse_judgements):
            return None
        return reuse.case_key(identity, ref.key, ref.expected, tuple(case.opt_argv), self.cfg.compile_timeout,
                              self._run_timeout(case), self.cfg.stdout_limit, self.cfg.clang_version)

    def _known_judgement(self, case: Case, ref: RefOutcome):
        """(verdict, reason, build, run) of the same compiler's judgement of the case, or None."""
        key = self._case_key(case, ref)
        if key is None:
            return None
        data = self._open_cache().get(key)
        return reuse.case_from_json(data) if isinstance(data, dict) else None

    def _remember_judgement(self, case: Case, res: Result) -> None:
        key = self._case_key(case, res.ref) if res.ref is not None and res.ref.verdict is None else None
        if key is None:
            return
        store = self._open_cache()
        if reuse.case_storable(res.verdict, res.build, res.run):
            store.put(key, reuse.case_to_json(res.verdict, res.reason, res.build, res.run, (res.clang, res.ub),
                                              res.disasm.get("candidate", "")))
        else:
            store.release(key)

    @staticmethod
    def against_fresh(ref: RefOutcome, verdict: V.Verdict,
                      refresh: Callable[[], RefOutcome]) -> tuple[RefOutcome, bool]:
        """The rule every kind shares: a failure is never decided on a stored reference answer
        alone. For a failure found by comparing with a cached outcome (V.COMPARED: a compile
        failure is the candidate's own output, whatever the reference printed) the reference runs
        again (`refresh`) and the fresh outcome replaces the stored one. Returns the outcome to
        judge against and whether the stored one was wrong (then the candidate must be judged
        again against it)."""
        if not (verdict in V.COMPARED and ref.from_cache):
            return ref, False
        fresh = refresh()
        stale = fresh.verdict is not None or (ref.expected.status, ref.expected.stdout) != (
            fresh.expected.status, fresh.expected.stdout)
        return fresh, stale

    def _refreshed(self, case: Case) -> RefOutcome:
        """The reference built and run again, replacing what the cache and the memo held."""
        fresh = self._cached_reference(case, refresh=True)
        self._refs[(case.group, case.sources)] = fresh
        return fresh

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
            hit = reuse.from_json(data) if isinstance(data, dict) else None
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
            if reuse.storable(verdict, run):
                store.put(jkey, reuse.to_json(verdict, reason, run))
            else:
                store.release(jkey)
        return run, verdict, reason, False

    def _judgement_key(self, case: Case, ref: RefOutcome, exe: str) -> str | None:
        """The key of the executable's judgement, or None when judgements are not reused."""
        if not (ref.key and self.reuse_judgements and ref.runs):
            return None
        digest = reuse.exe_digest(exe)
        if digest is None:
            return None
        return reuse.key(digest, ref.key, ref.expected, self._run_timeout(case),
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
                    return ref.invalid(f"reference {level} does not build: {bad[1]}")
                run = self._execute(case, exe, work, timeout=self._ref_run_timeout(case))
                ref.runs.append(run)
                if run.status.kind == proc.NOSTART and run.status.code in _MACHINE:
                    # GCC's own binary cannot start: the machine is at fault (a loader, the
                    # sandbox, /dev/null), not the test; no case here can be judged.
                    raise InfraError(f"the reference's {level} binary could not start: {run.error}"
                                     f" ({machine_hint()})")
                why = unusable_run(run, self._ref_run_timeout(case))
                if why:
                    ref.timed_out = run.status.kind == proc.TIMEOUT
                    ref.cacheable = run.status.kind not in (proc.TIMEOUT, proc.NOSTART)
                    return ref.invalid(f"reference {level} {why}")
            first, *others = ref.runs
            for level, run in zip(case.ref_opts[1:], others):
                if run.status != first.status or run.stdout != first.stdout:
                    ref.verdict = V.UNSTABLE
                    ref.reason = f"reference {case.ref_opts[0]} and {level} disagree: " + difference(first, run)
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
                    ref.reason = "reference output changes from run to run: " + difference(ref.runs[-1], again)
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
            return "UB check: the sanitized build disagrees with the reference: " + difference(expected, run)
        return None

    def _sanitize(self, case: Case) -> tuple[str | None, ProcResult | None]:
        """The program built with sanitizers on the host and run: (why it fired, or None; the run,
        or None when there is nothing to learn from it)."""
        work = self._workdir()
        try:
            exe = str(work / "ref-ub")
            self.check()
            argv = compile_argv(self.cfg.ub_reference, ["-O1", *SANITIZE], case, _private_sources(case, work), exe)
            # Built and run where every other build and binary is (the backend, its sandbox):
            # the program is no less hostile for being built with sanitizers.
            build = _started(self.backend.run, argv, arch=HOST_ARCH, timeout=self.cfg.ref_compile_timeout,
                             cwd=str(work), stdout_limit=64 * 1024, kill_on_stdout_overflow=False,
                             limits=proc.Limits(file_size=1 * GiB), env=_compile_env(work))
            if classify_build(build, exe, self.cfg.ref_compile_timeout):
                return None, None  # no sanitizer build (a test using what the sanitizers reject): nothing learnt
            cwd = self.backend.run_folder(work, "run")
            self.check()
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

    def check(self) -> None:
        if self.cancel.is_set():
            raise Cancelled("the run was stopped")

    def _compile(self, compiler, opt, case, exe, timeout, work) -> ProcResult:
        self.check()
        sources = _private_sources(case, work)
        return _started(self.backend.run, compile_argv(compiler, opt, case, sources, exe), arch=case.arch,
                        timeout=timeout, cwd=str(work), stdout_limit=64 * 1024, kill_on_stdout_overflow=False,
                        limits=proc.Limits(file_size=1 * GiB), env=_compile_env(work))

    def _execute(self, case: Case, exe: str, work: Path, env: dict | None = None,
                 timeout: float | None = None) -> ProcResult:
        """Run exe (env: variables to add to the usual environment) in a fresh folder."""
        self.check()
        cwd = self.backend.run_folder(work, f"run{self._next()}")
        emulator = self.cfg.emulators[case.arch].argv
        limits = proc.Limits(address_space=4 * GiB, file_size=64 << 20)  # 4 GiB leaves qemu room
        kw = dict(timeout=timeout or self._run_timeout(case), cwd=cwd, stdout_limit=self.cfg.stdout_limit,
                  limits=limits, env=_binary_env(exe, env))
        return _started(self.backend.run_binary, _binary_argv(emulator), arch=case.arch, **kw)

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
