"""oracle compare A B: a run with gcc as the candidate against one whose compiler breaks three
tests (miscompile-cc: -DMISCOMPILE for chosen files) lists exactly those three as new failures,
exits 1, and the other way round lists them as fixed and exits 0."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from ..conftest import MISCOMPILE_CC, miscompilable_suite, run_cli

BAD_CC = MISCOMPILE_CC
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "results.schema.json"


def test_compare_lists_exactly_the_flipped_cases(tmp_path):
    suite = miscompilable_suite(tmp_path / "suite", 8)
    common = ["--suite", str(suite), "--arch", "x86_64", "-j", "2", "--no-history", "--cache", str(tmp_path / "c")]
    good, bad = tmp_path / "good", tmp_path / "bad"
    start = time.monotonic()
    assert run_cli("run", "--compiler", "gcc", *common, "--out", str(good)).returncode == 0
    elapsed = time.monotonic() - start
    res = run_cli("run", "--compiler", f"{BAD_CC} --bad=t1.c,t4.c,t6.c", *common, "--out", str(bad), "-v")
    assert res.returncode == 1, res.stdout + res.stderr
    # -v: each failure's command and first differing line, on the console
    assert res.stdout.count("\n--- suite/t") == 3, res.stdout
    assert "\n  -ok 4\n  +broken 4\n" in res.stdout and "  candidate: " in res.stdout, res.stdout

    # results.json follows its published schema; every case the candidate built has its metrics
    schema = json.loads(SCHEMA.read_text())
    for folder in (good, bad):
        doc = json.loads((folder / "results.json").read_text())
        jsonschema.validate(doc, schema)
        assert doc["schema_version"] == 1
        for case in doc["cases"]:
            m = case["metrics"]
            assert m["compile_s"] > 0 and m["text_bytes"] > 100, case
            # run: unless a byte-identical executable's judgement was reused (the unchanged tests of B)
            assert ("run_s" in m) == ("candidate_run" not in case), case
            if "run_s" in m:
                assert m["run_s"] > 0
    # junit's total time is the run's wall time (not more than the command took), not a sum
    suites = ET.parse(good / "junit.xml").getroot()
    assert 0 < float(suites.get("time")) <= elapsed
    bad_doc = json.loads((bad / "results.json").read_text())
    bad_doc["cases"][0]["verdict"] = "no-such-verdict"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad_doc, schema)
    # no lock or routine log left in a finished run folder
    assert not (good / ".oracle-run.lock").exists() and not (good / "pytest.log").exists()

    out = run_cli("compare", str(good), str(bad / "results.json"), "--json", str(tmp_path / "cmp.json"))
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("compare: 3 new failures, 0 fixed, 0 changed, 5 alike"), lines
    flipped = sorted(line.split()[1].rstrip(":") for line in lines if line.startswith("ERROR "))
    assert flipped == [f"{suite.name}/t{i}.c@x86_64-O0" for i in (1, 4, 6)], lines
    doc = json.loads((tmp_path / "cmp.json").read_text())
    assert sorted(f["id"] for f in doc["flips"]) == flipped and {f["kind"] for f in doc["flips"]} == {"new failure"}

    back = run_cli("compare", str(bad), str(good))
    assert back.returncode == 0 and back.stdout.startswith("compare: 0 new failures, 3 fixed"), back.stdout
    assert sum(line.startswith("FIXED ") for line in back.stdout.splitlines()) == 3

    missing = run_cli("compare", str(good), str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no results at" in missing.stderr and len(missing.stderr.splitlines()) == 1
