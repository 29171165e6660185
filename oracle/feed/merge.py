"""`oracle merge`: shard results (results.json files or run folders) into one report."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from oracle import __version__
from oracle.model.errors import OracleError
from oracle.report import atomic_write, errors_log, junit, refuse_folder, refuse_special, run_page
from oracle.report.json_report import SCHEMA_VERSION, summary
from oracle.model.record import CaseRecord
from oracle.model import verdict as V
from oracle.report.results import Run, load


def merge(out: str | Path, sources: list[str]) -> Path:
    """Write OUT/results.json, junit.xml, errors.log and report.html for the union of the runs, and copy
    their case folders, so `oracle tasks` and `oracle gate` work on the merged folder."""
    runs = [load(s) for s in sources]
    out = Path(out)
    for name in ("results.json", "junit.xml", "errors.log", "report.html"):  # before anything is copied
        refuse_special(out / name)
    refuse_folder(out / "cases")
    latest: dict[str, tuple[CaseRecord, Run]] = {}  # a case's record in the last run naming it
    for run in runs:
        for r in run.cases:
            latest[r.id] = (r, run)
    for cid, (r, run) in latest.items():
        # Only the folders of the cases that fail in the merged results: a folder left by an
        # earlier run into a shard's --out is not a failure of this one.
        src = run.case_dir(cid)
        if src is not None and (r.verdict.is_failure or r.verdict is V.INFRA_ERROR):
            dest = out / "cases" / src.name
            if src.resolve() != dest.resolve():
                refuse_folder(dest)
                shutil.rmtree(dest, ignore_errors=True)  # a real folder: its links are removed, never followed
                shutil.copytree(src, dest, symlinks=True)
    ordered = [latest[k][0] for k in sorted(latest)]
    first = runs[0].doc
    toolchains: dict = {}
    for run in runs:
        for arch, tc in (run.doc.get("toolchains") or {}).items():
            toolchains.setdefault(arch, tc)
    doc = {
        "oracle_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "started": min(r.doc.get("started", "") for r in runs),
        "complete": all(r.doc.get("complete", True) for r in runs),
        "suite": first.get("suite"),
        "arches": sorted({a for r in runs for a in r.doc.get("arches", [])}),
        "opts": sorted({o for r in runs for o in r.doc.get("opts", [])}),
        # The shards' selection (each shard's but for the shard), and where they came from.
        "selection": {**{k: v for k, v in (first.get("selection") or {}).items() if k != "shard"},
                      "merged_from": [str(r.path) for r in runs]},
        "toolchains": toolchains,
        "timeouts": first.get("timeouts", {}),
        "warnings": sorted({w for r in runs for w in r.doc.get("warnings", [])}),
        "summary": summary(ordered),
    }
    if "config" in first:  # the first shard's configuration: every shard's but for the shard
        doc["config"] = first["config"]
    head = json.dumps(doc, indent=1, ensure_ascii=True)
    body = ",\n  ".join(r.line() for r in ordered)
    atomic_write(out / "results.json", head[:-2] + ',\n "cases": [\n  ' + body + "\n ]\n}\n")
    junit.write(out / "junit.xml", ordered)
    errors_log.write(out / "errors.log", ordered)
    try:  # the merged run's page, with the first shard's configuration (every shard's but the shard)
        cfg = runs[0].recorded_config()
    except OracleError:
        cfg = None  # results from an older oracle: no compilers to name, no page
    if cfg is not None:
        arches = tuple(sorted({r.arch for r in ordered} | set(cfg.arches)))
        run_page.write(out / "report.html", replace(cfg, arches=arches, out_dir=str(out)), ordered)
    return out
