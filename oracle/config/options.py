"""The run's configuration: one table of options shared by the CLI, the pytest plugin and the
settings files (each default written once, there), pure parsing of their values (`parse`), and
the RunConfig every worker gets as JSON and every results.json records whole.

An option whose value a run takes as given (a timeout, a limit, a generator's setting) is one
RunConfig field, declared with `option(...)` metadata: its flag, help, type, default, settings-file
key, resume rule and recorded value all come from that one entry. The options a run interprets
(the compilers, the suite, the selection) are the Option entries of _INTERPRETED.

Probing (finding and trying the compilers, the sandbox, the container engine) is
machine.py's: this module touches nothing outside the values it is given."""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import time
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING


from oracle.model.errors import UsageError
from oracle.model.case import normalise_opt
from oracle.config.targets import HOST_ARCH, TARGETS, canonical_arch
from oracle.config.toolchain import Emulator, Toolchain, parse_specs

if TYPE_CHECKING:
    from oracle.discover.suites.generated import GenOptions


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
    seconds: bool = False  # a number of seconds: positive and finite
    low: float | None = None  # the least value taken
    high: float | None = None  # the greatest value taken
    field: bool = False  # a RunConfig field of the same name, taking the value as given

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")


def option(help: str, metavar: str = "S", *, seconds: bool = False, low: float | None = None,
           high: float | None = None) -> dict:
    """Field metadata making a RunConfig field a run option (`--field-name`), its value passed
    through: the field's type and default are the option's."""
    return {"option": {"help": help, "metavar": metavar, "seconds": seconds, "low": low, "high": high}}


_INTERPRETED: tuple[Option, ...] = (
    Option("compiler", "candidate compiler (required: here or as `compiler` in the settings file): CMD for the "
           "host arch, ARCH=CMD for another; CMD may carry arguments ('aarch64=clang --target=aarch64-linux-gnu'); "
           "repeat for several arches",
           "[ARCH=]CMD", append=True),
    Option("suite", "torture, smoke, a folder of .c files, a generator: csmith, hypothesis, or real projects: "
           "projects, project:NAME[,NAME] (default: torture)",
           "SUITE", default="torture"),
    Option("arch", "comma list of arches to test: x86_64, aarch64, riscv64, i686, or aliases such as arm64, "
           "rv64, i386 (default: every arch with a candidate)", "ARCH[,ARCH]"),
    Option("opt", "comma list of candidate opt levels, one case each (default: O0); each must be one the "
           "reference accepts", "O0[,O2]", default="O0"),
    Option("reference", "reference compiler instead of GCC: [ARCH=]CMD, repeatable", "[ARCH=]CMD", append=True),
    Option("ratio", "keep only P percent of the cases, chosen by --seed", "P", float),
    Option("fast", "a quick sample: --ratio 1, at least one case per arch", flag=True),
    Option("seed", "sampling seed, and for generated suites the first program's seed: program i uses seed S+i "
           "(default: $AGENT_ID, else 0)", "S"),
    Option("ub-check", "also build the reference with -fsanitize=undefined,address on x86_64; a sanitizer "
           "report makes the test unstable (default: on for generated suites)", flag=True),
    Option("no-ub-check", "no sanitizer build, even for generated suites", flag=True),
    Option("shard", "run only shard K of N (1-based); the N shards partition the cases; auto: K and N from the CI "
           "engine's variables (GitLab CI_NODE_INDEX/CI_NODE_TOTAL, Buildkite BUILDKITE_PARALLEL_JOB/_COUNT, "
           "Kubernetes JOB_COMPLETION_INDEX with ORACLE_SHARD_COUNT, GitHub Actions "
           "ORACLE_SHARD_INDEX/ORACLE_SHARD_COUNT)", "K/N|auto"),
    Option("shard-by", "how --shard splits: count (default; a hash of each test) or time (balanced by the durations "
           "--history recorded in its newest unsharded run and before; every shard must see the same history; by "
           "count when it has none)", "count|time", default="count"),
    Option("filter", "run only cases whose id matches this regular expression", "REGEX"),
    Option("out", "output folder, not inside the suite folder (default: .oracle/runs/<timestamp>, linked as "
           ".oracle/runs/latest)", "DIR"),
    Option("json", "also write results.json here", "FILE"),
    Option("junit", "also write the JUnit XML here", "FILE"),
    Option("cache", "reference cache: a folder (its reference.sqlite; default: $ORACLE_CACHE, else "
           "$XDG_CACHE_HOME/oracle/reference.sqlite), a .sqlite file, or a Redis server shared by a fleet, "
           "redis://[:PASSWORD@]HOST:PORT/DB (needs $ORACLE_CACHE_KEY)", "DIR|URL"),
    Option("no-cache", "do not read or write the reference cache, and run every candidate executable (no "
           "judgement of a byte-identical executable reused)", flag=True),
    Option("max-failures", "stop after N candidate failures: the reports are written, the cases not judged yet "
           "are not-run, and the run is neither gated nor turned into tasks (it saw part of the suite)", "N", int,
           low=1),
    Option("rejudge", "judge every case afresh: compile and run the candidate even when the same compiler's "
           "judgement of it is cached (the reference cache is still used)", flag=True),
    Option("candidate-rev", "the commit the candidate compiler is built from: agents whose builds of one commit "
           "differ in bytes then share its judgements; refused when the compiler's git checkout is at another "
           "commit (default: the compiler's identity is the content of every file it runs and reads)", "REV"),
    Option("resume", "finish an interrupted run (stopped, killed outright, out of disk; any suite kind): give the "
           "same arguments plus --resume (other settings are refused); only the cases it did not judge run, and "
           "its reports are completed in place (--out DIR, default the latest run)", flag=True),
    Option("sandbox", "where test binaries run: bwrap (no network, read-only root, writes only in capped "
           "private tmpfs folders), none, or "
           "auto: bwrap where it works (default)", "auto|bwrap|none", default="auto"),
    Option("history", "run history database (default: .oracle/report/history.db)", "FILE", default=".oracle/report/history.db"),
    Option("no-history", "do not append this run to the history", flag=True),
    Option("ref-run-timeout", "seconds a reference binary may run, x4 under qemu; longer makes the test "
           "ref-invalid and the candidate is never built (default: 5 for generated suites, else --run-timeout)",
           "S", float, seconds=True),
    Option("backend", "where compilers and programs run: local (sandboxed processes here) or docker (one "
           "container per worker and arch; see 'oracle images')", "local|docker", default="local"),
    Option("xfail", "expected failures, lit's XFAIL: a file of 'CASE-ID-GLOB VERDICT[,VERDICT]|* REASON' lines; "
           "a listed case failing as listed is an xfail (counted apart, no ERROR line, no task, no exit 1), one "
           "that passes an xpass (the run exits 1 until its line goes)", "FILE"),
)


