"""Hostile inputs, third round, at the command line (issue 23): the default fuzz generators, bad
numbers, outputs that are not regular files, settings files and recorded runs from elsewhere."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from oracle import configure

from ..conftest import run_cli


def test_fuzz_with_its_default_generators_runs_from_any_folder(tmp_path):
    """Class 13: `oracle fuzz` without --generator took "csmith,hypothesis" for a folder path."""
    out = tmp_path / "out"
    res = run_cli("fuzz", "--compiler", "gcc", "--budget", "4s", "--out", str(out), "-j", "2", "--no-history",
                  "--no-cache", cwd=tmp_path, timeout=120)
    assert res.returncode in (0, 3), res.stdout + res.stderr
    assert "unknown suite" not in res.stderr
    doc = json.loads((out / "results.json").read_text())
    assert doc["config"]["suite"] == "csmith,hypothesis"


def test_a_generated_suite_of_two_generators_is_recorded_by_name(tmp_path):
    cfg = configure.build({"compiler": ["gcc"], "suite": "hypothesis,csmith", "out": str(tmp_path / "out")},
                          probe_toolchains=False)
    assert cfg.suite == "hypothesis,csmith"
