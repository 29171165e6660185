"""The run's configuration: one table of options shared by the CLI and the pytest
plugin, validated once, probed once, and shipped to every worker as JSON."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import UsageError
from .model import normalise_opt
from .targets import HOST_ARCH, TARGETS, normalise_arch
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
    Option("suite", "torture, smoke, or a folder of .c files (default: torture)", "SUITE", default="torture"),
    Option("arch", "comma list of arches to test (default: every arch with a candidate)", "ARCH[,ARCH]"),
    Option("opt", "comma list of candidate opt levels, one case each (default: O0)", "O0[,O2]", default="O0"),
    Option("reference", "reference compiler instead of GCC: [ARCH=]CMD, repeatable", "[ARCH=]CMD", append=True),
    Option("ratio", "keep only P percent of the cases, chosen by --seed", "P", float),
    Option("fast", "a quick sample: --ratio 1, at least one case per arch", flag=True),
    Option("seed", "sampling seed (default: $AGENT_ID, else 0): different seeds test different samples", "S"),
    Option("shard", "run only shard K of N (1-based); the N shards partition the cases", "K/N"),
    Option("filter", "run only cases whose id matches this regular expression", "REGEX"),
    Option("out", "output folder (default: .oracle/runs/<timestamp>, linked as .oracle/runs/latest)", "DIR"),
    Option("json", "also write results.json here", "FILE"),
    Option("junit", "also write the JUnit XML here", "FILE"),
    Option("compile-timeout", "seconds a candidate compile may take (default: 60)", "S", float, 60.0),
    Option("ref-compile-timeout", "seconds a reference compile may take (default: 120)", "S", float, 120.0),
    Option("run-timeout", "seconds a test binary may run, x4 under qemu (default: 10)", "S", float, 10.0),
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
    stdout_limit: int = 1 << 20
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
        for k in ("arches", "opts", "warnings"):
            d[k] = tuple(d[k])
        if d["shard"] is not None:
            d["shard"] = tuple(d["shard"])
        return cls(**d)

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
    for name in ("compile_timeout", "ref_compile_timeout", "run_timeout"):
        if values.get(name) is not None and values[name] <= 0:
            raise UsageError(f"--{name.replace('_', '-')} must be positive")
    shard = parse_shard(values.get("shard"))
    backend = values.get("backend") or "local"
    from .backends import NAMES

    if backend not in NAMES:
        raise UsageError(f"unknown --backend {backend!r}: use {' or '.join(NAMES)}")

    # Check the suite before the (slower) toolchain probes: a typo should fail fast.
    from .suites import open_suite

    open_suite(values.get("suite") or "torture")

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

    seed = values.get("seed") or os.environ.get("AGENT_ID") or "0"
    out = values.get("out") or default_out_dir()
    cfg = RunConfig(
        suite=values.get("suite") or "torture",
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
        run_timeout=float(values.get("run_timeout") or 10.0),
        warnings=tuple(warnings),
        backend=backend,
    )
    if backend == "docker":
        from .backends.docker import preflight

        cfg = preflight(cfg)
    return cfg


def default_out_dir() -> str:
    return os.path.join(".oracle", "runs", time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}")


def oracle_version() -> str:
    return __version__
