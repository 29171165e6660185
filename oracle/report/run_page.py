"""report.html: one self-contained page per run, in its folder, written with the other reports.

What a person reads after a run: the run (suite, candidate and reference per arch, when), the
verdicts by arch, the clusters of failures with their real diagnostic (not the normalised
signature), and each failing case (the first MAX_CASES) as a section that opens: the reason, the
exit statuses, the reference's and the candidate's stdout side by side with the first differing
line marked, the candidate's stderr and compile log, the exact commands, and the test's source,
all read from its case folder. No script, no external file, no network: styles inline, sections
are <details>. History plots stay in `oracle report --html` (over history.db).

A runtime failure's section also shows the disassembly of the test's functions by the candidate
and by the reference, function by function side by side (judge/disasm.py: which one function
makes the outputs differ cannot be told from one program, so each function the test defines is
shown; those both sides have first).
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from oracle.config.options import RunConfig
from oracle.feed.cluster import clusters
from oracle.judge.disasm import split as split_functions
from oracle.model import verdict as V
from oracle.model.record import CaseRecord
from oracle.report import atomic_file
from oracle.report.casedir import read as read_case_file, slug

MAX_CASES = 200  # failing cases shown whole; the rest are listed by id
MAX_BYTES = 64 * 1024  # of one file shown
MAX_LINES = 400  # of one file shown

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:1400px}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.fail{color:#b00020}.pass{color:#1b5e20}.muted{color:#666}
details{border:1px solid #ddd;border-radius:4px;margin:.4em 0;padding:.3em .6em}
summary{cursor:pointer;font-family:ui-monospace,monospace}
pre{background:#f7f7f7;padding:.4em;overflow:auto;max-height:32em;margin:.2em 0;font-size:12px}
.side{display:grid;grid-template-columns:1fr 1fr;gap:.8em}.side>div{min-width:0}
.diff{background:#ffd7d7;display:block}.first{outline:2px solid #b00020}
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _read(path: Path) -> bytes | None:
    return read_case_file(path, MAX_BYTES + 1)  # one byte more: _text says it was cut


def _text(data: bytes | None) -> str:
    if data is None:
        return ""
    text = data[:MAX_BYTES].decode("utf-8", "backslashreplace")
    lines = text.split("\n")
    more = len(data) > MAX_BYTES or len(lines) > MAX_LINES
    return "\n".join(lines[:MAX_LINES]) + ("\n… (cut: see the case folder)" if more else "")


def _pre(data: bytes | None, empty: str = "(nothing)") -> str:
    text = _text(data)
    return f"<pre>{_esc(text) if text else f'<span class=muted>{_esc(empty)}</span>'}</pre>"


def first_differing_line(a: list[str], b: list[str]) -> int | None:
    """The index of the first line that differs (or that one side lacks); None when equal."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def _side(ref: bytes | None, cand: bytes | None) -> str:
    """Both outputs side by side, lines that differ marked, the first one outlined."""
    a = _text(ref).split("\n") if ref is not None else []
    b = _text(cand).split("\n") if cand is not None else []
    first = first_differing_line(a, b)

    def column(lines: list[str], other: list[str], title: str) -> str:
        rows = []
        for i, line in enumerate(lines):
            mark = i >= len(other) or other[i] != line
            cls = ("diff first" if i == first else "diff") if mark else ""
            anchor = f' id="first-{title}"' if i == first else ""
            rows.append(f'<span class="{cls}"{anchor}>{_esc(line) or " "}</span>' if cls else _esc(line))
        return f"<div><b>{title} stdout</b><pre>" + "\n".join(rows) + "</pre></div>"

    where = f"first difference at line {first + 1}" if first is not None else "the outputs are the same"
    return (f'<p class="muted">{where}</p><div class="side">' + column(a, b, "reference")
            + column(b, a, "candidate") + "</div>")


