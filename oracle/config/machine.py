"""From checked option values to a RunConfig: the part of configuration that looks at the
machine. It opens the suite (a typo fails before anything slow), finds and probes each
compiler once, decides the sandbox, and checks the container engine and images."""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from oracle.feed.xfail import load as load_xfail
from oracle.infra import proc
from oracle.infra.cache import configured as cache_configured
from oracle.config.options import FIELD_OPTIONS, RunConfig, Settings, default_out_dir, fresh_run_id, parse
from oracle.discover.shards import history_mark
from oracle.discover.suites import canonical as canonical_suite, is_generated, open_suite
from oracle.discover.suites.files import FileSuite
from oracle.discover.suites.generated import GenOptions, int_seed
from oracle.infra.backends.docker import preflight
from oracle.infra.backends.sandbox import available
from oracle.report import refuse_folder, refuse_special
from oracle.model.errors import SuiteError, UsageError
from oracle.config.targets import HOST_ARCH, TARGETS
from oracle.config.identity import Identity, identity
from oracle.config.toolchain import (CANDIDATE, REFERENCE, TRIVIAL_PROGRAM, Toolchain, find_emulator, find_reference,
                                     first_line, probe, resolve, version_line)

# Candidate opt levels every GCC takes: no need to ask the reference about them.
PLAIN_OPTS = ("-O0", "-O1", "-O2", "-O3", "-Os", "-Og", "-Oz")


def build(values: dict, *, probe_toolchains: bool = True) -> RunConfig:
    """Option values (keyed by Option.dest) into a RunConfig; UsageError on any problem."""
    s = parse(values)
    generated = is_generated(s.suite)
    gen = GenOptions(s.count, int_seed(s.seed), s.csmith_args, s.csmith_include, float(s.gen_timeout))
    suite = open_suite(s.suite, gen)  # before the (slower) toolchain probes: a typo should fail fast
    suite_root = suite.root if isinstance(suite, FileSuite) else None
    if suite_root is not None and next(iter(suite.programs()), None) is None:
        raise SuiteError(f"no .c files under {suite_root}: point --suite at a folder of C programs")
    ub_check = bool(s.ub_check) or (generated and not s.no_ub_check)
    ref_run_timeout = s.ref_run_timeout or (min(5.0, s.run_timeout) if generated else s.run_timeout)

    warnings: list[str] = []
    sandbox = _sandbox(s.sandbox, warnings)
    candidates, references, emulators = _toolchains(s, probe_toolchains, warnings, confine=sandbox == "bwrap")
    # The host's reference builds the sanitizer binary: for the UB check, and for a runtime
    # failure's second look (the sanitizers may see undefined behaviour the test relies on).
    ub_reference = references[HOST_ARCH].argv if HOST_ARCH in references else find_reference(
        TARGETS[HOST_ARCH], s.references.get(HOST_ARCH))
    clang = shutil.which("clang")
    if clang is None and probe_toolchains:
        warnings.append("no clang here: a runtime failure gets no third opinion (tests that rely on what GCC "
                        "chooses are not told apart); make setup installs it")
    out = s.out or default_out_dir()
    if s.resume:
        out = s.out or os.path.join(".oracle", "runs", "latest")
        if not Path(out, "results.json").is_file() and not Path(out, "journal.jsonl").is_file():
            raise UsageError(f"--resume: no results.json in {out}: pass --out with the interrupted run's folder")
        out = os.path.realpath(out)
    _check_out(out, suite_root, given=bool(s.out))
    cache_path = None if s.no_cache else cache_configured(s.cache)  # a file path or a redis:// URL
    if not s.no_history and Path(s.history).is_dir():
        raise UsageError(f"--history {s.history} is a folder: pass the history database file, or --no-history")
    _check_files(out, s)
    cfg = RunConfig(
        suite=canonical_suite(s.suite),
        arches=s.arches,
        opts=s.opts,
        candidates=candidates,
        references=references,
        emulators=emulators,
        out_dir=str(Path(out).resolve()),
        seed=s.seed,
        ratio=s.ratio,
        at_least_one=s.at_least_one,
        shard=s.shard,
        shard_history=shard_history(s, generated, warnings),
        filter=s.filter or None,
        json_copy=s.json,
        junit_copy=s.junit,
        sandbox=sandbox,
        resume=bool(s.resume),
        cache_path=cache_path,
        history_path=None if s.no_history else str(Path(s.history).resolve()),
        ref_run_timeout=float(ref_run_timeout),
        gen_seed=gen.seed,
        ub_check=ub_check,
        reuse_judgements=not (s.no_cache or s.rejudge),
        candidate_rev=s.candidate_rev,
        max_failures=s.max_failures,
        ub_reference=tuple(ub_reference),
        clang=(clang,) if clang else (),
        clang_version=version_line((clang,)) if clang and probe_toolchains else "",
        warnings=tuple(warnings),
        backend=s.backend,
        xfail=tuple(e.to_json() for e in load_xfail(s.xfail)) if s.xfail else (),
        suite_root=str(Path(suite.root).resolve()) if getattr(suite, "root", None) else None,
        # the options a run takes as given (one field each, declared in RunConfig)
        **{o.dest: o.type(s.values[o.dest]) if s.values[o.dest] is not None else None for o in FIELD_OPTIONS},
    )
    return containers(cfg) if s.backend == "docker" else cfg


