"""The console summary: a handful of lines whatever the number of failures."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from oracle.model import verdict as V
from oracle.model.record import CaseRecord
from oracle.report.errors_log import line as error_line, xpass_line

MAX_ERRORS = 5


XFAIL, XPASS = "xfail", "xpass"  # --xfail's counts beside the verdicts' (not verdicts: a list's view of them)


def arch_line(arch: str, counts: Counter, expected: Counter | None = None) -> str:
    """`expected`: --xfail's counts (xfail, xpass, and the xfails by verdict name)."""
    expected = expected or Counter()
    counted = sum(n for name, n in counts.items() if V.by_name(name).counted)
    passed = counts[V.PASS.name]
    pct = f" ({100.0 * passed / counted:.1f}%)" if counted else ""
    parts = [f"{arch}: {passed}/{counted} passed{pct}"]
    for v in V.ALL:
        n = counts[v.name] - (expected[v.name] if v.is_failure else 0)
        if v is not V.PASS and n:
            parts.append(f"{n} {v.name}")
    for what in (XFAIL, XPASS):
        if expected[what]:
            parts.append(f"{expected[what]} {what}")
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
        self.xpass: list[str] = []
        self.expected: dict[str, Counter] = {}  # --xfail's counts per arch

    def add(self, r: CaseRecord) -> None:
        self.per_arch.setdefault(r.arch, Counter())[r.verdict.name] += 1
        if r.is_xfail or r.is_xpass:
            e = self.expected.setdefault(r.arch, Counter())
            if r.is_xfail:
                e[XFAIL] += 1
                e[r.verdict.name] += 1
            else:
                e[XPASS] += 1
                self.xpass.append(xpass_line(r)[:200])
        if r.unexpected_failure:
            self.failures += 1
            if len(self.shown) < MAX_ERRORS:
                self.shown.append(error_line(r)[:200])

    def lines(self, arches: tuple[str, ...]) -> list[str]:
        per_arch = {**{a: Counter() for a in arches}, **self.per_arch}
        out = [arch_line(a, c, self.expected.get(a)) for a, c in per_arch.items()]
        out += self.shown
        if self.failures > MAX_ERRORS:
            out.append(f"... and {self.failures - MAX_ERRORS} more ERROR lines in errors.log")
        out += self.xpass[:MAX_ERRORS]
        if len(self.xpass) > MAX_ERRORS:
            out.append(f"... and {len(self.xpass) - MAX_ERRORS} more XPASS lines in errors.log")
        if len(per_arch) > 1:  # one arch: its line above already says it
            out.append(rates_line(per_arch))
        return out


def lines(records: Iterable[CaseRecord], arches: tuple[str, ...]) -> list[str]:
    tally = Tally()
    for r in records:
        tally.add(r)
    return tally.lines(arches)
