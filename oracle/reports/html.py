"""One self-contained HTML page from the run history: pass rate over time per suite × arch,
the newest run's failures grouped into clusters (oracle/cluster.py), flips, and flaky cases.
No scripts and no external files: the plot is inline SVG drawn here."""

from __future__ import annotations

import html
import sqlite3
from collections import defaultdict

from .. import history
from ..cluster import clusters

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
W, H, PAD = 900, 320, 48


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def plot(rows: list[history.RateRow]) -> str:
    series: dict[str, list[history.RateRow]] = defaultdict(list)
    for r in rows:
        series[f"{r.suite} · {r.arch}"].append(r)
    runs = sorted({r.run for r in rows})
    if not runs:
        return "<p>No runs recorded yet.</p>"
    xpos = {run: PAD + (W - 2 * PAD) * (i / max(1, len(runs) - 1)) for i, run in enumerate(runs)}

    def y(rate: float) -> float:
        return H - PAD - (H - 2 * PAD) * rate / 100.0

    parts = [f'<svg id="passrate" xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
             f'viewBox="0 0 {W} {H}" role="img" aria-label="pass rate over runs">',
             f'<rect x="0" y="0" width="{W}" height="{H}" fill="#fff"/>']
    for pct in range(0, 101, 20):
        parts.append(f'<line x1="{PAD}" x2="{W - PAD}" y1="{y(pct):.1f}" y2="{y(pct):.1f}" stroke="#ddd"/>'
                     f'<text x="{PAD - 6}" y="{y(pct) + 4:.1f}" font-size="11" text-anchor="end">{pct}%</text>')
    for i, run in enumerate(runs):
        if len(runs) <= 12 or i % max(1, len(runs) // 12) == 0:
            parts.append(f'<text x="{xpos[run]:.1f}" y="{H - PAD + 16}" font-size="11" '
                         f'text-anchor="middle">#{run}</text>')
    for n, (name, pts) in enumerate(sorted(series.items())):
        colour = COLOURS[n % len(COLOURS)]
        coords = " ".join(f"{xpos[p.run]:.1f},{y(p.rate):.1f}" for p in pts)
        parts.append(f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="2" points="{coords}">'
                     f'<title>{_esc(name)}</title></polyline>')
        for p in pts:
            parts.append(f'<circle cx="{xpos[p.run]:.1f}" cy="{y(p.rate):.1f}" r="3" fill="{colour}">'
                         f'<title>{_esc(name)} run #{p.run}: {p.passed}/{p.counted} ({p.rate:.1f}%)</title></circle>')
        parts.append(f'<text x="{W - PAD}" y="{PAD - 28 + 14 * n}" font-size="12" fill="{colour}" '
                     f'text-anchor="end">{_esc(name)}</text>')
    parts.append(f'<text x="{W / 2}" y="{H - 8}" font-size="12" text-anchor="middle">run</text></svg>')
    return "".join(parts)


def table(headers: list[str], rows: list[list[object]], cls: str) -> str:
    if not rows:
        return f'<p class="{cls} empty">None.</p>'
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render(db: sqlite3.Connection) -> str:
    rates = history.pass_rates(db)
    latest = history.latest_runs(db, 1)
    failures_html = "<p>No runs recorded yet.</p>"
    if latest:
        # The same clusters as `oracle tasks` makes: one row a likely root cause.
        rows = []
        for cl in clusters(history.records_of(db, latest[0][0])):
            ids = cl.case_ids
            rows.append([cl.verdict, cl.title, cl.id, len(ids), ", ".join(ids[:5]) + (" …" if len(ids) > 5 else "")])
        failures_html = table(["verdict", "cluster", "id", "cases", "examples"], rows, "failures")
    summary_rows = [[f"#{r.run}", r.started, r.suite, r.arch, f"{r.passed}/{r.counted}", f"{r.rate:.1f}%",
                     r.failures, r.candidate] for r in rates[-40:]]
    flips = [[cid, a, b] for cid, a, b in history.flips(db)]
    flaky = [[cid, " → ".join(seq)] for cid, seq in history.flaky(db)]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>oracle: pass rate over time</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
h2 {{ margin-top: 1.5em; }}
</style></head><body>
<h1>oracle: pass rate over time</h1>
{plot(rates)}
<h2>Runs</h2>
{table(["run", "started", "suite", "arch", "passed", "rate", "failures", "candidate"], summary_rows, "runs")}
<h2>Current failures, by cluster</h2>
{failures_html}
<h2>Flipped since the previous run</h2>
{table(["case", "before", "now"], flips, "flips")}
<h2>Flaky cases (verdict changed, candidate did not)</h2>
{table(["case", "verdicts"], flaky, "flaky")}
</body></html>
"""
