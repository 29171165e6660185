"""The console summary: a handful of lines whatever the number of failures."""

from __future__ import annotations

from collections import Counter

from .. import verdict as V
from .errors_log import line as error_line

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


def lines(records, arches: tuple[str, ...]) -> list[str]:
    per_arch: dict[str, Counter] = {a: Counter() for a in arches}
    failures, shown = 0, []
    for r in records:
        per_arch.setdefault(r["arch"], Counter())[r["verdict"]] += 1
        if V.by_name(r["verdict"]).is_failure:
            failures += 1
            if len(shown) < MAX_ERRORS:
                shown.append(error_line(r)[:200])
    out = [arch_line(a, c) for a, c in per_arch.items()]
    out += shown
    if failures > MAX_ERRORS:
        out.append(f"... and {failures - MAX_ERRORS} more ERROR lines in errors.log")
    return out