def _disassembly(ref: bytes | None, cand: bytes | None) -> str:
    """The test's functions as each compiler made them, side by side: "" when neither side has any."""
    if ref is None and cand is None:
        return ""
    a = dict(split_functions(ref[:MAX_BYTES] if ref else b""))
    b = dict(split_functions(cand[:MAX_BYTES] if cand else b""))
    both = [n for n in b if n in a]
    only = [n for n in b if n not in a] + [n for n in a if n not in b]
    rows = []
    for name in both + only:
        cols = "".join(f"<div><b>{who}</b>{_pre(side.get(name), f'(no {name} in the {who} executable)')}</div>"
                       for who, side in (("reference", a), ("candidate", b)))
        rows.append(f"<p><code>{_esc(name)}</code></p><div class=side>{cols}</div>")
    missing = [who for who, data in (("reference", ref), ("candidate", cand)) if data is None]
    note = f"<p class=muted>no disassembly from the {missing[0]}</p>" if missing else ""
    return (f"<details class=disasm><summary>disassembly of the test's functions ({len(both + only)})</summary>"
            f"{note}{''.join(rows)}</details>")


def _metrics(m: dict) -> str:
    """compile 0.031 s · run 0.002 s · text 1,234 bytes (what the case measured)."""
    words = [f"compile {m['compile_s']:.3f} s" if "compile_s" in m else "",
             f"run {m['run_s']:.3f} s" if "run_s" in m else "",
             f"text {int(m['text_bytes']):,} bytes" if "text_bytes" in m else ""]
    return " · ".join(w for w in words if w)


def _case(r: CaseRecord, folder: Path | None) -> str:
    label = f"xfail {r.verdict}" if r.is_xfail else str(r.verdict)
    head = f'<summary><span class="{"muted" if r.is_xfail else "fail"}">{_esc(label)}</span> {_esc(r.id)}</summary>'
    parts = [f"<p>{_esc(r.reason)}</p>"]
    if r.metrics:
        parts.append(f"<p class=muted>{_esc(_metrics(dict(r.metrics)))}</p>")
    if r.is_xfail:
        parts.append(f"<p class=muted>expected (--xfail): {_esc(r.xfail)}</p>")
    if folder is None:
        return f"<details>{head}{''.join(parts)}<p class=muted>no case folder</p></details>"
    statuses = [(label, _read(folder / name)) for label, name in (("reference", "reference.status"),
                                                                   ("candidate", "candidate.status"))]
    parts.append("<table><tr>" + "".join(f"<th>{label} exit</th>" for label, _ in statuses) + "</tr><tr>"
                 + "".join(f"<td>{_esc(_text(s).strip() or '—')}</td>" for _, s in statuses) + "</tr></table>")
    ref, cand = _read(folder / "reference.stdout"), _read(folder / "candidate.stdout")
    if ref is not None or cand is not None:
        parts.append(_side(ref, cand))
    for title, name in (("candidate stderr", "candidate.stderr"), ("candidate compile log", "candidate.compile.log"),
                        ("commands", "commands.txt"), ("culprit TUs", "culprits.txt")):
        data = _read(folder / name)
        if data:
            parts.append(f"<b>{title}</b>{_pre(data)}")
    src = folder / "src"
    if src.is_dir() and not src.is_symlink():
        for path in sorted(p for p in src.rglob("*") if p.suffix in (".c", ".h", ".i") and not p.is_symlink())[:4]:
            parts.append(f"<b>source: {_esc(path.relative_to(src))}</b>{_pre(_read(path))}")
    parts.append(_disassembly(_read(folder / "reference.disasm"), _read(folder / "candidate.disasm")))
    parts.append(f'<p class=muted>case folder: <a href="cases/{_esc(folder.name)}/">cases/{_esc(folder.name)}/</a>'
                 f' (repro.sh judges it again)</p>')
    return f"<details>{head}{''.join(parts)}</details>"


