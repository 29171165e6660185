"""The console summary: a handful of lines whatever the number of failures."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from oracle.model import verdict as V
from oracle.model.record import CaseRecord
from oracle.report.errors_log import line as error_line

MAX_ERRORS = 5


def arch_line(arch: str, counts: Counter) -> str:
    counted = sum(n for name, n in counts.items() if V.by_name(name).counted)
    passed = counts[V.PASS.name]
    pct = f" ({100.0 * passed / counted:.1f}%)" if counted else ""
    parts = [f"{arch}: {passed}/{counted} passed{pct}"]
    for v in V.ALL:
        if v is not V.PASS and counts[v.name]:
            parts.append(f"{counts[v.name]} {v.name}")
    return " · ".join(parts)


RATES_PREFIX = "pass rates: "


def rates_line(per_arch: dict[str, Counter]) -> str:
    """Every arch on one line, in the form agents paste into commit messages:
    `pass rates: x86_64: 1591/1707 (93.2%), aarch64: 1590/1705 (93.3%)`."""
    parts = []
    for arch, counts in per_arch.items():
        counted = sum(n for name, n in counts.items() if V.by_name(name).counted)
        passed = counts[V.PASS.name]
        parts.append(f"{arch}: {passed}/{counted}" + (f" ({100.0 * passed / counted:.1f}%)" if counted else ""))
    return RATES_PREFIX + ", ".join(parts)


class Tally:
    """Counts per arch and the first few ERROR lines, kept as records arrive: the summary of a
    run of any size without reading its records again."""

    def __init__(self) -> None:
        self.per_arch: dict[str, Counter] = {}
        self.failures = 0
        self.shown: list[str] = []

    def add(self, r: CaseRecord) -> None:
        self.per_arch.setdefault(r.arch, Counter())[r.verdict.name] += 1
        if r.verdict.is_failure:
            self.failures += 1
            if len(self.shown) < MAX_ERRORS:
                self.shown.append(error_line(r)[:200])

    def lines(self, arches: tuple[str, ...]) -> list[str]:
        per_arch = {**{a: Counter() for a in arches}, **self.per_arch}
        out = [arch_line(a, c) for a, c in per_arch.items()]
        out += self.shown
        if self.failures > MAX_ERRORS:
            out.append(f"... and {self.failures - MAX_ERRORS} more ERROR lines in errors.log")
        if len(per_arch) > 1:  # one arch: its line above already says it
            out.append(rates_line(per_arch))
        return out


def lines(records: Iterable[CaseRecord], arches: tuple[str, ...]) -> list[str]:
    tally = Tally()
    for r in records:
        tally.add(r)
    return tally.lines(arches)
