"""The HTML report of the history, rendered in headless Chromium: one section per selection with
its charts (time axis, gaps kept, legend outside the plot, failures stacked by verdict) and tables
(per-arch rates side by side, slowest cases, links to run folders and repro.sh)."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from oracle.report import history
from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.model.record import CaseRecord

from ..conftest import COMPILERS, needs_aarch64, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: run make setup")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DAY = 86400


def _records(n_fail: int, arches=("x86_64", "aarch64")) -> list[CaseRecord]:
    out = []
    for arch in arches:
        for i in range(4):
            verdict = (V.WRONG_OUTPUT if i % 2 else V.CRASH) if i < n_fail else V.PASS
            out.append(CaseRecord(Case(f"smoke/t{i}.c@{arch}-O0", "smoke", f"t{i}.c", arch, "-O0"), verdict,
                                  "", 2.0 if i == 3 else 0.1 * (i + 1)))
    return out


def _stamp(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(t))


@pytest.fixture
def db_path(tmp_path, make_config, program_dir):
    path = tmp_path / "h.db"
    # A real failing run first: its failures link to repro.sh files that exist.
    bug = tmp_path / "gcc-bug"
    shutil.copy(COMPILERS / "gcc-bug", bug)
    res = run_cli("run", "--compiler", str(bug), "--suite", str(program_dir("ok.c", "wrong_output.c")),
                  "--history", str(path), "--out", str(tmp_path / "real"), "--no-cache", "-j", "1")
    assert res.returncode == 1, res.stderr
    # Then two arches of the smoke suite: three runs an hour apart, then one a month later (a gap),
    # and a filtered run (another selection).
    cfg = make_config(["gcc", "aarch64=aarch64-linux-gnu-gcc"], "smoke", arch="x86_64,aarch64")
    t0 = time.time() - 40 * DAY
    for n, (t, fails) in enumerate(((t0, 2), (t0 + 3600, 1), (t0 + 7200, 1), (t0 + 30 * DAY, 0))):
        history.record_run(path, replace(cfg, started=_stamp(t), out_dir=str(tmp_path / f"run{n}")),
                           _records(fails), True)
    history.record_run(path, replace(cfg, started=_stamp(t0 + 31 * DAY), filter="t1"),
                       [r for r in _records(1) if "t1" in r.id], True)
    return path


def _chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1100,3000",
                           *args, page.as_uri()], capture_output=True, text=True, timeout=120)


@needs_aarch64
def test_report_renders_with_charts_and_tables(db_path, tmp_path):
    page = tmp_path / "report.html"
    res = run_cli("report", "--html", str(page), "--history", str(db_path))
    assert res.returncode == 0, res.stderr
    dump = _chromium(tmp_path, page, "--enable-logging=stderr", "--v=0", "--dump-dom")
    dom = dump.stdout
    assert "CONSOLE" not in dump.stderr and "Uncaught" not in dump.stderr  # no console errors
    sections = re.findall(r'<section class="selection"', dom)
    assert len(sections) == 3  # the real suite, smoke, smoke -k t1: one chart each
    assert dom.count('class="chart"') == 6  # pass rate and failures per selection
    smoke = dom[dom.index("<h2>smoke -O0</h2>"):]
    smoke = smoke[:smoke.index("</section>")]
    # Time on the x-axis: the month without runs is a gap, so each arch's line is two pieces.
    assert smoke.count('class="series"') == 4 and smoke.count("<circle") == 8
    # The legend is HTML beside the SVG, not drawn inside the plot.
    legend = re.search(r'<ul class="legend">(.*?)</ul>', smoke).group(1)
    assert "x86_64" in legend and "aarch64" in legend
    svgs = re.findall(r"<svg.*?</svg>", smoke, re.S)
    assert not any(re.search(r"<text[^>]*>[^<]*(x86_64|aarch64)", svg) for svg in svgs)
    # Failures stacked by verdict: run 1 has a crash and a wrong-output on each arch.
    bars = re.findall(r'<rect class="bar"[^>]*>\s*<title>run #(\d+): (\d+) ([a-z-]+)</title>', smoke)
    assert ("2", "2", "crash") in bars and ("2", "2", "wrong-output") in bars and len(bars) == 4
    # Per-arch pass rates side by side, newest first, each with its run folder.
    rates = re.search(r'<table class="rates">(.*?)</table>', smoke, re.S).group(1)
    assert "<th>aarch64</th><th>x86_64</th>" in rates
    assert re.search(r"<td>#5</td><td>[^<]+</td><td>100.0% \(4/4\)</td><td>100.0% \(4/4\)</td>", rates)
    assert re.search(r"<td>#2</td><td>[^<]+</td><td>50.0% \(2/4\)</td><td>50.0% \(2/4\)</td>", rates)
    assert rates.count('class="run-folder"') == 4 and (tmp_path / "run3").as_uri() in rates
    slowest = re.search(r'<table class="slowest">(.*?)</table>', smoke, re.S).group(1)
    assert re.findall(r"<td>(smoke/t\d.c@\w+-O0)</td>", slowest)[:2] == ["smoke/t3.c@aarch64-O0",
                                                                           "smoke/t3.c@x86_64-O0"]
    assert len(re.findall(r"<td>smoke/", slowest)) == 2  # only those that stand out (2.0 s, the median 0.25 s)
    # Few runs: the time axis is labelled at the runs (no two labels on top of each other).
    ticks = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" font-size="11" text-anchor="middle">(?!time)', svgs[0])]
    assert 2 <= len(ticks) <= 4 and all(b - a >= 90 for a, b in zip(ticks, ticks[1:])), ticks
    real = dom[dom.index("<section"):]
    real = real[:real.index("</section>")]
    assert "no case stands out: 2 cases" in real  # one run of two quick cases: no slowest list
    # The real run's failures link to their repro.sh, which exist.
    repros = re.findall(r'<a class="repro" href="([^"]+)"', dom)
    assert repros and all(Path(unquote(urlparse(u).path)).is_file() for u in repros)
    # ... and to their section of the run's own page
    sections = re.findall(r'<a class="case" href="([^"#]+)#([^"]+)"', dom)
    assert sections and all(Path(unquote(urlparse(u).path)).is_file() for u, _ in sections)
    assert all(f'id="{anchor}"' in Path(unquote(urlparse(u).path)).read_text() for u, anchor in sections)
    shot = tmp_path / "report.png"
    _chromium(tmp_path, page, f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def folder_of(out: Path, prefix: str) -> Path:
    return next(p for p in (out / "cases").iterdir() if p.name.startswith(prefix))


def test_every_run_writes_a_page_a_person_can_read(tmp_path, program_dir):
    """report.html in the run folder, always: it loads in Chromium without console errors, and a
    failing case's section holds both outputs side by side with the first difference marked, the
    statuses, the commands and the source."""
    bug = tmp_path / "gcc-bug"
    shutil.copy(COMPILERS / "gcc-bug", bug)
    out = tmp_path / "run"
    suite = program_dir("ok.c", "wrong_output.c")
    shutil.copy(suite / "wrong_output.c", suite / "<b>&x.c")  # a name with markup in it
    res = run_cli("run", "--compiler", str(bug), "--suite", str(suite),
                  "--out", str(out), "--no-cache", "--no-history", "-j", "1")
    assert res.returncode == 1, res.stderr
    page = out / "report.html"
    assert f"{out}/report.html" in res.stdout
    dump = _chromium(tmp_path, page, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert "CONSOLE" not in dump.stderr and "Uncaught" not in dump.stderr, dump.stderr[-2000:]
    dom = dump.stdout
    assert dom.count("<details>") == 2  # two failing cases, a section each
    assert "<b>&amp;x.c" not in dom and "&lt;b&gt;&amp;x.c" in dom  # the name stays text
    sections = re.findall(r"<details>.*?</details>", dom, re.S)
    (section,) = [x for x in sections if "suite/wrong_output.c@" in x[:300]]
    assert "wrong_output.c" in section and "first difference at line 1" in section
    ref = re.search(r'<span class="diff first" id="first-reference">([^<]*)</span>', section)
    cand = re.search(r'<span class="diff first" id="first-candidate">([^<]*)</span>', section)
    assert ref and cand and (ref.group(1), cand.group(1)) == ("value=42", "value=41")
    assert "<b>commands</b>" in section and 'printf("value=%d\\n", 41);' in section  # the source
    assert re.search(r"compile \d+\.\d{3} s · run \d+\.\d{3} s · text [\d,]+ bytes", section), section[:2000]
    # the test's functions as each compiler made them, side by side (objdump of both executables)
    disasm = re.search(r"<details class=\"?disasm\"?><summary>disassembly of the test's functions \((\d+)\)</summary>(.*)",
                       section, re.S)
    assert disasm and int(disasm.group(1)) >= 1, section[-3000:]
    assert "<code>main</code>" in disasm.group(2) and disasm.group(2).count("&lt;main&gt;:") == 2
    assert (folder_of(out, "suite_wrong_output.c") / "reference.disasm").read_bytes().startswith(b"0")
    # the case folder's commands.txt can be pasted there: it builds and runs both sides again
    folder = folder_of(out, "suite_wrong_output.c")
    script = [line for line in (folder / "commands.txt").read_text().splitlines() if line and not line.startswith("#")]
    again = subprocess.run(["sh", "-e", "-c", "\n".join(script)], cwd=folder, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == ["value=42", "value=42", "value=41"], again.stdout
