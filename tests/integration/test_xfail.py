"""--xfail FILE, lit's expected failures: a listed case failing as listed is an xfail (no ERROR
line, no task, exit 0), one failing another way stays a failure, one that passes is an xpass
(exit 1, an XPASS line); a bad line is one exit-2 line naming it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from ..conftest import MISCOMPILE_CC, miscompilable_suite, run_cli

BAD_CC = MISCOMPILE_CC


def test_expected_failures_are_counted_apart_and_never_hide_a_new_one(tmp_path):
    suite = miscompilable_suite(tmp_path / "suite", 4)
    common = ["--compiler", f"{BAD_CC} --bad=t1.c,t2.c", "--suite", str(suite), "--arch", "x86_64", "-j", "2",
              "--no-history", "--cache", str(tmp_path / "c"), "--tasks", str(tmp_path / "tasks")]
    listed = tmp_path / "xfail.txt"
    listed.write_text("# known\nsuite/t1.c@x86_64-*  wrong-output  prints broken: issue 7\n"
                      "suite/t2.c@*  crash  a crash was expected, it prints wrong instead\n"
                      "suite/t3.c@x86_64-O0  *  fixed since\n")
    out = tmp_path / "a"
    res = run_cli("run", *common, "--out", str(out), "--xfail", str(listed))
    assert res.returncode == 1, res.stdout + res.stderr  # t2 fails another way; t3 passes (xpass)
    log = (out / "errors.log").read_text().splitlines()
    assert [ln.split()[:2] for ln in log] == [["ERROR", "suite/t2.c@x86_64-O0"], ["XPASS", "suite/t3.c@x86_64-O0:"],
                                             ["XFAIL", "suite/t1.c@x86_64-O0"]], log
    assert "1 xfail · 1 xpass" in res.stdout and "1 wrong-output" in res.stdout, res.stdout
    cases = {c["test"]: c for c in json.loads((out / "results.json").read_text())["cases"]}
    assert cases["t1.c"]["xfail"] == "prints broken: issue 7" and "xfail" not in cases["t2.c"]
    assert cases["t3.c"]["xfail"] == "fixed since" and cases["t3.c"]["verdict"] == "pass"
    tasks = [p.read_text() for p in (tmp_path / "tasks").iterdir() if p.suffix == ".txt"]
    assert len(tasks) == 1 and "suite/t2.c@" in tasks[0] and "suite/t1.c@" not in tasks[0]  # no task for the xfail
    junit = ET.parse(out / "junit.xml").getroot()
    assert (junit.get("failures"), junit.find("testsuite").get("skipped")) == ("2", "1")

    # the list made true: exit 0, the xfail still said
    listed.write_text("suite/t1.c@x86_64-*  wrong-output  prints broken: issue 7\n"
                      "  # a comment line\nsuite/t2.c@*  wrong-output  issue #8\n")
    res = run_cli("run", *common, "--out", str(tmp_path / "b"), "--xfail", str(listed))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "ERROR" not in res.stdout and "2 xfail" in res.stdout
    cases = {c["test"]: c for c in json.loads((tmp_path / "b" / "results.json").read_text())["cases"]}
    assert cases["t2.c"]["xfail"] == "issue #8"  # a '#' in a reason is the reason's

    listed.write_text("suite/t1.c@x86_64-*  wrong-output\n")
    res = run_cli("run", *common, "--out", str(tmp_path / "c2"), "--xfail", str(listed))
    assert res.returncode == 2 and f"{listed}:1" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    listed.write_text("suite/t1.c@x86_64-*  wrong-outptu  typo\n")
    res = run_cli("run", *common, "--out", str(tmp_path / "c3"), "--xfail", str(listed))
    assert res.returncode == 2 and "'wrong-outptu' is not a failure verdict" in res.stderr
