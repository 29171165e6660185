"""Where the Judges' scratch folders go, and the end-of-run sweep of those a killed worker left."""

from __future__ import annotations

import tempfile
from types import SimpleNamespace

from oracle import backends


def test_oracle_scratch_chooses(monkeypatch, tmp_path):
    monkeypatch.setenv("ORACLE_SCRATCH", str(tmp_path))
    assert backends.scratch_root() == str(tmp_path)


def test_no_usable_shm_falls_back_to_the_temp_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("ORACLE_SCRATCH", raising=False)
    monkeypatch.setattr(backends, "SHM", str(tmp_path / "missing"))
    assert backends.scratch_root() == tempfile.gettempdir()
    monkeypatch.setattr(backends, "SHM", str(tmp_path))
    monkeypatch.setattr(backends, "SHM_MIN_FREE", 1 << 62)  # more room than any disk has
    assert backends.scratch_root() == tempfile.gettempdir()
    monkeypatch.setattr(backends, "SHM_MIN_FREE", 0)
    assert backends.scratch_root() == str(tmp_path)


def test_sweep_removes_this_runs_folders_only(monkeypatch, tmp_path):
    monkeypatch.setenv("ORACLE_SCRATCH", str(tmp_path))
    cfg, other = SimpleNamespace(run_id="20261124-1-11"), SimpleNamespace(run_id="20261124-1-12")
    mine = [tmp_path / (backends.scratch_prefix(cfg) + "abc"), tmp_path / f"oracle-{cfg.run_id}-gw0-xyz"]
    theirs = [tmp_path / (backends.scratch_prefix(other) + "abc"), tmp_path / f"oracle-{other.run_id}-gw0-xyz"]
    for d in mine + theirs:
        (d / "w1").mkdir(parents=True)
        (d / "w1" / "cand").write_bytes(b"\x7fELF")
    backends.sweep_scratch(cfg)
    assert [d.exists() for d in mine] == [False, False]
    assert [d.exists() for d in theirs] == [True, True]