def shard_history(s: Settings, generated: bool, warnings: list[str]) -> int:
    """--shard-by time: the history run whose durations balance the shards (0: by count)."""
    if not s.shard or s.shard_by != "time":
        return 0
    mark = 0 if generated or s.no_history else history_mark(s.history)
    if not mark:
        warnings.append("--shard-by time: no recorded durations (no history, --no-history or a generated suite): "
                        "the shards split by count")
    return mark


def _toolchains(s: Settings, probing: bool, warnings: list[str], confine: bool):
    """Each arch's toolchains and emulator, probed (the candidate's in the sandbox with `confine`)."""
    candidates, references, emulators = {}, {}, {}
    found: dict[tuple, Identity] = {}  # one look per compiler, whatever the arches
    for arch in s.arches:
        target = TARGETS[arch]
        emulators[arch] = find_emulator(target)
        ref = Toolchain(REFERENCE, arch, find_reference(target, s.references.get(arch)))
        cand = Toolchain(CANDIDATE, arch, resolve(s.candidates[arch], f"candidate compiler for {arch}",
                                                  "check --compiler (a command on PATH or a path to a file)"))
        if probing:
            ref = probe(ref, emulators[arch], float(s.ref_compile_timeout))
            if ref.probe != "ok":
                raise UsageError(f"reference compiler for {arch} ({ref.argv[0]}) {ref.probe}: "
                                 "run 'make setup' or fix --reference")
            for opt in s.opts:
                _probe_opt(ref, opt, float(s.ref_compile_timeout))
            cand = probe(cand, emulators[arch], float(s.compile_timeout), confine=confine)
            if cand.probe != "ok":
                warnings.append(f"candidate for {arch} ({' '.join(cand.argv)}) {cand.probe}")
            if cand.argv not in found:
                found[cand.argv] = identity(cand.argv, cand.version, s.candidate_rev, confine,
                                               float(s.compile_timeout), warnings,
                                               trace=cand.probe == "ok" and not s.no_cache and not s.rejudge)
            me = found[cand.argv]
            cand = replace(cand, identity=me.hash if cand.probe == "ok" else "", commit=me.commit, built=me.built)
        candidates[arch], references[arch] = cand, ref
    return candidates, references, emulators


