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


def lines(records: list[dict], arches: tuple[str, ...]) -> list[str]:
    per_arch: dict[str, Counter] = {a: Counter() for a in arches}
    for r in records:
        per_arch.setdefault(r["arch"], Counter())[r["verdict"]] += 1
    out = [arch_line(a, c) for a, c in per_arch.items()]
    failures = [r for r in records if V.by_name(r["verdict"]).is_failure]
    out += [error_line(r)[:200] for r in failures[:MAX_ERRORS]]
    if len(failures) > MAX_ERRORS:
        out.append(f"... and {len(failures) - MAX_ERRORS} more ERROR lines in errors.log")
    return out