_RUNS = itertools.count()


def fresh_run_id() -> str:
    """Names the run's scratch folders and containers: unique on this machine."""
    n = next(_RUNS)
    return time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}" + (f"-{n}" if n else "")


NOT_RESUMED = {"resume": False}  # a RunConfig field a --resume may change: where things go, not what a case is


@dataclass(frozen=True)
class RunConfig:
    """Everything a worker needs to judge cases; plain data, JSON round-trips."""

    suite: str
    arches: tuple[str, ...]
    opts: tuple[str, ...]
    candidates: dict[str, Toolchain]
    references: dict[str, Toolchain]
    emulators: dict[str, Emulator]
    out_dir: str = field(metadata=NOT_RESUMED)
    seed: str = "0"
    ratio: float | None = None
    at_least_one: bool = False
    shard: tuple[int, int] | None = None
    # balance the shards with the history's durations up to this run (0: by count)
    shard_history: int = field(default=0, metadata=NOT_RESUMED)
    filter: str | None = None
    json_copy: str | None = field(default=None, metadata=NOT_RESUMED)
    junit_copy: str | None = field(default=None, metadata=NOT_RESUMED)
    compile_timeout: float = field(default=60.0, metadata=option(
        "seconds a candidate compile may take (default: 60)", seconds=True))
    ref_compile_timeout: float = field(default=120.0, metadata=option(
        "seconds a reference compile may take (default: 120)", seconds=True))
    run_timeout: float = field(default=10.0, metadata=option(
        "seconds a test binary may run, x4 under qemu (default: 10)", seconds=True))
    ref_run_timeout: float = 10.0
    # None: endless (oracle fuzz, which stops at its deadline)
    count: int | None = field(default=100, metadata=option(
        "generated suites: how many programs (default: 100)", "N", low=1))
    gen_seed: int = 0
    csmith_args: str = field(default="", metadata=option(
        "extra csmith options, e.g. '--no-pointers --max-funcs 4'", "ARGS"))
    csmith_include: str | None = field(default=None, metadata=option(
        "folder holding csmith.h (default: /usr/include/csmith)", "DIR"))
    gen_timeout: float = field(default=30.0, metadata=option(
        "seconds a generator may take for one program (default: 30)", seconds=True))
    ub_check: bool = False
    # False (--rejudge, --no-cache): no judgement is reused, every candidate compile and run happens
    reuse_judgements: bool = field(default=True, metadata=NOT_RESUMED)
    # clang and its --version line: a runtime failure's third opinion (() when there is no clang)
    clang: tuple[str, ...] = ()
    clang_version: str = ""
    candidate_rev: str | None = None  # --candidate-rev, as given (the identity holds what it decided)
    max_failures: int | None = field(default=None, metadata=NOT_RESUMED)  # --max-failures: the run stops after this many candidate failures
    # the x86_64 reference that builds the sanitizer binary
    ub_reference: tuple[str, ...] = field(default=(), metadata=NOT_RESUMED)
    shrink_timeout: float = field(default=120.0, metadata=option(
        "hypothesis suite: seconds spent shrinking one failing program (default: 120)", seconds=True))
    stdout_limit: int = field(default=1 << 20, metadata=option(
        "bytes of a test binary's stdout kept and compared, the reference's and the candidate's; more "
        "makes the run's output truncated, never equal (default: 1048576)", "BYTES", low=1, high=64 << 20))
    cache_path: str | None = field(default=None, metadata=NOT_RESUMED)  # None: no reference cache
    history_path: str | None = field(default=None, metadata=NOT_RESUMED)  # None: the run is not recorded
    sandbox: str = "none"  # "bwrap" or "none", decided once at start
    # out_dir holds an interrupted run's results.json to complete
    resume: bool = field(default=False, metadata=NOT_RESUMED)
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"), metadata=NOT_RESUMED)
    warnings: tuple[str, ...] = field(default=(), metadata=NOT_RESUMED)
    backend: str = "local"
    run_id: str = field(default_factory=lambda: fresh_run_id(), metadata=NOT_RESUMED)
    # the controller process (docker: whose containers these are)
    owner: str = field(default="", metadata=NOT_RESUMED)
    # docker: per arch, the image's tag, id and toolchain versions
    images: dict = field(default_factory=dict, metadata=NOT_RESUMED)
    # the folder the suite's programs are in (what a container mounts)
    suite_root: str | None = field(default=None, metadata=NOT_RESUMED)
    # --xfail: its entries ([pattern, [verdicts], reason]); the controller marks records by them
    xfail: tuple = field(default=(), metadata=NOT_RESUMED)

    def to_dict(self) -> dict:
        """Every field, as JSON data: what results.json records, so the run can be judged again."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["candidates"] = {a: t.to_json() for a, t in self.candidates.items()}
        d["references"] = {a: t.to_json() for a, t in self.references.items()}
        d["emulators"] = {a: e.to_json() for a, e in self.emulators.items()}
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "RunConfig":
        """ValueError when d is not a recorded configuration (an older oracle's, say)."""
        try:
            d = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
            d["candidates"] = {a: Toolchain.from_json(t) for a, t in d["candidates"].items()}
            d["references"] = {a: Toolchain.from_json(t) for a, t in d["references"].items()}
            d["emulators"] = {a: Emulator.from_json(e) for a, e in d["emulators"].items()}
            for k in ("arches", "opts", "warnings", "ub_reference", "clang", "xfail"):
                d[k] = tuple(d.get(k) or ())
            if d.get("shard") is not None:
                d["shard"] = tuple(d["shard"])
            return cls(**d)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not an oracle run configuration ({type(exc).__name__}: {exc})") from None

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> "RunConfig":
        return cls.from_dict(json.loads(text))

    @property
    def gen(self) -> "GenOptions":
        from oracle.discover.suites.generated import GenOptions

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


def _field_options() -> tuple[Option, ...]:
    out = []
    for f in fields(RunConfig):
        meta = f.metadata.get("option")
        if meta is not None:
            out.append(Option(f.name.replace("_", "-"), meta["help"], meta["metavar"], type(f.default) if
                              f.default is not None else str, f.default, seconds=meta["seconds"], low=meta["low"],
                              high=meta["high"], field=True))
    return tuple(out)


# Every run option, in one table: the CLI, the plugin (--oracle-NAME) and the settings files take
# theirs from here, and RunConfig gets each field option's value as given.
OPTIONS: tuple[Option, ...] = _INTERPRETED + _field_options()
FIELD_OPTIONS = tuple(o for o in OPTIONS if o.field)
DEFAULTS: dict[str, object] = {opt.dest: opt.default for opt in OPTIONS}
TIMEOUTS = tuple(o.dest for o in OPTIONS if o.seconds)
SANDBOXES = ("auto", "bwrap", "none")
BACKENDS = ("local", "docker")


@dataclass(frozen=True, slots=True)
class Settings:
    """The option values, checked, with every default filled in from OPTIONS: what the command
    line says, before anything on the machine is looked at."""

    candidates: dict[str, tuple[str, ...]]  # per arch, the --compiler command
    references: dict[str, tuple[str, ...]]  # per arch, a --reference command (else GCC)
    arches: tuple[str, ...]
    opts: tuple[str, ...]
    values: dict  # every option by dest, defaults filled in
    ratio: float | None
    at_least_one: bool
    shard: tuple[int, int] | None
    seed: str

    def __getattr__(self, name: str):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def _split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def parse_shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    if value.strip() == "auto":
        from oracle.discover.shards import from_environment

        return from_environment(os.environ)
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise UsageError(f"bad --shard {value!r}: use K/N with 1 <= K <= N (e.g. --shard 2/4), or auto")
    return int(m.group(1)), int(m.group(2))


def parse(given: dict) -> Settings:
    """Check option values (keyed by Option.dest; None means not given); UsageError on any problem."""
    values = {k: (given.get(k) if given.get(k) is not None else d) for k, d in DEFAULTS.items()}
    specs = values["compiler"] or []
    if not specs:
        raise UsageError("no candidate compiler: pass --compiler CMD (e.g. --compiler tcc)")
    candidates = parse_specs(specs)
    references = parse_specs(values["reference"] or [], "--reference")
    arches = tuple(dict.fromkeys(canonical_arch(a, "--arch") for a in _split_list(values["arch"]))) or tuple(
        a for a in TARGETS if a in candidates)
    for arch in arches:
        if arch not in candidates:
            how = "--compiler CMD" if arch == HOST_ARCH else f"--compiler {arch}=CMD"
            raise UsageError(f"no candidate compiler for {arch}: add {how}")
    opts = tuple(dict.fromkeys(normalise_opt(o) for o in _split_list(values["opt"])))
    if not opts:
        raise UsageError("empty --opt: give a comma list like O0,O2")
    ratio, at_least_one = values["ratio"], bool(values["fast"])
    if at_least_one and ratio is None:
        ratio = 1.0
    if ratio is not None and not 0 < ratio <= 100:
        raise UsageError(f"bad --ratio {ratio}: give a percentage in (0, 100]")
    if values["filter"]:
        try:
            re.compile(values["filter"])
        except re.error as exc:
            raise UsageError(f"bad --filter {values['filter']!r}: {exc}") from None
    for name in TIMEOUTS:
        if values[name] is not None and not (math.isfinite(values[name]) and values[name] > 0):
            raise UsageError(f"--{name.replace('_', '-')} must be a positive, finite number of seconds, "
                             f"not {values[name]}")
    for o in OPTIONS:
        v = values[o.dest]
        if v is not None and o.low is not None and v < o.low:
            raise UsageError(f"--{o.name} must be at least {o.low:g}")
        if v is not None and o.high is not None and v > o.high:
            raise UsageError(f"--{o.name} must be at most {o.high:g}")
    if values["backend"] not in BACKENDS:
        raise UsageError(f"unknown --backend {values['backend']!r}: use {' or '.join(BACKENDS)}")
    if values["sandbox"] not in SANDBOXES:
        raise UsageError(f"bad --sandbox {values['sandbox']!r}: use auto, bwrap or none")
    if values["shard_by"] not in ("count", "time"):
        raise UsageError(f"bad --shard-by {values['shard_by']!r}: use count or time")
    if values["ub_check"] and values["no_ub_check"]:
        raise UsageError("--ub-check and --no-ub-check contradict each other: give one")
    seed = str(values["seed"] or os.environ.get("AGENT_ID") or "0")
    return Settings(candidates, references, arches, opts, values, ratio, at_least_one, parse_shard(values["shard"]),
                    seed)


def default_out_dir() -> str:
    return os.path.join(".oracle", "runs", time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}")


# What a --resume must not change (it would judge the rest of the run differently): every field
# not marked NOT_RESUMED.
RESUME_KEYS = tuple(f.name for f in fields(RunConfig) if f.metadata.get("resume", True))
