"""The run's configuration: one table of options shared by the CLI and the pytest
plugin, validated once, probed once, and shipped to every worker as JSON."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING


from .cache import resolve_path as cache_resolve
from .errors import UsageError
from .sandbox import available as sandbox_unavailable
from .model import normalise_opt
from .targets import HOST_ARCH, TARGETS, normalise_arch
if TYPE_CHECKING:
    from .suites.generated import GenOptions
from .toolchain import (CANDIDATE, REFERENCE, Emulator, Toolchain, find_emulator, find_reference, parse_specs,
                        probe, resolve)


@dataclass(frozen=True, slots=True)
class Option:
    """One run option: `--NAME` on `oracle run`, `--oracle-NAME` under plain pytest."""

    name: str
    help: str
    metavar: str | None = None
    type: type = str
    default: object = None
    append: bool = False
    flag: bool = False

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")


OPTIONS: tuple[Option, ...] = (
    Option("compiler", "candidate compiler: CMD for the host arch, ARCH=CMD for another; CMD may carry "
           "arguments ('aarch64=clang --target=aarch64-linux-gnu'); repeat for several arches",
           "[ARCH=]CMD", append=True),
    Option("suite", "torture, smoke, a folder of .c files, or a generator: csmith, hypothesis (default: torture)",
           "SUITE", default="torture"),
    Option("arch", "comma list of arches to test (default: every arch with a candidate)", "ARCH[,ARCH]"),
    Option("opt", "comma list of candidate opt levels, one case each (default: O0)", "O0[,O2]", default="O0"),
    Option("reference", "reference compiler instead of GCC: [ARCH=]CMD, repeatable", "[ARCH=]CMD", append=True),
    Option("ratio", "keep only P percent of the cases, chosen by --seed", "P", float),
    Option("fast", "a quick sample: --ratio 1, at least one case per arch", flag=True),
    Option("seed", "sampling seed, and for generated suites the first program's seed: program i uses seed S+i "
           "(default: $AGENT_ID, else 0)", "S"),
    Option("count", "generated suites: how many programs (default: 100)", "N", int),
    Option("csmith-args", "extra csmith options, e.g. '--no-pointers --max-funcs 4'", "ARGS"),
    Option("csmith-include", "folder holding csmith.h (default: /usr/include/csmith)", "DIR"),
    Option("gen-timeout", "seconds a generator may take for one program (default: 30)", "S", float, 30.0),
    Option("ub-check", "also build the reference with -fsanitize=undefined,address on x86_64; a sanitizer "
           "report makes the test unstable (default: on for generated suites)", flag=True),
    Option("no-ub-check", "no sanitizer build, even for generated suites", flag=True),
    Option("shrink-timeout", "hypothesis suite: seconds spent shrinking one failing program (default: 120)",
           "S", float, 120.0),
    Option("shard", "run only shard K of N (1-based); the N shards partition the cases", "K/N"),
    Option("filter", "run only cases whose id matches this regular expression", "REGEX"),
    Option("out", "output folder (default: .oracle/runs/<timestamp>, linked as .oracle/runs/latest)", "DIR"),
    Option("json", "also write results.json here", "FILE"),
    Option("junit", "also write the JUnit XML here", "FILE"),
    Option("compile-timeout", "seconds a candidate compile may take (default: 60)", "S", float, 60.0),
    Option("ref-compile-timeout", "seconds a reference compile may take (default: 120)", "S", float, 120.0),
    Option("run-timeout", "seconds a test binary may run, x4 under qemu (default: 10)", "S", float, 10.0),
    Option("cache", "reference cache folder (default: $XDG_CACHE_HOME/oracle); share it between agents", "DIR"),
    Option("no-cache", "do not read or write the reference cache", flag=True),
    Option("resume", "finish an interrupted run: give the same arguments plus --resume; only the cases it did "
           "not finish run, and its reports are completed in place (--out DIR, default the latest run)", flag=True),
    Option("sandbox", "where test binaries run: bwrap (no network, read-only root, writes only in capped "
           "private tmpfs folders), none, or "
           "auto: bwrap where it works (default)", "auto|bwrap|none", default="auto"),
    Option("history", "run history database (default: .oracle/history.db)", "FILE", default=".oracle/history.db"),
    Option("no-history", "do not append this run to the history", flag=True),
    Option("ref-run-timeout", "seconds a reference binary may run, x4 under qemu; longer makes the test "
           "ref-invalid and the candidate is never built (default: 5 for generated suites, else --run-timeout)",
           "S", float),
    Option("backend", "where compilers and programs run: local (sandboxed processes here) or docker (one "
           "container per worker and arch; see 'oracle images')", "local|docker", default="local"),
)


@dataclass(frozen=True)
class RunConfig:
    """Everything a worker needs to judge cases; plain data, JSON round-trips."""

    suite: str
    arches: tuple[str, ...]
    opts: tuple[str, ...]
    candidates: dict[str, Toolchain]
    references: dict[str, Toolchain]
    emulators: dict[str, Emulator]
    out_dir: str
    seed: str = "0"
    ratio: float | None = None
    at_least_one: bool = False
    shard: tuple[int, int] | None = None
    filter: str | None = None
    json_copy: str | None = None
    junit_copy: str | None = None
    compile_timeout: float = 60.0
    ref_compile_timeout: float = 120.0
    run_timeout: float = 10.0
    ref_run_timeout: float = 10.0
    count: int = 100
    gen_seed: int = 0
    csmith_args: str = ""
    csmith_include: str | None = None
    gen_timeout: float = 30.0
    ub_check: bool = False
    ub_reference: tuple[str, ...] = ()  # the x86_64 reference that builds the sanitizer binary
    shrink_timeout: float = 120.0
    stdout_limit: int = 1 << 20
    cache_path: str | None = None  # None: no reference cache
    history_path: str | None = None  # None: the run is not recorded
    sandbox: str = "none"  # "bwrap" or "none", decided once at start
    resume: bool = False  # out_dir holds an interrupted run's results.json to complete
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    warnings: tuple[str, ...] = ()
    backend: str = "local"
    run_id: str = field(default_factory=lambda: time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}")
    owner: str = ""  # the controller process (docker: whose containers these are)
    images: dict = field(default_factory=dict)  # docker: per arch, the image's tag, id and toolchain versions

    def to_json(self) -> str:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["candidates"] = {a: t.to_json() for a, t in self.candidates.items()}
        d["references"] = {a: t.to_json() for a, t in self.references.items()}
        d["emulators"] = {a: e.to_json() for a, e in self.emulators.items()}
        return json.dumps(d)

    @classmethod
    def from_json(cls, text: str) -> "RunConfig":
        d = json.loads(text)
        d["candidates"] = {a: Toolchain.from_json(t) for a, t in d["candidates"].items()}
        d["references"] = {a: Toolchain.from_json(t) for a, t in d["references"].items()}
        d["emulators"] = {a: Emulator.from_json(e) for a, e in d["emulators"].items()}
        for k in ("arches", "opts", "warnings", "ub_reference"):
            d[k] = tuple(d[k])
        if d["shard"] is not None:
            d["shard"] = tuple(d["shard"])
        return cls(**d)

    @property
    def gen(self) -> "GenOptions":
        from .suites.generated import GenOptions

        return GenOptions(self.count, self.gen_seed, self.csmith_args, self.csmith_include, self.gen_timeout)

    def toolchains_record(self) -> dict:
        """The identities recorded in results.json."""
        return {
            arch: {
                "candidate": self.candidates[arch].to_json(),
                "reference": self.references[arch].to_json(),
                "emulator": self.emulators[arch].to_json(),
                "backend": self.backend,
                **({"image": self.images[arch]} if arch in self.images else {}),
            }
            for arch in self.arches
        }


def _split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def parse_shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise UsageError(f"bad --shard {value!r}: use K/N with 1 <= K <= N, e.g. --shard 2/4")
    return int(m.group(1)), int(m.group(2))


def build(values: dict, *, probe_toolchains: bool = True) -> RunConfig:
    """Validate option values (keyed by Option.dest) into a RunConfig; UsageError on any problem."""
    specs = values.get("compiler") or []
    if not specs:
        raise UsageError("no candidate compiler: pass --compiler CMD (e.g. --compiler tcc)")
    cand_specs = parse_specs(specs)
    ref_specs = parse_specs(values.get("reference") or [], "--reference")
    arches = tuple(normalise_arch(a) for a in _split_list(values.get("arch"))) or tuple(
        a for a in TARGETS if a in cand_specs)
    for arch in arches:
        if arch not in TARGETS:
            raise UsageError(f"unknown arch {arch!r}: known arches are {', '.join(TARGETS)}")
        if arch not in cand_specs:
            how = "--compiler CMD" if arch == HOST_ARCH else f"--compiler {arch}=CMD"
            raise UsageError(f"no candidate compiler for {arch}: add {how}")
    opts = tuple(dict.fromkeys(normalise_opt(o) for o in _split_list(values.get("opt") or "O0")))
    if not opts:
        raise UsageError("empty --opt: give a comma list like O0,O2")

    ratio = values.get("ratio")
    at_least_one = bool(values.get("fast"))
    if at_least_one and ratio is None:
        ratio = 1.0
    if ratio is not None and not 0 < ratio <= 100:
        raise UsageError(f"bad --ratio {ratio}: give a percentage in (0, 100]")
    flt = values.get("filter")
    if flt:
        try:
            re.compile(flt)
        except re.error as exc:
            raise UsageError(f"bad --filter {flt!r}: {exc}") from None
    for name in ("compile_timeout", "ref_compile_timeout", "run_timeout", "ref_run_timeout", "gen_timeout",
                 "shrink_timeout"):
        if values.get(name) is not None and values[name] <= 0:
            raise UsageError(f"--{name.replace('_', '-')} must be positive")
    shard = parse_shard(values.get("shard"))
    backend = values.get("backend") or "local"
    from .backends import NAMES

    if backend not in NAMES:
        raise UsageError(f"unknown --backend {backend!r}: use {' or '.join(NAMES)}")

    if values.get("count") is not None and values["count"] < 1:
        raise UsageError("--count must be at least 1")
    if values.get("ub_check") and values.get("no_ub_check"):
        raise UsageError("--ub-check and --no-ub-check contradict each other: give one")
    seed = values.get("seed") or os.environ.get("AGENT_ID") or "0"
    suite_spec = values.get("suite") or "torture"

    # Check the suite before the (slower) toolchain probes: a typo should fail fast.
    from .suites import is_generated, open_suite
    from .suites.generated import GenOptions, int_seed

    generated = is_generated(suite_spec)
    gen = GenOptions(values.get("count") or 100, int_seed(str(seed)), values.get("csmith_args") or "",
                     values.get("csmith_include"), float(values.get("gen_timeout") or 30.0))
    open_suite(suite_spec, gen)
    ub_check = bool(values.get("ub_check")) or (generated and not values.get("no_ub_check"))
    run_timeout = float(values.get("run_timeout") or 10.0)
    ref_run_timeout = values.get("ref_run_timeout") or (min(5.0, run_timeout) if generated else run_timeout)

    candidates, references, emulators, warnings = {}, {}, {}, []
    ctimeout = float(values.get("compile_timeout") or 60.0)
    for arch in arches:
        target = TARGETS[arch]
        emulators[arch] = find_emulator(target)
        ref = Toolchain(REFERENCE, arch, find_reference(target, ref_specs.get(arch)))
        cand = Toolchain(CANDIDATE, arch, resolve(cand_specs[arch], f"candidate compiler for {arch}",
                                                  "check --compiler (a command on PATH or a path to a file)"))
        if probe_toolchains:
            ref = probe(ref, emulators[arch], float(values.get("ref_compile_timeout") or 120.0))
            if ref.probe != "ok":
                raise UsageError(f"reference compiler for {arch} ({ref.argv[0]}) {ref.probe}: "
                                 "run 'make setup' or fix --reference")
            cand = probe(cand, emulators[arch], ctimeout)
            if cand.probe != "ok":
                warnings.append(f"candidate for {arch} ({' '.join(cand.argv)}) {cand.probe}")
        candidates[arch], references[arch] = cand, ref

    sandbox = values.get("sandbox") or "auto"
    if sandbox not in ("auto", "bwrap", "none"):
        raise UsageError(f"bad --sandbox {sandbox!r}: use auto, bwrap or none")
    if sandbox != "none":
        why = sandbox_unavailable()
        if why and sandbox == "bwrap":
            raise UsageError(f"--sandbox bwrap: {why}")
        if why:
            warnings.append(f"test binaries run without a sandbox: {why}")
        sandbox = "none" if why else "bwrap"
    ub_reference: tuple[str, ...] = ()
    if ub_check:
        host = TARGETS[HOST_ARCH]
        ub_reference = references[HOST_ARCH].argv if HOST_ARCH in references else find_reference(
            host, ref_specs.get(HOST_ARCH))
    out = values.get("out") or default_out_dir()
    if values.get("resume"):
        out = values.get("out") or os.path.join(".oracle", "runs", "latest")
        if not Path(out, "results.json").is_file():
            raise UsageError(f"--resume: no results.json in {out}: pass --out with the interrupted run's folder")
        out = os.path.realpath(out)
    cfg = RunConfig(
        suite=_suite_spec(suite_spec),
        arches=arches,
        opts=opts,
        candidates=candidates,
        references=references,
        emulators=emulators,
        out_dir=str(Path(out).resolve()),
        seed=str(seed),
        ratio=ratio,
        at_least_one=at_least_one,
        shard=shard,
        filter=flt or None,
        json_copy=values.get("json"),
        junit_copy=values.get("junit"),
        compile_timeout=ctimeout,
        ref_compile_timeout=float(values.get("ref_compile_timeout") or 120.0),
        sandbox=sandbox,
        resume=bool(values.get("resume")),
        cache_path=None if values.get("no_cache") else str(cache_resolve(values.get("cache")).resolve()),
        history_path=None if values.get("no_history") else str(Path(values.get("history") or ".oracle/history.db")
                                                                .resolve()),
        run_timeout=run_timeout,
        ref_run_timeout=float(ref_run_timeout),
        count=gen.count,
        gen_seed=gen.seed,
        csmith_args=gen.csmith_args,
        csmith_include=gen.csmith_include,
        gen_timeout=gen.gen_timeout,
        ub_check=ub_check,
        ub_reference=tuple(ub_reference),
        shrink_timeout=float(values.get("shrink_timeout") or 120.0),
        warnings=tuple(warnings),
        backend=backend,
    )
    if backend == "docker":
        from .backends.docker import preflight

        cfg = preflight(cfg)
    return cfg


def _suite_spec(spec: str) -> str:
    """A folder suite as an absolute path, so results can be re-judged from anywhere."""
    from .suites import NAMED

    return spec if spec in NAMED else str(Path(spec).resolve())


def default_out_dir() -> str:
    return os.path.join(".oracle", "runs", time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}")

