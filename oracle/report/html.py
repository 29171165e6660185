"""One self-contained HTML page from the run history: one section per selection (oracle/report/history.py:
the same suite, opt levels, filter, sample and shard), each with the pass rate over time per arch ×
candidate, the failures of each run stacked by verdict, the pass rates per arch side by side with
links to each run's folder, the newest run's failures grouped into clusters (oracle/feed/cluster.py)
with links to their repro.sh, its slowest cases, flips and flaky cases.

No scripts and no external files: the plots are inline SVG drawn here. The x-axis is time, so a
stretch without runs is a gap, not a line drawn across it.
"""

from __future__ import annotations

import html
import sqlite3
import statistics
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from oracle.report import history
from oracle.model import verdict as V
from oracle.feed.cluster import clusters
from oracle.report.casedir import slug

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
VERDICT_COLOURS = dict(zip((v.name for v in V.FAILURES),
                           ("#d62728", "#9467bd", "#8c564b", "#ff7f0e", "#e377c2", "#1f77b4", "#7f7f7f", "#bcbd22")))
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 820, 260, 48, 16, 14, 40
GAP_FACTOR = 4  # a line breaks where two runs are further apart than this many median intervals
MIN_GAP_S = 3600  # ... and never for less than an hour
MIN_TICK_PX = 90  # between two labels of the time axis
STANDS_OUT = 2.0  # a case is shown among the slowest when it took this many times the run's median


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _when(started: str) -> float:
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"):
        try:
            t = datetime.strptime(started[:24], fmt)
            return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).timestamp()
        except ValueError:
            continue
    return 0.0


def _uri(path: str | Path) -> str:
    try:
        return Path(path).absolute().as_uri()
    except ValueError:
        return ""


class TimeAxis:
    """Seconds since the epoch to x pixels, with a few readable ticks."""

    def __init__(self, times: list[float]):
        lo, hi = min(times), max(times)
        self.times = sorted(set(times))
        pad = max(60.0, (hi - lo) * 0.03)
        self.lo, self.hi = lo - pad, hi + pad

    def x(self, t: float) -> float:
        return PAD_L + (W - PAD_L - PAD_R) * (t - self.lo) / (self.hi - self.lo)

    def ticks(self, n: int = 6) -> list[tuple[float, str]]:
        """A few labels under the axis: at the runs themselves when there are few (a short history
        reads as "these runs, then"), else evenly spaced; never two closer than MIN_TICK_PX."""
        span = self.hi - self.lo
        fmt = "%H:%M:%S" if span < 3 * 3600 else "%m-%d %H:%M" if span < 5 * 86400 else "%Y-%m-%d"
        at = self.times if len(self.times) <= n else [self.lo + span * (i + 0.5) / n for i in range(n)]
        out: list[tuple[float, str]] = []
        for t in at:
            x = self.x(t)
            if not out or x - out[-1][0] >= MIN_TICK_PX:
                out.append((x, datetime.fromtimestamp(t, timezone.utc).strftime(fmt)))
        return out


def _frame(axis: TimeAxis, ident: str, label: str, ylabels: list[tuple[float, str]]) -> list[str]:
    parts = [f'<svg id="{ident}" class="chart" xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
             f'viewBox="0 0 {W} {H}" role="img" aria-label="{_esc(label)}">',
             f'<rect x="0" y="0" width="{W}" height="{H}" fill="#fff"/>']
    for y, text in ylabels:
        parts.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{_esc(text)}</text>')
    for x, text in axis.ticks():
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{H - PAD_B}" y2="{H - PAD_B + 4}" stroke="#888"/>'
                     f'<text x="{x:.1f}" y="{H - PAD_B + 16}" font-size="11" text-anchor="middle">{_esc(text)}</text>')
    parts.append(f'<text x="{(PAD_L + W - PAD_R) / 2}" y="{H - 6}" font-size="11" text-anchor="middle">'
                 "time of the run (UTC)</text>")
    return parts


