"""junit.xml as a CI system reads it: valid against the JUnit schema (tests/data/junit.xsd, the
model of Jenkins' junit-10 schema), every failure with a body that says why and where repro.sh is."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.model.record import CaseRecord
from oracle.report import junit

from ..conftest import COMPILERS, run_cli

SCHEMA = Path(__file__).parent.parent / "data" / "junit.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMA)


def test_the_schema_rejects_what_ci_systems_reject(schema, tmp_path):
    # The schema itself must bite: a skipped count on <testsuites> (what oracle used to write) is invalid.
    bad = tmp_path / "bad.xml"
    bad.write_text('<testsuites tests="1" skipped="0"><testsuite name="s" tests="1"><testcase name="a"/>'
                   "</testsuite></testsuites>")
    assert not schema.is_valid(str(bad))
    bad.write_text('<testsuites><testsuite name="s"><testcase name="a"/></testsuite></testsuites>')
    assert not schema.is_valid(str(bad))  # tests is required on <testsuite>


def test_a_run_with_failures_writes_valid_junit_with_bodies(schema, tmp_path, program_dir):
    suite = program_dir("ok.c", "wrong_output.c", "wrong_exit.c", "crash.c")
    (suite / "no_build.c").write_text('#ifdef ORACLE_CANDIDATE\n#error "candidate cannot build this"\n#endif\n'
                                      "int main(void) { return 0; }\n")
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", str(COMPILERS / "gcc-bug"), "--suite", str(suite), "--out", str(out),
                  "--no-cache", "--no-history", "-j", "1", "--junit", str(tmp_path / "copy.xml"))
    assert res.returncode == 1, res.stderr
    for path in (out / "junit.xml", tmp_path / "copy.xml"):
        schema.validate(str(path))  # raises with the first violation
        root = ET.parse(path).getroot()
        assert "skipped" not in root.attrib and root.get("tests") == "5" and root.get("failures") == "4"
        cases = {c.get("name"): c for c in root.iter("testcase")}
        assert all(c.get("file", "").endswith(name.split("/")[1].split("@")[0]) for name, c in cases.items())
        failures = {name: c.find("failure") for name, c in cases.items() if c.find("failure") is not None}
        assert len(failures) == 4
        for name, f in failures.items():
            text = f.text or ""
            repro = text.splitlines()[-1].removeprefix("repro: ")
            assert text.startswith(f.get("type") + ":") and Path(repro).is_file() and repro.endswith("/repro.sh")
            assert Path(repro).is_relative_to(out.resolve())
        by_test = {n.split("/")[1].split("@")[0]: f.text for n, f in failures.items()}
        assert "-value=42\n+value=41" in by_test["wrong_output.c"]  # the trimmed diff
        assert "candidate cannot build this" in by_test["no_build.c"]  # the compile log
        assert "candidate status:" in by_test["crash.c"]
        # each case's metrics, and their totals, as properties of its arch's testsuite
        props = {p.get("name"): float(p.get("value")) for p in root.iter("property")}
        ok = next(n for n in cases if "/ok.c@" in n)
        assert props[f"{ok} compile_s"] > 0 and props[f"{ok} run_s"] > 0 and props[f"{ok} text_bytes"] > 100
        assert f"{next(n for n in cases if '/no_build.c@' in n)} run_s" not in props  # it never ran
        assert props["compile_s"] == pytest.approx(sum(v for k, v in props.items() if k.endswith(" compile_s")), abs=1e-3)


def test_bodies_stay_valid_and_short_whatever_the_program_printed(schema, tmp_path):
    folder = tmp_path / "cases"
    rec = CaseRecord(Case("s/a.c@x86_64-O0", "s", "a.c", "x86_64", "-O0"), V.WRONG_OUTPUT, "differs\x00", 0.5)
    from oracle.report.casedir import slug

    d = folder / "cases" / slug(rec.id)
    d.mkdir(parents=True)
    (d / "reference.stdout").write_bytes(b"".join(b"line %d\n" % i for i in range(500)))
    (d / "candidate.stdout").write_bytes(b"\x00\x1b[31m\xff ]]> <x> &\n" * 500)
    (d / "repro.sh").write_text("#!/bin/sh\n")
    junit.write(tmp_path / "junit.xml", [rec], cases_root=folder)
    schema.validate(str(tmp_path / "junit.xml"))
    text = ET.parse(tmp_path / "junit.xml").getroot().find(".//failure").text
    assert len(text.splitlines()) <= junit.BODY_LINES + 3 and "more lines" in text
    assert text.endswith(f"repro: {d.absolute() / 'repro.sh'}")