def _probe_opt(ref: Toolchain, opt: str, timeout: float) -> None:
    """UsageError when the reference rejects the candidate opt level `opt` (every case would be a
    compile-error for nothing): one build of the trivial program, unless opt is a plain -O level."""
    if opt in PLAIN_OPTS:
        return
    try:
        flags = shlex.split(opt)
    except ValueError as exc:
        raise UsageError(f"bad --opt {opt!r}: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="oracle-probe-") as tmp:
        src, exe = Path(tmp, "probe.c"), Path(tmp, "probe")
        src.write_text(TRIVIAL_PROGRAM)
        build = proc.run([*ref.argv, *flags, str(src), "-o", str(exe)], timeout=timeout, cwd=tmp)
        if not build.status.ok or not exe.exists():
            why = first_line(build.stderr + build.stdout) or str(build.status)
            raise UsageError(f"--opt {opt!r}: the reference compiler for {ref.arch} rejects it ({why}): "
                             "give opt levels like O0,O2")


def _check_out(out: str, suite_root: Path | None, given: bool) -> None:
    """The output folder can be made and written, and is not inside the suite (its case folders'
    sources would be tests on the next run); UsageError naming the fix."""
    what = f"--out {out}" if given else f"the output folder {out} (--out)"
    where = Path(out).resolve()
    if suite_root is not None and (where == suite_root or suite_root in where.parents):
        raise UsageError(f"{what} is inside the suite folder {suite_root}: its case folders would become tests "
                         "on the next run; pass --out outside it")
    if where.exists() and not where.is_dir():
        raise UsageError(f"{what} is a file, not a folder: pass a folder (it is made if missing)")
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".oracle-probe-", dir=where)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise UsageError(f"cannot write in {what}: {exc.strerror or exc}: pass a writable folder") from None


# What a run writes in its output folder (results.json, the reports, the journal, pytest's log, the
# lock, the shared cache's log).
OUT_FILES = ("results.json", "junit.xml", "errors.log", "report.html", "journal.jsonl", "pytest.log", ".oracle-run.lock",
             "cache.log", "summary.log", "gate.log")


def _check_files(out: str, s: Settings) -> None:
    """Every file the run will write is missing or a regular file (NotAFile, exit 2, before any case
    is judged): a device node, FIFO or symlink there is never written through or renamed over."""
    for name in OUT_FILES:
        refuse_special(Path(out, name), "in --out")
    refuse_folder(Path(out, "cases"))
    for option, path in (("--json", s.json), ("--junit", s.junit), ("--history", None if s.no_history else s.history)):
        if path:
            refuse_special(path, option)


def _sandbox(wanted: str, warnings: list[str]) -> str:
    """"bwrap" or "none": the sandbox this run has, decided once."""
    if wanted == "none":
        return "none"
    why = available()
    if why and wanted == "bwrap":
        raise UsageError(f"--sandbox bwrap: {why}")
    if why:
        warnings.append(f"test binaries run without a sandbox: {why}")
    return "none" if why else "bwrap"


def containers(cfg: RunConfig) -> RunConfig:
    """--backend docker: the engine answers and the images are there (UsageError naming the fix)."""
    return preflight(cfg)


def rejudging(cfg: RunConfig, out_dir: str) -> RunConfig:
    """A recorded run's configuration, to judge its cases again here exactly as it judged them
    (same toolchains, backend, UB check, generator options), into out_dir; in the sandbox wherever
    it works here, whatever the record says."""
    # No reference cache: a re-judgement builds the reference afresh (and variants under reduction
    # would only fill the cache).
    cfg = replace(cfg, out_dir=out_dir, resume=False, history_path=None, json_copy=None, junit_copy=None,
                  cache_path=None, run_id=fresh_run_id(), owner="")
    if cfg.backend == "docker":
        return containers(cfg)
    # The sandbox is this machine's decision, not the record's: a results.json from elsewhere saying
    # "sandbox: none" would run its recorded compilers and binaries unconfined here.
    why = available()
    if why and cfg.sandbox == "bwrap":
        raise UsageError(f"the run was judged in the bwrap sandbox, which does not work here: {why}")
    return replace(cfg, sandbox="none" if why else "bwrap")
