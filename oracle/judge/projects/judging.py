"""The project kind's steps: judging one project test. The reference build (once per project,
arch, toolchain and recipe, cached on disk) and its two runs of each test (cached too), the
candidate build (once per run, shared by the run's workers), the candidate's run of the test, the
comparison (the rules in judge/classify.py), the big-stack rerun of a crash, and the bisection of a
failure to the TUs the candidate got wrong. The rule every kind shares (a failure is never decided
on a stored reference alone) is the Judge's."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from oracle.infra import cache, proc, scratch
from oracle.infra.proc import ProcResult, Status
from oracle.judge.classify import (CAUGHT_CRASH, classify_build, compare, difference, shell_signal, through_shell,
                                   unusable_run)
from oracle.judge.outcome import RefOutcome, Result
from oracle.model import verdict as V
from oracle.discover.corpus import cache_root
from oracle.config.options import RunConfig
from oracle.model.case import Case
from oracle.discover.suites.projects import recipe_of
from oracle.config.targets import TARGETS
from oracle.judge.projects import bisect as B
from oracle.judge.projects import build as pb
from oracle.judge.projects import preproc
from oracle.model.preprocessing import BUGS as PP_BUGS
from oracle.discover.projects import sources
from oracle.discover.projects.recipe import Recipe, Test

# What a project case's reason says when its failure goes away with an unlimited stack.
STACK_HINT = "exits as GCC's build does with an unlimited stack"
FORMAT = "project-v1"  # part of every reference build's key
TU_TIMEOUT = 300.0  # seconds per TU, at least
# A candidate that compiles N times slower than GCC gets N times its tests' timeouts (its code is
# likely slower too), at most this many times: a hang must still end.
MAX_SCALE = 20.0
STARTED = "budget-started"  # in the candidate's build folder: when this run began on the recipe


@dataclass(slots=True)
class ProjectCase:
    case: Case
    cfg: RunConfig
    recipe: Recipe
    test: Test
    tools: pb.Toolset
    src: Path
    origin: str
    judge_root: Path
    scale: float = 1.0  # the candidate's tests' timeouts are the recipe's x this (measure_scale)

    @classmethod
    def of(cls, case: Case, cfg: RunConfig, judge_root: Path) -> "ProjectCase":
        recipe, test = recipe_of(case)
        src, origin = sources.require(recipe)
        arch = case.arch
        # A project's TUs are bigger than a test's (sqlite3.c, pcre2_match.c at -O2): at least TU_TIMEOUT.
        tools = pb.Toolset(arch, cfg.candidates[arch].argv, cfg.references[arch].argv, cfg.emulators[arch].argv,
                           compile_timeout=max(cfg.compile_timeout, TU_TIMEOUT), confine=cfg.sandbox == "bwrap",
                           shared_store=_shared_store(cfg, recipe, arch))
        return cls(case, cfg, recipe, test, tools, src, origin, judge_root)

    @property
    def ref_tools(self) -> pb.Toolset:
        """The reference's own builds: its compiler for every TU, its own store (never the candidate's)."""
        return dataclasses.replace(self.tools, cand=self.tools.ref, shared_store="")

    @property
    def timeout(self) -> float:
        """The reference's timeout for the test (the recipe's, x the arch's slowdown under qemu)."""
        return self.test.timeout * TARGETS[self.case.arch].slowdown

    @property
    def cand_timeout(self) -> float:
        """The candidate's (and a mixed build's): the reference's x the candidate's compile-time ratio."""
        return self.timeout * self.scale

    def measure_scale(self) -> float:
        """The candidate's compile time over GCC's on the TUs both compiled (the candidate's build
        against the reference's), between 1 and MAX_SCALE."""
        ratio = pb.compile_ratio(self.cand_folder(), self.ref_folder())
        return min(max(ratio or 1.0, 1.0), MAX_SCALE)

    # ------------------------------------------------------------ budget

    @property
    def budget(self) -> float | None:
        """The recipe's budget for this run, arch and opt level (x the arch's slowdown), or None."""
        b = self.recipe.budget
        return None if b is None else b * TARGETS[self.case.arch].slowdown

    def spent(self) -> float:
        """Seconds since this run began on the recipe at this arch and opt level (its candidate
        build folder, shared by the run's workers, holds the time)."""
        mark = self.cand_folder() / STARTED
        try:
            return max(0.0, time.time() - float(mark.read_text()))
        except (OSError, ValueError):
            return 0.0

    def left(self) -> float:
        return float("inf") if self.budget is None else self.budget - self.spent()

    def _start_clock(self) -> None:
        folder = self.cand_folder()
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(folder / STARTED, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return
        with os.fdopen(fd, "w") as f:
            f.write(f"{time.time():.3f}")

    def budget_words(self) -> str:
        return (f"the recipe's budget of {self.budget:g} s is spent ({self.spent():.0f} s so far; "
                f"build.budget in {self.recipe.path.name})")

    @property
    def ref_cflags(self) -> str:
        return f"{self.recipe.reference_opt} {self.recipe.cflags}".strip()

    @property
    def cand_cflags(self) -> str:
        return f"{self.case.opt} {self.recipe.cflags}".strip()

    # ------------------------------------------------------------ reference

    def ref_folder(self) -> Path:
        ref, emu = self.cfg.references[self.case.arch], self.cfg.emulators[self.case.arch]
        key = hashlib.sha256(json.dumps([FORMAT, self.recipe.digest(), self.origin, self.case.arch,
                                         cache.toolchain_identity(ref.argv, ref.version), list(emu.argv),
                                         emu.version, self.ref_cflags]).encode()).hexdigest()[:16]
        name = f"ref-{self.recipe.name}-{self.case.arch}-{key}"
        if self.cfg.cache_path and cache.is_remote(self.cfg.cache_path):
            return cache_root() / "projects" / "builds" / name  # built here; the test results are small
        if self.cfg.cache_path:
            return cache.resolve_path(self.cfg.cache_path).parent / "projects" / name
        return Path(scratch.root()) / f"oracle-{self.cfg.run_id}-proj-{name}"  # --no-cache: this run only

    def reference_build(self) -> pb.BuildOutcome:
        ref_only = dataclasses.replace(self.ref_tools, compile_timeout=max(self.cfg.ref_compile_timeout, TU_TIMEOUT))
        return pb.build_once(self.ref_folder(), self.recipe, self.src, ref_only, self.ref_cflags,
                             compile="ref", link="ref", run_id=self.cfg.run_id)

    def reference_runs(self, refresh: bool = False) -> tuple[tuple[proc.ProcResult, proc.ProcResult], bool]:
        """The reference's two runs of the test (stored with the build unless a timeout decided
        them), and whether they came from the store; `refresh`: run them again, whatever is stored."""
        folder = self.ref_folder()
        stored = folder / "tests" / f"{self.test.name}.json"
        with pb.locked(folder, f".test-{self.test.name}.lock"):
            try:
                if not refresh:
                    a, b = (cache.result_from_json(r) for r in json.loads(stored.read_text())["runs"])
                    return (a, b), True
            except (OSError, ValueError, KeyError, TypeError):
                pass
            ref_only = self.ref_tools
            runs = tuple(pb.run_test(folder, self.recipe, self.test, ref_only, self.ref_cflags, self.timeout,
                                     self.cfg.stdout_limit) for _ in range(2))
            if all(r.status.kind not in (proc.TIMEOUT, proc.NOSTART) for r in runs):
                stored.parent.mkdir(exist_ok=True)
                pb.write_json(stored, {"runs": [cache.result_to_json(r, True) for r in runs]})
            return runs, False

    # ------------------------------------------------------------ candidate

    def cand_folder(self) -> Path:
        h = hashlib.sha256(json.dumps([self.recipe.digest(), self.origin, list(self.tools.cand),
                                       self.cand_cflags]).encode()).hexdigest()[:10]
        return Path(scratch.root()) / f"oracle-{self.cfg.run_id}-proj-{self.recipe.name}-{self.case.arch}-{h}"

    def candidate_build(self) -> pb.BuildOutcome:
        scratch.hold_shared(self.cand_folder())  # a run killed outright leaves it for the next to sweep
        self._start_clock()
        return pb.build_once(self.cand_folder(), self.recipe, self.src, self.tools, self.cand_cflags,
                             compile="cand", link="cand", run_id=self.cfg.run_id)

    def candidate_run(self, test: Test | None = None) -> proc.ProcResult:
        return pb.run_test(self.cand_folder(), self.recipe, test or self.test, self.tools, self.cand_cflags,
                           self.cand_timeout, self.cfg.stdout_limit)

    def crash_is_stack(self, expected: proc.ProcResult) -> bool:
        """Does the crashing test exit as the reference's does with an unlimited stack (the
        candidate's frames are too big)? Only the status: another bug may change the output."""
        big = dataclasses.replace(self.test, run=f"ulimit -s unlimited 2>/dev/null || ulimit -s 1048576\n{self.test.run}")
        return self.candidate_run(big).status == expected.status

    def why(self, build: pb.BuildOutcome) -> str:
        tu = build.failed_tu
        if tu is not None and tu.get("status") == "timeout":
            return f"{tu['tu']}: the compile timed out after {self.tools.compile_timeout:g}s"
        if tu is not None:
            return f"{tu['tu']}: {_first_line(tu.get('stderr', ''))}"
        line = telling_line(build.log_tail)
        return f"{build.stage} {proc.Status.from_json(build.status)}" + (f": {line}" if line else "")

    # ------------------------------------------------------------ bisection

    def bisect(self, expected: proc.ProcResult) -> tuple[list[str], dict]:
        """(culprit TUs, paths relative to the project root; what the case folder records)."""
        folder = self.cand_folder()
        mixed = B.Mixed(folder, self.recipe, self.test, self.tools, self.cand_cflags, self.cand_timeout, expected,
                        deadline=time.monotonic() + self.left())
        out_of_budget = False
        try:
            found, log = B.bisect(mixed)
        except B.OutOfBudget:
            found, log = [], mixed.log + [f"stopped after {mixed.steps} steps: {self.budget_words()}"]
            out_of_budget = True
        # The sets that alone fail the test the way the candidate's build does are this failure's
        # culprits (its task); the others are other bugs the same test shows (their own tests' tasks).
        sets, others = found[:mixed.primary], found[mixed.primary:]
        culprits = [e["tu"] for s in sets for e in s]
        built = pb.tu_log(folder)
        # Is it the candidate's preprocessor? Each culprit TU's -E beside GCC's (once per build and TU).
        looks = [r for s in sets for e in s if (r := preproc.compare_tu(folder, e, self.tools))]
        pp = next((r for r in looks if r.get("kind") in PP_BUGS), next((r for r in looks if r.get("kind")), None))
        return culprits, {
            "recipe": str(self.recipe.path), "test": self.test.name, "arch": self.case.arch,
            # which TUs the candidate compiled (and which it rejected: GCC compiled those)
            "candidate_tus": sorted({e["tu"] for e in built if e.get("who") == "cand" and e.get("status") == 0}),
            "rejected_tus": sorted({e["tu"] for e in built if e.get("who") == "cand" and e.get("status") != 0
                                    and "tu" in e}),
            "cand": list(self.tools.cand), "ref": list(self.tools.ref), "emulator": list(self.tools.emulator),
            "cflags": self.cand_cflags, "timeout": self.cand_timeout, "timeout_scale": round(self.scale, 2),
            "culprit_sets": [[e["tu"] for e in s] for s in sets],
            "other_culprit_sets": [[e["tu"] for e in s] for s in others], "broken_steps": mixed.broken,
            "culprit_keys": [e["key"] for s in sets for e in s],
            "culprit_commands": [{"tu": e["tu"], "cwd": e["cwd"], "argv": e["argv"]} for s in sets for e in s],
            "expected_status": expected.status.to_json(), "expected_stdout_hex": expected.stdout.hex(),
            "preprocessor": pp, "preprocessed": looks, "steps": log, "out_of_budget": out_of_budget}


def judge(judge, case: Case) -> Result:
    """A project test, for the Judge `judge` (its configuration, scratch folder and shared rules):
    the reference build and its two runs of the test, the candidate's build, its run, the
    comparison; a failure is bisected to TUs."""
    judge.check()
    if judge.cfg.backend != "local":
        return Result(case, V.UNSUPPORTED, "project cases build and run with --backend local only (so far)")
    p = ProjectCase.of(case, judge.cfg, judge.root)
    ref_build = p.reference_build()
    if not ref_build.ok:
        return Result(case, V.REF_INVALID, f"the reference does not build the project: {p.why(ref_build)}")
    if p.left() <= 0:  # (no clock before the run's first candidate build of the recipe)
        return Result(case, V.NOT_RUN, f"not run: {p.budget_words()}")
    ref = _reference(p)
    if ref.verdict is not None:
        return Result(case, ref.verdict, ref.reason, ref=ref)
    judge.check()
    build = p.candidate_build()
    if not build.ok:
        verdict, reason = _build_verdict(build, p, p.tools.compile_timeout)
        log = ((build.failed_tu or {}).get("stderr", "") + "\n" + build.log_tail).encode()
        shown = ProcResult(("sh", "-c", p.recipe.configure if build.stage == "configure" else p.recipe.build),
                           Status.from_json(build.status), stderr=log)
        return Result(case, verdict, reason, ref=ref, build=shown)
    if p.left() <= 0:  # the build itself spent it
        return Result(case, V.NOT_RUN, f"not run: {p.budget_words()}", ref=ref)
    p.scale = p.measure_scale()
    run = p.candidate_run()
    verdict, reason = through_shell(*compare(ref.expected, run, p.cand_timeout), run)
    ref, stale = judge.against_fresh(ref, verdict, lambda: _reference(p, refresh=True))
    if ref.verdict is not None:
        return Result(case, ref.verdict, ref.reason, ref=ref, run=run, stale_cache=stale)
    if stale:
        verdict, reason = through_shell(*compare(ref.expected, run, p.cand_timeout), run)
    stack = (verdict == V.CRASH or verdict == V.WRONG_EXIT and bool(CAUGHT_CRASH.search(run.stderr))) \
        and p.crash_is_stack(ref.expected)
    if stack:
        # A test script may catch its program's crash and exit 1 (pcre2's RunTest does): its
        # shell or qemu still says so on stderr; any other wrong exit costs no second run.
        reason += f" ({STACK_HINT}: the candidate's code uses far more stack)"
    res = Result(case, verdict, reason, ref=ref, run=run, stale_cache=stale, stack_hint=stack,
                 signal=proc.signal_name(run.status.code - 128) if verdict == V.CRASH and shell_signal(run) else "")
    if verdict.is_failure and p.left() <= 0:
        res.reason += f" (not bisected: {p.budget_words()})"
    elif verdict.is_failure:
        judge.check()
        res.culprits, res.project = p.bisect(ref.expected)
        if res.culprits:
            res.reason += f" (culprit TUs: {' + '.join(res.culprits)})"
        elif res.project.get("out_of_budget"):
            res.reason += f" (not bisected to the end: {p.budget_words()})"
        elif res.project.get("broken_steps"):
            res.reason += f" (no culprit TU: {res.project['broken_steps']} mixed builds did not build)"
        pp = res.project.get("preprocessor")
        if pp:
            res.preprocessor = (pp["kind"], pp.get("macro", ""), preproc.summary(pp))
            if pp["kind"] in PP_BUGS:
                res.reason += f" (the candidate's preprocessor: {preproc.summary(pp)})"
        others = [" + ".join(s) for s in res.project.get("other_culprit_sets", [])]
        if others:
            res.reason += f" (also differs with only {'; '.join(others)} by the candidate: another failure)"
    return res


def _shared_store(cfg: RunConfig, recipe: Recipe, arch: str) -> str:
    """Where the candidate's objects of this recipe and arch are kept across runs (and every
    worker's and clone's run on this machine): named by the candidate's identity (the content of
    every file it runs and reads, or its vouched revision), the reference toolchain (mixed builds
    keep GCC's objects there too), the emulator and the arch; "" when the identity is unknown or
    caching is off (--no-cache, --rejudge): that run compiles every TU itself. A TU's object is
    found again only for the same bytes of its source, its headers and its arguments (ccwrap)."""
    ident = cfg.candidates[arch].identity
    if not (ident and cfg.cache_path and cfg.reuse_judgements):
        return ""
    ref, emu = cfg.references[arch], cfg.emulators[arch]
    # (not the argv: the identity holds it, relative to the compiler's checkout, so clones share)
    key = hashlib.sha256(json.dumps([FORMAT, ident, arch,
                                     cache.toolchain_identity(ref.argv, ref.version), list(emu.argv),
                                     emu.version]).encode()).hexdigest()[:16]
    if cache.is_remote(cfg.cache_path):
        base = cache_root() / "projects" / "objects"
    else:
        base = cache.resolve_path(cfg.cache_path).parent / "projects" / "objects"
    return str(base / f"cand-{recipe.name}-{arch}-{key}")


def _reference(p: ProjectCase, refresh: bool = False) -> RefOutcome:
    """The reference's two runs of the test as an outcome: usable, ref-invalid or unstable."""
    runs, from_cache = p.reference_runs(refresh=refresh)
    ref = RefOutcome(None, runs=list(runs), from_cache=from_cache and not refresh)
    why = unusable_run(runs[0], p.timeout)
    if why:
        return ref.invalid(f"reference test {why}")
    if (runs[0].status, runs[0].stdout) != (runs[1].status, runs[1].stdout):
        ref.verdict, ref.reason = V.UNSTABLE, "the reference's two runs disagree: " + difference(runs[0], runs[1])
    return ref


def _build_verdict(build, p, timeout: float) -> tuple[V.Verdict, str]:
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



def telling_line(log_tail: str) -> str:
    """The line of a failed stage's log that says what went wrong: a link's first undefined
    reference, else the first error, else the last line ("" for an empty log)."""
    lines = [line.strip() for line in log_tail.splitlines() if line.strip()]
    for needle in ("undefined reference", "error:", "error"):
        for line in lines:
            if needle in line:
                return line[:300]
    return lines[-1][:300] if lines else ""


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if "error" in line or "internal compiler error" in line:
            return line.strip()[:300]
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0].strip()[:300] if lines else "(no diagnostic)"
