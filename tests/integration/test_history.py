"""Run history, `oracle history`, and the HTML report rendered in headless Chromium."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from oracle.report import history

from ..conftest import COMPILERS, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def three_runs(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_output.c", "wrong_exit.c")
    db = tmp_path / "h.db"
    # The buggy candidate outside any git checkout: its id is its bytes, the same for both runs
    # (this tree's uncommitted edits would make each run another candidate).
    bug = tmp_path / "gcc-bug"
    shutil.copy(COMPILERS / "gcc-bug", bug)
    for compiler in ("gcc", str(bug), str(bug)):
        res = run_cli("run", "--compiler", compiler, "--suite", str(suite), "--history", str(db),
                      "--out", str(tmp_path / "out"), "--no-cache", "-j", "1")
        assert res.returncode in (0, 1), res.stderr
    return db


def test_every_run_is_recorded(three_runs):
    db = history.open_history(three_runs)
    rates = history.pass_rates(db)
    assert [(r.run, r.passed, r.counted) for r in rates] == [(1, 3, 3), (2, 1, 3), (3, 1, 3)]
    assert history.flips(db) == []  # runs 2 and 3 agree
    db.close()
    out = run_cli("history", "--history", str(three_runs))
    assert out.returncode == 0 and len(out.stdout.splitlines()) == 3
    assert "100.0%" in out.stdout.splitlines()[0] and "33.3%" in out.stdout.splitlines()[2]


def test_flaky_means_same_candidate_different_verdict(three_runs):
    db = history.open_history(three_runs)
    last = db.execute("SELECT max(run) FROM verdicts").fetchone()[0]
    db.execute("UPDATE verdicts SET verdict='pass' WHERE run=? AND case_id LIKE '%wrong_exit%'", (last,))
    assert [cid for cid, _ in history.flaky(db)] == ["suite/wrong_exit.c@x86_64-O0"]
    assert [f[0] for f in history.flips(db)] == ["suite/wrong_exit.c@x86_64-O0"]
    db.close()


def test_corrupt_history_is_set_aside_and_rebuilt(tmp_path, program_dir):
    db = tmp_path / "h.db"
    db.write_bytes(b"\x00garbage" * 1000)
    res = run_cli("run", "--compiler", "gcc", "--suite", str(program_dir("ok.c")), "--history", str(db),
                  "--out", str(tmp_path / "out"), "-j", "1")
    assert res.returncode == 0, res.stderr
    assert list(tmp_path.glob("h.db.corrupt-*"))
    assert sqlite3.connect(db).execute("SELECT count(*) FROM runs").fetchone()[0] == 1


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: run make setup")
def test_html_report_renders_in_chromium(three_runs, tmp_path):
    page = tmp_path / "report.html"
    res = run_cli("report", "--html", str(page), "--history", str(three_runs))
    assert res.returncode == 0, res.stderr
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1100,1000"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    # One selection; two candidates (gcc, then the buggy one), each a series of its own.
    assert '<svg id="passrate-0"' in dom.stdout and dom.stdout.count('class="series"') == 2
    assert dom.stdout.count("<circle") == 3
    assert 'class="failures"' in dom.stdout and "wrong-output" in dom.stdout
    assert "wrong-output in suite/wrong_output.c (every arch)" in dom.stdout  # oracle/feed/cluster.py's clusters
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
