"""When a run may re-open a done task, without git: by time (the run against the done)."""

from __future__ import annotations

from oracle.feed.done import Done, reopens


def test_by_time_when_no_revision_is_known(tmp_path):
    done = Done("a" * 12, "alice", "2026-12-06T12:00:00Z", None, ("s/t.c@x86_64-O0",))
    before, why = reopens(done, "2026-12-06T11:59:59+0000", None, [tmp_path])
    assert before is False and "before it was done by alice" in why
    after, why = reopens(done, "2026-12-06T13:00:00+0100", None, [tmp_path])  # 12:00 UTC: not after
    assert after is False
    after, why = reopens(done, "2026-12-06T12:00:01+0000", None, [tmp_path])
    assert after is True and why.startswith("regression:")
    # A revision nobody can look up (no clone has it) falls back to time as well.
    fixed = Done("a" * 12, "alice", "2026-12-06T12:00:00Z", "b" * 40, ())
    assert reopens(fixed, "2026-12-06T11:00:00+0000", "c" * 40, [tmp_path])[0] is False
    assert reopens(fixed, "garbage", "c" * 40, [tmp_path])[0] is False


def test_a_candidate_built_before_the_done_predates_the_fix(tmp_path):
    done = Done("a" * 12, "alice", "2026-12-06T12:00:00Z", None, ())
    assert reopens(done, "2026-12-06T13:00:00+0000", None, [tmp_path], built="2026-12-06T11:00:00Z")[0] is False
    assert reopens(done, "2026-12-06T13:00:00+0000", None, [tmp_path], built="2026-12-06T12:30:00Z")[0] is True