def _segments(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Points (time, value) split where runs are much further apart than usual: gaps stay gaps."""
    if len(points) < 3:
        return [points] if points else []
    gaps = [b[0] - a[0] for a, b in zip(points, points[1:])]
    limit = max(MIN_GAP_S, GAP_FACTOR * statistics.median(gaps))
    out = [[points[0]]]
    for gap, p in zip(gaps, points[1:]):
        if gap > limit:
            out.append([])
        out[-1].append(p)
    return out


def rate_plot(rows: list[history.RateRow], ident: str, axis: TimeAxis) -> tuple[str, str]:
    """The pass rate of each series (arch × candidate command) over time, and its legend (HTML)."""
    series: dict[tuple[str, str], list[history.RateRow]] = defaultdict(list)
    for r in rows:
        series[(r.arch, r.command)].append(r)

    def y(rate: float) -> float:
        return H - PAD_B - (H - PAD_T - PAD_B) * rate / 100.0

    parts = _frame(axis, ident, "pass rate over time", [(y(p), f"{p}%") for p in range(0, 101, 20)])
    legend = []
    for n, ((arch, command), pts) in enumerate(sorted(series.items())):
        colour = COLOURS[n % len(COLOURS)]
        name = f"{arch} · {command or '?'}"
        for seg in _segments([(_when(p.started), p.rate) for p in pts]):
            coords = " ".join(f"{axis.x(t):.1f},{y(v):.1f}" for t, v in seg)
            parts.append(f'<polyline class="series" fill="none" stroke="{colour}" stroke-width="2" '
                         f'points="{coords}"><title>{_esc(name)}</title></polyline>')
        for p in pts:
            parts.append(f'<circle cx="{axis.x(_when(p.started)):.1f}" cy="{y(p.rate):.1f}" r="3" fill="{colour}">'
                         f'<title>{_esc(name)} run #{p.run} {_esc(p.started)}: {p.passed}/{p.counted} '
                         f'({p.rate:.1f}%)</title></circle>')
        legend.append(f'<li><span class="swatch" style="background:{colour}"></span>{_esc(name)}</li>')
    parts.append("</svg>")
    return "".join(parts), f'<ul class="legend">{"".join(legend)}</ul>'


def failure_plot(rows: list[history.RateRow], ident: str, axis: TimeAxis) -> tuple[str, str]:
    """Per run, its failures stacked by verdict (every arch together)."""
    per_run: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    when: dict[int, float] = {}
    for r in rows:
        when[r.run] = _when(r.started)
        for verdict, n in r.by_verdict:
            per_run[r.run][verdict] += n
    top = max([sum(c.values()) for c in per_run.values()] + [1])
    step = max(1, -(-top // 4))
    top = step * 4

    def y(n: float) -> float:
        return H - PAD_B - (H - PAD_T - PAD_B) * n / top

    parts = _frame(axis, ident, "failures per run by verdict", [(y(k * step), str(k * step)) for k in range(5)])
    bar = 10.0
    used: set[str] = set()
    for run, t in sorted(when.items()):
        base = 0
        for verdict in (v.name for v in V.FAILURES):
            n = per_run[run].get(verdict, 0)
            if not n:
                continue
            used.add(verdict)
            parts.append(f'<rect class="bar" x="{axis.x(t) - bar / 2:.1f}" y="{y(base + n):.1f}" width="{bar}" '
                         f'height="{y(base) - y(base + n):.1f}" fill="{VERDICT_COLOURS[verdict]}">'
                         f'<title>run #{run}: {n} {verdict}</title></rect>')
            base += n
    parts.append("</svg>")
    legend = "".join(f'<li><span class="swatch" style="background:{VERDICT_COLOURS[v.name]}"></span>{v.name}</li>'
                     for v in V.FAILURES if v.name in used) or "<li>no failures</li>"
    return "".join(parts), f'<ul class="legend">{legend}</ul>'


def table(headers: list[str], rows: list[list[object]], cls: str, raw: set[int] = frozenset()) -> str:
    """An HTML table; columns in `raw` hold markup made here (links), every other cell is escaped."""
    if not rows:
        return f'<p class="{cls} empty">None.</p>'
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c if i in raw else _esc(c)}</td>" for i, c in enumerate(r)) + "</tr>"
                   for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _link(path: str | Path, text: str, cls: str) -> str:
    uri = _uri(path)
    return f'<a class="{cls}" href="{_esc(uri)}">{_esc(text)}</a>' if uri else _esc(text)


def _side_by_side(rows: list[history.RateRow]) -> str:
    arches = sorted({r.arch for r in rows})
    runs: dict[int, dict[str, history.RateRow]] = defaultdict(dict)
    for r in rows:
        runs[r.run][r.arch] = r
    body = []
    for run in sorted(runs, reverse=True)[:30]:
        first = next(iter(runs[run].values()))
        cells = [f"#{run}", _esc(first.started[:19])]
        for arch in arches:
            r = runs[run].get(arch)
            cells.append(f"{r.rate:.1f}% ({r.passed}/{r.counted})" if r else "—")
        cells.append(_esc(first.candidate))
        cells.append(_link(first.out_dir, "folder", "run-folder") if first.out_dir else "")
        body.append(cells)
    return table(["run", "started", *arches, "candidate", "run folder"], body, "rates",
                 raw=set(range(len(arches) + 4)))


def _current_failures(db: sqlite3.Connection, run: int) -> str:
    out_dir = history.run_info(db, run).get("out_dir", "")
    rows = []
    page = Path(out_dir, "report.html") if out_dir else None
    has_page = page is not None and page.is_file()
    uri = _uri(page) if has_page else ""
    for cl in clusters(history.records_of(db, run)):
        ids = cl.case_ids
        links = []
        for cid in ids[:5]:
            repro = Path(out_dir, "cases", slug(cid), "repro.sh") if out_dir else None
            if has_page:  # the case's section of its run's page (outputs, diff, source), then its script
                links.append(f'<a class="case" href="{_esc(uri)}#{_esc(slug(cid))}">{_esc(cid)}</a> '
                             f'({_link(repro, "repro.sh", "repro")})')
            else:
                links.append(_link(repro, cid, "repro") if repro else _esc(cid))
        more = " …" if len(ids) > 5 else ""
        first = cl.records[0]
        diag = first.evidence.diagnostic or first.reason  # the real words, not the normalised signature
        rows.append([_esc(cl.verdict.name), _esc(cl.title), _esc(diag[:300]), _esc(cl.id), len(ids),
                     ", ".join(links) + more])
    label = "this run's page (report.html)"
    note = (f'<p class="meta">{_link(page, label, "run-page")}: every failing case with both outputs</p>'
            if has_page else "")
    examples = "examples (their section of the run's page, repro.sh)" if has_page else "examples (repro.sh)"
    return note + table(["verdict", "cluster", "diagnostic", "id", "cases", examples], rows, "failures",
                        raw={0, 1, 2, 3, 5})


def _slowest(db: sqlite3.Connection, run: int) -> str:
    """The cases of a run that took much longer than its median case (at most 15), or one line
    saying none stands out: in a small or even run a "slowest" list is noise."""
    every = history.slowest(db, run, 1_000_000)
    if not every:
        return "<p class=meta>no case durations recorded</p>"
    median = statistics.median(d for _, _, d in every)
    slow = [[cid, verdict, f"{d:.2f}"] for cid, verdict, d in every[:15] if d >= STANDS_OUT * median and d >= 0.5]
    if not slow:
        return (f"<p class=meta>no case stands out: {len(every)} cases, median {median:.2f} s, "
                f"slowest {every[0][2]:.2f} s</p>")
    return (f"<p class=meta>cases that took at least {STANDS_OUT:g}× the run's median ({median:.2f} s)</p>"
            + table(["case", "verdict", "seconds"], slow, "slowest"))


def section(db: sqlite3.Connection, n: int, key: str, label: str, newest: int, rows: list[history.RateRow]) -> str:
    info = history.run_info(db, newest)
    axis = TimeAxis([_when(r.started) for r in rows] or [_when(info.get("started", ""))])
    rates, rates_legend = rate_plot(rows, f"passrate-{n}", axis)
    fails, fails_legend = failure_plot(rows, f"failures-{n}", axis)
    slow_table = _slowest(db, newest)
    flips = [[cid, a, b] for cid, a, b in history.flips(db, key)]
    flaky = [[cid, " → ".join(seq)] for cid, seq in history.flaky(db, selection=key)]
    folder = _link(info["out_dir"], info["out_dir"], "run-folder") if info.get("out_dir") else ""
    return f"""<section class="selection" id="selection-{_esc(key)}">
<h2>{_esc(label)}</h2>
<p class="meta">selection {_esc(key)} · newest run #{newest} ({_esc(info.get("started", ""))}) {folder}</p>
<div class="plot"><h3>Pass rate</h3>{rates}{rates_legend}</div>
<div class="plot"><h3>Failures per run, by verdict</h3>{fails}{fails_legend}</div>
<h3>Pass rate per arch</h3>
{_side_by_side(rows)}
<h3>Current failures (run #{newest}), by cluster</h3>
{_current_failures(db, newest)}
<h3>Slowest cases (run #{newest}, seconds)</h3>
{slow_table}
<h3>Flipped since the previous run</h3>
{table(["case", "before", "now"], flips, "flips")}
<h3>Flaky cases (verdict changed, candidate did not)</h3>
{table(["case", "verdicts"], flaky, "flaky")}
</section>"""


def render(db: sqlite3.Connection, last: int = 200) -> str:
    rates = history.pass_rates(db, last=last)
    by_selection: dict[str, list[history.RateRow]] = defaultdict(list)
    for r in rates:
        by_selection[r.selection].append(r)
    sections = [section(db, n, key, label, newest, by_selection.get(key, []))
                for n, (key, label, newest) in enumerate(history.selections(db))]
    nav = "".join(f'<li><a href="#selection-{_esc(key)}">{_esc(label)}</a></li>'
                  for key, label, _ in history.selections(db))
    body = "\n".join(sections) if sections else "<p>No runs recorded yet.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>oracle: pass rate over time</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
section.selection {{ border-top: 2px solid #ccc; margin-top: 2em; }}
.plot {{ display: flex; flex-wrap: wrap; align-items: flex-start; gap: 1em; }}
.plot h3 {{ flex-basis: 100%; margin-bottom: 0; }}
ul.legend {{ list-style: none; padding: 0; margin: 0; font-size: 13px; }}
ul.legend li {{ margin: 2px 0; white-space: nowrap; }}
.swatch {{ display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: middle; }}
.meta {{ color: #555; font-size: 13px; }}
</style></head><body>
<h1>oracle: pass rate over time</h1>
<p>One section per selection (suite, opt levels, filter, sample, shard): runs are compared only with
runs of the same selection.</p>
<ul class="selections">{nav}</ul>
{body}
</body></html>
"""
