"""Where the Judges' scratch folders go, and the end-of-run sweep of those a killed worker left."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from oracle.infra import scratch


def test_oracle_scratch_chooses(monkeypatch, tmp_path):
    monkeypatch.setenv("ORACLE_SCRATCH", str(tmp_path))
    assert scratch.root() == str(tmp_path)


def test_no_usable_shm_falls_back_to_the_temp_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("ORACLE_SCRATCH", raising=False)
    monkeypatch.setattr(scratch, "SHM", str(tmp_path / "missing"))
    assert scratch.root() == tempfile.gettempdir()
    monkeypatch.setattr(scratch, "SHM", str(tmp_path))
    monkeypatch.setattr(scratch, "SHM_MIN_FREE", 1 << 62)  # more room than any disk has
    assert scratch.root() == tempfile.gettempdir()
    monkeypatch.setattr(scratch, "SHM_MIN_FREE", 0)
    assert scratch.root() == str(tmp_path)


def test_sweep_removes_this_runs_folders_only(monkeypatch, tmp_path):
    monkeypatch.setenv("ORACLE_SCRATCH", str(tmp_path))
    mine_id, other_id = "20261124-1-11", "20261124-1-12"
    mine = [tmp_path / (scratch.prefix(mine_id) + "abc"), tmp_path / f"oracle-{mine_id}-gw0-xyz",
            tmp_path / f"oracle-{mine_id}-proj-zlib-x86_64-abc"]
    theirs = [tmp_path / (scratch.prefix(other_id) + "abc"), tmp_path / f"oracle-{other_id}-gw0-xyz",
              tmp_path / f"oracle-20261124-000001-12-proj-zlib-x86_64-abc"]  # another live run's project build
    for d in mine + theirs:
        (d / "w1").mkdir(parents=True)
        (d / "w1" / "cand").write_bytes(b"\x7fELF")
    scratch.sweep_run(mine_id)
    assert [d.exists() for d in mine] == [False, False, False]
    assert [d.exists() for d in theirs] == [True, True, True]


def test_abandoned_scratch_is_swept_and_live_scratch_is_not(monkeypatch, tmp_path):
    """A Judge's folder is locked while it lives: a run that died (lock free) is removed at the next
    run's start, a live one (this machine's other oracles) never; one with no lock goes by age."""
    monkeypatch.setenv("ORACLE_SCRATCH", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # (the sweep looks there too: not the real /tmp)
    live, dead, young, old = (tmp_path / f"oracle-work-{n}" for n in ("live", "dead", "young", "old"))
    for d in (live, dead, young, old):
        d.mkdir()
    fd = scratch.hold(live)
    # The dead run's Judge was another process that took the lock and was killed.
    subprocess.run([sys.executable, "-c", "import os, sys; from oracle.infra import scratch; "
                    f"scratch.hold({str(dead)!r}); os.kill(os.getpid(), 9)"])
    assert (dead / scratch.LOCK).exists()
    past = time.time() - scratch.ABANDONED_AFTER_S - 60
    os.utime(old, (past, past))
    (tmp_path / "not-ours").mkdir()
    try:
        removed = scratch.sweep_abandoned()
    finally:
        os.close(fd)
    assert sorted(removed) == sorted([str(dead), str(old)])
    assert live.exists() and young.exists() and not dead.exists() and not old.exists()
    assert (tmp_path / "not-ours").exists()


def test_a_project_build_folder_of_a_killed_run_is_swept(monkeypatch, tmp_path):
    """A project's candidate build folder (oracle-RUNID-proj-*) is shared by a run's workers, each
    holding a shared lock: live while one is, swept by the next run once all were killed."""
    monkeypatch.setenv("ORACLE_SCRATCH", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    live, dead = (tmp_path / f"oracle-20261204-101010-{pid}-proj-zlib-x86_64-abc" for pid in (7, 8))
    scratch.hold_shared(live)
    scratch.hold_shared(live)  # once per process, however often a worker asks
    for _ in range(2):  # two workers of a killed run
        subprocess.run([sys.executable, "-c", "import os; from oracle.infra import scratch; "
                        f"scratch.hold_shared({str(dead)!r}); os.kill(os.getpid(), 9)"])
    try:
        assert scratch.sweep_abandoned() == [str(dead)]
        assert live.exists() and not dead.exists()
    finally:
        os.close(scratch._HELD.pop(str(live)))