def page(cfg: RunConfig, records, out: Path) -> str:
    counts: dict[str, Counter] = {}
    sums: dict[str, Counter] = {}
    failing: list[CaseRecord] = []
    total = 0
    for r in records:
        total += 1
        counts.setdefault(r.arch, Counter())[r.verdict.name] += 1
        sums.setdefault(r.arch, Counter()).update(dict(r.metrics))
        if r.verdict.is_failure:
            failing.append(r)
    verdicts = [v for v in V.ALL if any(c[v.name] for c in counts.values())]
    rows = []
    for arch, c in sorted(counts.items()):
        n = sum(c.values())
        judged = n - sum(c[v.name] for v in V.ALL if not v.counted)
        rate = f"{100 * c['pass'] / judged:.1f}%" if judged else "—"
        rows.append(f"<tr><td>{_esc(arch)}</td><td>{n}</td><td>{rate}</td>"
                    + "".join(f'<td class="{"fail" if v.is_failure and c[v.name] else ""}">{c[v.name] or ""}</td>'
                              for v in verdicts)
                    + f"<td class=muted>{_esc(_metrics(sums[arch]))}</td></tr>")
    tools = []
    for arch in cfg.arches:
        cand, ref = cfg.candidates.get(arch), cfg.references.get(arch)
        tools.append(f"<tr><td>{_esc(arch)}</td><td>{_esc(' '.join(cand.argv) if cand else '')}<br>"
                     f"<span class=muted>{_esc(cand.version if cand else '')}</span></td>"
                     f"<td>{_esc(' '.join(ref.argv) if ref else '')}</td></tr>")
    groups = clusters(failing, cfg.arches)
    cl_rows = []
    for cl in groups:
        rep = cl.records[0]
        diag = rep.evidence.diagnostic or rep.reason
        cl_rows.append(f"<tr><td>{len(cl.records)}</td><td>{_esc(cl.verdict)}</td><td>{_esc(cl.cause or cl.title)}"
                       f"<br><code class=muted>{_esc(diag[:300])}</code></td><td>{_esc(', '.join(cl.arches))}</td>"
                       f'<td><a href="#{_esc(slug(rep.id))}">{_esc(rep.id)}</a></td></tr>')
    shown = []
    for r in failing[:MAX_CASES]:
        folder = out / "cases" / slug(r.id)
        shown.append(f'<div id="{_esc(slug(r.id))}">{_case(r, folder if folder.is_dir() else None)}</div>')
    rest = failing[MAX_CASES:]
    more = (f"<p>{len(rest)} more failing cases (errors.log has them all): "
            + ", ".join(_esc(r.id) for r in rest[:200]) + ("…" if len(rest) > 200 else "") + "</p>") if rest else ""
    passed = sum(c["pass"] for c in counts.values())
    title = f"oracle: {cfg.suite} — {passed}/{total} passed"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>{STYLE}</style></head>
<body><h1>{_esc(title)}</h1>
<p class=muted>started {_esc(cfg.started)} · opt levels {_esc(', '.join(cfg.opts))} · reports:
<a href="results.json">results.json</a> · <a href="junit.xml">junit.xml</a> · <a href="errors.log">errors.log</a></p>
<h2>Compilers</h2><table><tr><th>arch</th><th>candidate</th><th>reference</th></tr>{''.join(tools)}</table>
<h2>Verdicts</h2><table><tr><th>arch</th><th>cases</th><th>pass rate</th>{''.join(f'<th>{_esc(v)}</th>' for v in verdicts)}<th>the candidate's totals</th></tr>
{''.join(rows)}</table>
<h2>Failures by cause ({len(groups)})</h2>
{'<table><tr><th>cases</th><th>verdict</th><th>cause and diagnostic</th><th>arches</th><th>example</th></tr>' + ''.join(cl_rows) + '</table>' if cl_rows else '<p class=pass>no candidate failure</p>'}
<h2>Failing cases ({len(failing)})</h2>
{''.join(shown)}{more}
</body></html>
"""


def write(path: Path, cfg: RunConfig, records) -> None:
    data = page(cfg, records, Path(path).parent).encode("utf-8", "backslashreplace")
    with atomic_file(path) as f:
        f.write(data)
