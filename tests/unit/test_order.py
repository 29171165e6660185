"""The order a run judges its cases in: last failures first, unseen next, then longest first."""

from __future__ import annotations

import sqlite3

from oracle.discover.order import by_history
from oracle.model.case import Case
from oracle.report.history import open_history


def case(name: str) -> Case:
    return Case(id=f"s/{name}@x86_64-O0", suite="s", test=name, arch="x86_64", opt="O0", sources=(f"/s/{name}",))


def test_failures_first_then_unseen_then_longest_first(tmp_path):
    path = tmp_path / "h.db"
    db = open_history(path)
    db.execute("INSERT INTO runs (id, suite) VALUES (1, 's'), (2, 's')")
    rows = [(1, "a.c", "wrong-output", 1.0), (2, "a.c", "pass", 1.0),  # fixed since: not first
            (2, "b.c", "pass", 0.2), (2, "c.c", "crash", 0.1), (2, "d.c", "pass", 3.0),
            (1, "e.c", "compile-error", 0.5), (2, "f.c", "not-run", 0.0)]
    db.executemany("INSERT INTO verdicts (run, case_id, arch, verdict, duration) VALUES (?, ?, 'x86_64', ?, ?)",
                   [(r, f"s/{n}@x86_64-O0", v, d) for r, n, v, d in rows])
    db.commit()
    db.close()
    cases = [case(n) for n in ("a.c", "b.c", "c.c", "d.c", "e.c", "f.c", "g.c")]
    assert [c.test for c in by_history(cases, str(path))] == ["e.c", "c.c", "f.c", "g.c", "d.c", "a.c", "b.c"]


def test_no_history_or_a_damaged_one_keeps_the_suite_order(tmp_path):
    cases = [case(n) for n in ("b.c", "a.c")]
    assert by_history(cases, str(tmp_path / "none.db")) == cases
    (tmp_path / "bad.db").write_bytes(b"not a database" * 100)
    assert by_history(cases, str(tmp_path / "bad.db")) == cases
    sqlite3.connect(tmp_path / "empty.db").close()
    assert by_history(cases, str(tmp_path / "empty.db")) == cases
