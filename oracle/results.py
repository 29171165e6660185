"""Reading a finished run back: results.json, its case folders, and the cases themselves.

Used by everything that works on results after the fact (tasks, reduce, gate, merge),
so a run can be re-judged case by case without running it again.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from .config import RunConfig
from .errors import UsageError
from .model import Case
from .reports.casedir import slug
from .toolchain import Emulator, Toolchain

DEFAULT_RUN = Path(".oracle", "runs", "latest")


@dataclass(slots=True)
class Run:
    """One results.json and the folder it sits in (where `cases/` lives)."""

    path: Path
    doc: dict

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def cases(self) -> list[dict]:
        return self.doc.get("cases", [])

    def case_dir(self, case_id: str) -> Path | None:
        d = self.folder / "cases" / slug(case_id)
        return d if d.is_dir() else None

    def record(self, case_id: str) -> dict:
        for r in self.cases:
            if r["id"] == case_id:
                return r
        raise UsageError(f"no case {case_id!r} in {self.path}: copy an id from its errors.log")

    def config(self, out_dir: str) -> RunConfig:
        """A RunConfig that judges this run's cases again with the same toolchains."""
        tcs = self.doc.get("toolchains") or {}
        timeouts = {f"{k}_timeout": float(v) for k, v in (self.doc.get("timeouts") or {}).items()
                    if k in ("compile", "ref_compile", "run", "ref_run")}
        timeouts.setdefault("ref_run_timeout", timeouts.get("run_timeout", 10.0))
        if not tcs:
            raise UsageError(f"{self.path} records no toolchains: it cannot be re-judged")
        return RunConfig(
            suite=self.doc.get("suite", "torture"),
            arches=tuple(self.doc.get("arches") or tcs),
            opts=tuple(self.doc.get("opts") or ("-O0",)),
            candidates={a: Toolchain.from_json(t["candidate"]) for a, t in tcs.items()},
            references={a: Toolchain.from_json(t["reference"]) for a, t in tcs.items()},
            emulators={a: Emulator.from_json(t["emulator"]) for a, t in tcs.items()},
            out_dir=out_dir,
            **timeouts,
        )


def load(where: str | Path | None) -> Run:
    """A run from a results.json file or a run folder (default: the latest run)."""
    path = Path(where) if where else DEFAULT_RUN
    if path.is_dir():
        path = path / "results.json"
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise UsageError(f"no results at {path}: run 'oracle run' first or pass --results FILE") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        raise UsageError(f"{path} is not an oracle results.json (no 'cases' list)")
    return Run(path.resolve(), doc)


def find_case(cfg: RunConfig, record: dict) -> Case:
    """The Case behind a record, rediscovered from its suite (so it has its sources and flags)."""
    case = _suite_cases(cfg.suite, record["arch"], record["opt"]).get(record["id"])
    if case is None:
        raise UsageError(f"case {record['id']} is no longer in suite {cfg.suite!r}")
    return case


@functools.lru_cache(maxsize=8)
def _suite_cases(suite: str, arch: str, opt: str) -> dict[str, Case]:
    # Discovering the torture suite reads 1,700 files: once per suite, arch and opt level.
    from .suites import open_suite

    return {c.id: c for c in open_suite(suite).cases((arch,), (opt,))}
