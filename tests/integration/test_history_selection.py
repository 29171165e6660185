"""A history you can trust: series per selection, nothing recorded for runs that judged nothing,
a dirty checkout is another candidate, durations kept, old files migrated."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

from oracle.report import history
from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.model.record import CaseRecord

from ..conftest import COMPILERS, run_cli


def _run(tmp_path, compiler, suite, *extra, out="out"):
    res = run_cli("run", "--compiler", str(compiler), "--suite", str(suite), "--history", str(tmp_path / "h.db"),
                  "--out", str(tmp_path / out), "--no-cache", "-j", "1", *extra)
    assert "not added to the history" not in res.stdout + res.stderr
    return res


def _runs(tmp_path) -> int:
    if not (tmp_path / "h.db").exists():
        return 0
    return sqlite3.connect(tmp_path / "h.db").execute("SELECT count(*) FROM runs").fetchone()[0]


def test_full_filtered_sampled_empty_and_collect_only_runs(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_output.c", "wrong_exit.c")
    bug = tmp_path / "gcc-bug"
    shutil.copy(COMPILERS / "gcc-bug", bug)  # outside git: the same candidate for every run
    assert _run(tmp_path, bug, suite).returncode == 1                          # 1: full, 1/3
    assert _run(tmp_path, bug, suite, "-k", "ok").returncode == 0              # 2: filtered, 1/1
    assert _run(tmp_path, bug, suite, "--ratio", "50", "--seed", "s1").returncode in (0, 1)  # 3: sampled
    empty = _run(tmp_path, bug, suite, "-k", "matches-nothing")                # not recorded: exit 2
    assert empty.returncode == 2 and empty.stdout == "" and len(empty.stderr.splitlines()) == 1
    assert "no case selected" in empty.stderr
    co = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--co", "-q",
                         "--basetemp", str(tmp_path / "bt"),
                         "--oracle-compiler", str(bug), "--oracle-suite", str(suite),
                         "--oracle-history", str(tmp_path / "h.db"), "--oracle-out", str(tmp_path / "co")],
                        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert co.returncode == 0, co.stdout + co.stderr
    assert not (tmp_path / "co" / "results.json").exists()  # --co writes no reports
    assert _runs(tmp_path) == 3
    assert _run(tmp_path, bug, suite).returncode == 1                          # 4: full again

    db = history.open_history(tmp_path / "h.db")
    rows = history.pass_rates(db)
    series = {}
    for r in rows:
        series.setdefault(r.series, []).append((r.run, r.passed, r.counted))
    assert len(series) == 3
    full = next(s for s in series.values() if s[0][0] == 1)
    assert full == [(1, 1, 3), (4, 1, 3)]  # the filtered run is not in the full run's series
    assert series[next(k for k, s in series.items() if s[0][0] == 2)] == [(2, 1, 1)]
    labels = {r.run: r.label for r in rows}
    assert "-k ok" in labels[2] and "50%/seed=s1" in labels[3] and "-k" not in labels[1]
    assert history.flips(db) == []  # run 4 is compared with run 1, not with the filtered or sampled run
    assert history.flaky(db) == []
    sel = history.run_info(db, 3)["selection"]
    assert (sel["ratio"], sel["seed"], sel["filter"]) == (50, "s1", None)
    # Each case's duration is kept, and the slowest come first.
    slow = history.slowest(db, 4)
    assert len(slow) == 3 and all(d > 0 for _, _, d in slow) and slow[0][2] >= slow[-1][2]
    db.close()
    out = run_cli("history", "--history", str(tmp_path / "h.db"))
    assert out.returncode == 0 and len(out.stdout.splitlines()) == 4 and "[suite -O0 -k ok]" in out.stdout


def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                   capture_output=True)


def test_a_fix_in_a_dirty_checkout_is_fixed_not_flaky(tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_output.c")
    repo = tmp_path / "ccc"
    repo.mkdir()
    cc = repo / "cc"
    cc.write_text('#!/bin/sh\nexec gcc -DORACLE_CANDIDATE=1 "$@"\n')
    cc.chmod(0o755)
    _git(repo, "init", "-q")
    _git(repo, "add", "cc")
    _git(repo, "commit", "-q", "-m", "buggy")
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert history.candidate_commit(str(cc)) == head
    assert _run(tmp_path, cc, suite).returncode == 1
    cc.write_text('#!/bin/sh\nexec gcc "$@"\n')  # the fix, not committed
    dirty = history.candidate_commit(str(cc))
    assert dirty.startswith(head + "+dirty-") and len(dirty) > len(head) + 7
    (repo / "notes.txt").write_text("an untracked file is a change too\n")
    assert history.candidate_commit(str(cc)) not in (dirty, head)
    assert _run(tmp_path, cc, suite).returncode == 0
    db = history.open_history(tmp_path / "h.db")
    assert history.flips(db) == [("suite/wrong_output.c@x86_64-O0", "wrong-output", "pass")]
    assert history.flaky(db) == []  # another candidate: a fix, not a flaky case
    db.close()


OLD_SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, started TEXT, finished TEXT, suite TEXT, arches TEXT, opts TEXT,
    seed TEXT, ratio REAL, shard TEXT, candidate TEXT, candidate_id TEXT, candidate_commit TEXT,
    complete INTEGER, out_dir TEXT);
CREATE TABLE verdicts (
    run INTEGER, case_id TEXT, arch TEXT, verdict TEXT, reason TEXT, PRIMARY KEY (run, case_id));
"""


