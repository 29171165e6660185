"""A run's configuration as results.json records it: split between the file's top level (suite,
arches, opts, warnings, selection, timeouts: what people and tools read) and its "config" (the
rest), so that no field is written twice; and put together again to judge the run's cases anew."""

from __future__ import annotations

from oracle.config.options import RunConfig

# The configuration fields results.json gives at its top level, for people and tools to read; its
# "config" holds the rest, so that no field is written twice. full_config() puts them together.
_TOP_TIMEOUTS = {"compile": "compile_timeout", "ref_compile": "ref_compile_timeout", "run": "run_timeout",
                 "ref_run": "ref_run_timeout"}
_TOP_SELECTION = ("seed", "ratio", "shard", "filter")
_TOP_FIELDS = ("suite", "arches", "opts", "warnings", *_TOP_SELECTION, *_TOP_TIMEOUTS.values())


def top_level(cfg: RunConfig) -> dict:
    """What results.json's top level says of the configuration (full_config() reads it back)."""
    return {
        "suite": cfg.suite,
        "arches": list(cfg.arches),
        "opts": list(cfg.opts),
        "selection": {"seed": cfg.seed, "ratio": cfg.ratio, "shard": cfg.shard and f"{cfg.shard[0]}/{cfg.shard[1]}",
                      "filter": cfg.filter},
        "timeouts": {top: getattr(cfg, k) for top, k in _TOP_TIMEOUTS.items()},
        "warnings": list(cfg.warnings),
    }


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
