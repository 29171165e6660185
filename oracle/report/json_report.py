"""results.json: run metadata, toolchain identities, a summary and every case."""

from __future__ import annotations

import json
from collections import Counter

from oracle import __version__
from oracle.model import verdict as V
from oracle.config.options import RunConfig
from oracle.config.recorded import config_record, top_level
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


def header(cfg: RunConfig, records, complete: bool = True) -> dict:
    return {
        "oracle_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "started": cfg.started,
        "complete": complete,
        **top_level(cfg),  # suite, arches, opts, selection, timeouts, warnings
        "toolchains": cfg.toolchains_record(),
        "config": config_record(cfg),  # the rest
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