def test_an_old_history_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(OLD_SCHEMA)
    old.execute("INSERT INTO runs VALUES (1, '2026-01-01T00:00:00', '', 'smoke', 'x86_64', 'O0', '0', NULL, NULL, "
                "'{\"x86_64\": {\"argv\": [\"/usr/bin/tcc\"], \"version\": \"tcc 0.9\"}}', 'abc', '{}', 1, '/o')")
    old.execute("INSERT INTO verdicts VALUES (1, 'smoke/a.c@x86_64-O0', 'x86_64', 'pass', '')")
    old.commit()
    old.close()
    db = history.open_history(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == history.VERSION
    [row] = history.pass_rates(db)
    assert (row.passed, row.counted, row.command) == (1, 1, "/usr/bin/tcc") and "smoke O0" in row.label
    assert history.run_info(db, 1)["selection"]["filter"] == "(not recorded)"  # v1 kept no filter
    assert history.records_of(db, 1)[0].duration_s == 0.0
    db.close()
    out = run_cli("history", "--history", str(path))
    assert out.returncode == 0 and "100.0%" in out.stdout


def test_a_newer_history_is_refused_in_one_line(tmp_path):
    path = tmp_path / "new.db"
    db = sqlite3.connect(path)
    db.executescript(history.SCHEMA)
    db.execute(f"PRAGMA user_version = {history.VERSION + 1}")
    db.close()
    out = run_cli("history", "--history", str(path))
    assert out.returncode == 2 and len(out.stderr.splitlines()) == 1 and "newer oracle" in out.stderr
    assert "Traceback" not in out.stderr
    assert path.exists() and not list(tmp_path.glob("new.db.corrupt-*"))  # never set aside as corrupt


def test_a_run_that_judged_nothing_is_never_recorded(make_config, tmp_path):
    cfg = make_config(["gcc"], "smoke", history=str(tmp_path / "h.db"))
    nothing = [CaseRecord(Case("smoke/a.c@x86_64-O0", "smoke", "a.c", "x86_64", "-O0"), V.NOT_RUN, "stopped")]
    assert history.record_run(tmp_path / "h.db", cfg, [], True) is None
    assert history.record_run(tmp_path / "h.db", cfg, nothing, False) is None
    assert _runs(tmp_path) == 0
    done = [nothing[0].but(verdict=V.PASS, duration_s=0.25)]
    assert history.record_run(tmp_path / "h.db", cfg, done, True) == 1
    db = history.open_history(tmp_path / "h.db")
    assert history.records_of(db, 1)[0].duration_s == 0.25
    db.close()


def test_two_processes_migrating_at_once_both_succeed(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(OLD_SCHEMA)
    old.close()
    code = f"from oracle.report import history; history.open_history({str(path)!r}).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0], [p.stderr.read() for p in procs]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == history.VERSION
