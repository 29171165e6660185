"""results.json: run metadata, toolchain identities, a summary and every case."""

from __future__ import annotations

import json
from collections import Counter

from oracle import __version__
from oracle.model import verdict as V
from oracle.config.options import RunConfig
from oracle.report import atomic_file

# results.json's layout (docs/results.schema.json): fields are added under the same version,
# never removed or changed in meaning.
SCHEMA_VERSION = 1


def summary(records) -> dict:
    by_verdict: Counter = Counter()
    by_arch: dict[str, Counter] = {}
    for r in records:
        by_verdict[r.verdict.name] += 1
        by_arch.setdefault(r.arch, Counter())[r.verdict.name] += 1
    order = [v.name for v in V.ALL]
    return {
        "total": sum(by_verdict.values()),
        "failures": sum(n for name, n in by_verdict.items() if V.by_name(name).is_failure),
        "by_verdict": {v: by_verdict[v] for v in order if by_verdict[v]},
        "by_arch": {a: {v: c[v] for v in order if c[v]} for a, c in sorted(by_arch.items())},
    }


# The configuration fields results.json gives at its top level, for people and tools to read; its
# "config" holds the rest, so that no field is written twice. full_config() puts them together.
_TOP_TIMEOUTS = {"compile": "compile_timeout", "ref_compile": "ref_compile_timeout", "run": "run_timeout",
                 "ref_run": "ref_run_timeout"}
_TOP_SELECTION = ("seed", "ratio", "shard", "filter")
_TOP_FIELDS = ("suite", "arches", "opts", "warnings", *_TOP_SELECTION, *_TOP_TIMEOUTS.values())


def config_record(cfg: RunConfig) -> dict:
    """The configuration less what the top level of results.json already says."""
    return {k: v for k, v in cfg.to_dict().items() if k not in _TOP_FIELDS}


def full_config(doc: dict) -> dict | None:
    """The whole recorded configuration of a results.json document (None when it records none):
    its "config" with the top-level fields put back (an older results.json repeats them inside)."""
    raw = doc.get("config") if isinstance(doc, dict) else None
    if not isinstance(raw, dict):
        return None
    full = dict(raw)
    for k in ("suite", "arches", "opts", "warnings"):
        if k not in full and k in doc:
            full[k] = doc[k]
    selection = doc.get("selection") if isinstance(doc.get("selection"), dict) else {}
    for k in _TOP_SELECTION:
        if k not in full and k in selection:
            v = selection[k]
            if k == "shard" and isinstance(v, str) and "/" in v:
                i, _, n = v.partition("/")
                v = [int(i), int(n)] if i.isdigit() and n.isdigit() else None
            full[k] = v
    timeouts = doc.get("timeouts") if isinstance(doc.get("timeouts"), dict) else {}
    for top, k in _TOP_TIMEOUTS.items():
        if k not in full and top in timeouts:
            full[k] = timeouts[top]
    return full


def header(cfg: RunConfig, records, complete: bool = True) -> dict:
    return {
        "oracle_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "started": cfg.started,
        "complete": complete,
        "suite": cfg.suite,
        "arches": list(cfg.arches),
        "opts": list(cfg.opts),
        "selection": {"seed": cfg.seed, "ratio": cfg.ratio, "shard": cfg.shard and f"{cfg.shard[0]}/{cfg.shard[1]}",
                      "filter": cfg.filter},
        "toolchains": cfg.toolchains_record(),
        "config": config_record(cfg),
        "timeouts": {"compile": cfg.compile_timeout, "ref_compile": cfg.ref_compile_timeout, "run": cfg.run_timeout,
                     "ref_run": cfg.ref_run_timeout},
        "warnings": list(cfg.warnings),
        "summary": summary(records),
    }


def write(path, cfg: RunConfig, records, complete: bool = True) -> None:
    """The run's metadata, then "cases": one case a line (greppable), written as they come."""
    head = json.dumps(header(cfg, records, complete), indent=1, ensure_ascii=True)
    with atomic_file(path) as f:
        f.write(head[:-2].encode() + b',\n "cases": [')
        sep = b"\n  "
        for r in records:
            f.write(sep + r.line().encode())
            sep = b",\n  "
        f.write(b"\n ]\n}\n")
