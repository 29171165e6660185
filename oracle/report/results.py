"""Reading a finished run back: results.json, its case folders, its configuration.

Used by everything that works on results after the fact (tasks, reduce, gate, merge).
Records are parsed once, here, into CaseRecords; re-judging rebuilds each case from its
record and the run's recorded configuration, never by discovering the suite again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from oracle.config.options import RunConfig
from oracle.model.errors import UsageError
from oracle.model.record import CaseRecord
from oracle.report.casedir import slug
from oracle.config.recorded import full_config

DEFAULT_RUN = Path(".oracle", "runs", "latest")


@dataclass(slots=True)
class Run:
    """One results.json and the folder it sits in (where `cases/` lives)."""

    path: Path
    doc: dict
    cases: list[CaseRecord]

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def arches(self) -> tuple[str, ...]:
        return tuple(self.doc.get("arches") or ())

    def case_dir(self, case_id: str) -> Path | None:
        d = self.folder / "cases" / slug(case_id)
        return d if d.is_dir() else None

    def record(self, case_id: str) -> CaseRecord:
        for r in self.cases:
            if r.id == case_id:
                return r
        raise UsageError(f"no case {case_id!r} in {self.path}: copy an id from its errors.log")

    @property
    def config_dict(self) -> dict:
        """The recorded configuration as JSON data ({} when the run records none)."""
        return full_config(self.doc) or {}

    def recorded_config(self) -> RunConfig:
        raw = full_config(self.doc)
        if raw is None:
            raise UsageError(f"{self.path} records no run configuration (written by an older oracle): "
                             "run the suite again to judge its cases again")
        try:
            return RunConfig.from_dict(raw)
        except ValueError as exc:
            raise UsageError(f"{self.path}: {exc}") from None

    def config(self, out_dir: str) -> RunConfig:
        """The run's own configuration, to judge its cases again here exactly as it did."""
        from oracle.config.machine import rejudging

        return rejudging(self.recorded_config(), out_dir)


def load(where: str | Path | None) -> Run:
    """A run from a results.json file or a run folder (default: the latest run)."""
    path = Path(where) if where else DEFAULT_RUN
    if path.is_dir():
        path = path / "results.json"
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise UsageError(f"no results at {path}: give a run folder or its results.json (--results FILE, --run DIR), or "
                         "run 'oracle run' first") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        raise UsageError(f"{path} is not an oracle results.json (no 'cases' list)")
    cases = []
    for i, row in enumerate(doc["cases"]):
        try:
            cases.append(CaseRecord.from_json(row))
        except (ValueError, AttributeError) as exc:
            raise UsageError(f"{path}: case {i + 1} is not a case record ({exc})") from None
    return Run(path.resolve(), doc, cases)
