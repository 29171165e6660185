"""results.json: run metadata, toolchain identities, a summary and every case."""

from __future__ import annotations

import json
from collections import Counter

from .. import __version__
from .. import verdict as V
from ..config import RunConfig
from . import atomic_write


def summary(records: list[dict]) -> dict:
    by_verdict = Counter(r["verdict"] for r in records)
    by_arch: dict[str, Counter] = {}
    for r in records:
        by_arch.setdefault(r["arch"], Counter())[r["verdict"]] += 1
    order = [v.name for v in V.ALL]
    return {
        "total": len(records),
        "failures": sum(n for name, n in by_verdict.items() if V.by_name(name).is_failure),
        "by_verdict": {v: by_verdict[v] for v in order if by_verdict[v]},
        "by_arch": {a: {v: c[v] for v in order if c[v]} for a, c in sorted(by_arch.items())},
    }


def render(cfg: RunConfig, records: list[dict], complete: bool = True) -> str:
    doc = {
        "oracle_version": __version__,
        "started": cfg.started,
        "complete": complete,
        "suite": cfg.suite,
        "arches": list(cfg.arches),
        "opts": list(cfg.opts),
        "selection": {"seed": cfg.seed, "ratio": cfg.ratio, "shard": cfg.shard and f"{cfg.shard[0]}/{cfg.shard[1]}",
                      "filter": cfg.filter},
        "toolchains": cfg.toolchains_record(),
        "timeouts": {"compile": cfg.compile_timeout, "ref_compile": cfg.ref_compile_timeout, "run": cfg.run_timeout,
                     "ref_run": cfg.ref_run_timeout},
        "warnings": list(cfg.warnings),
        "summary": summary(records),
        "cases": records,
    }
    return json.dumps(doc, indent=1, ensure_ascii=True) + "\n"


def write(path, cfg: RunConfig, records: list[dict], complete: bool = True) -> None:
    atomic_write(path, render(cfg, records, complete))
