"""Reports stay valid whatever bytes a program printed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.model.record import CaseRecord
from oracle.report import errors_log, junit, summary
from oracle.model.text import clean, describe_diff, show

NASTY = "bad \x00\x01\x1b[31m \udcff \ufffe ]]> <tag> & \"quote\"\n second line"


def record(test: str, arch: str, verdict: V.Verdict, reason: str = "", duration: float = 0.0) -> CaseRecord:
    return CaseRecord(Case(f"s/{test}@{arch}-O0", "s", test, arch, "-O0"), verdict, reason, duration)


def records():
    return [record("a.c", "x86_64", V.PASS, "", 0.1), record("b.c", "x86_64", V.WRONG_OUTPUT, NASTY, 0.2),
            record("c.c", "aarch64", V.REF_INVALID, NASTY, 0.2), record("d.c", "aarch64", V.INFRA_ERROR, "boom")]


def test_junit_is_valid_xml_with_nasty_reasons(tmp_path):
    path = tmp_path / "junit.xml"
    junit.write(path, records())
    root = ET.parse(path).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 4
    assert len(root.findall(".//failure")) == 1 and len(root.findall(".//skipped")) == 1
    assert len(root.findall(".//error")) == 1


def test_errors_log_has_one_line_per_failure(tmp_path):
    path = tmp_path / "errors.log"
    errors_log.write(path, records())
    lines = path.read_text().splitlines()
    assert [ln for ln in lines if ln.startswith("ERROR ")] == [lines[0]]
    assert lines[0].startswith("ERROR s/b.c@x86_64-O0 wrong-output: bad \\x00")
    assert lines[1].startswith("INFRA s/d.c@aarch64-O0")


def test_summary_is_short_whatever_the_failures():
    many = [record(f"{i}.c", "x86_64", V.CRASH, "killed by SIGSEGV") for i in range(1000)]
    out = summary.lines(many, ("x86_64",))
    assert len(out) <= 7
    assert out[0] == "x86_64: 0/1000 passed (0.0%) · 1000 crash"


def test_clean_and_show_are_single_line_and_safe():
    text = clean(NASTY)
    assert "\n" not in text and "\x00" not in text and "\x1b" not in text
    json.loads(json.dumps(text))
    assert show(b"\xff\x00ok") == '"\\xff\\x00ok"'


def test_describe_diff():
    assert "line 2" in describe_diff(b"a\nb\n", b"a\nc\n")
    assert "extra bytes" in describe_diff(b"a\n", b"a\nmore")
    assert "stops at byte" in describe_diff(b"a\nb\n", b"a\n")


def test_verdict_set_is_closed():
    assert {v.name for v in V.FAILURES} == {"compile-error", "compiler-crash", "compile-timeout", "wrong-exit",
                                            "wrong-output", "crash", "timeout"}
    assert {v.name for v in V.ALL if not v.is_failure} == {"pass", "ref-invalid", "unstable", "unsupported",
                                                           "infra-error", "not-run"}


def test_a_stream_recorder_keeps_records_on_disk_and_writes_valid_reports(make_config, tmp_path):
    from junitparser import JUnitXml

    from oracle.report import history
    from oracle.engine.ending import finish
    from oracle.engine.journal import Recorder

    cfg = make_config(["gcc"], "csmith", out=str(tmp_path / "out"), history=str(tmp_path / "history.db"))
    rec = Recorder(cfg, stream=True)
    for r in records():
        rec.add(r)
    finish(rec)
    assert rec.records == {} and rec.count == 4  # nothing per case in memory
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert [c["id"] for c in doc["cases"]] == [r.id for r in records()]  # in the order they came
    assert [CaseRecord.from_json(c) for c in doc["cases"]] == records()  # every field, typed again
    assert doc["summary"]["total"] == 4 and doc["summary"]["failures"] == 1
    xml = JUnitXml.fromfile(str(tmp_path / "out" / "junit.xml"))
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (4, 1, 1, 1)
    assert sorted(s.name for s in xml) == ["oracle.s.aarch64", "oracle.s.x86_64"]
    assert (tmp_path / "out" / "errors.log").read_text().startswith("ERROR s/b.c@x86_64-O0 wrong-output")
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name != ".oracle-run.lock") == ["errors.log", "junit.xml", "report.html", "results.json"]
    assert len(history.latest_runs(history.open_history(tmp_path / "history.db"), 5)) == 1
    # no field twice: what the top level says (suite, arches, selection, timeouts) is not in
    # "config", and the whole configuration reads back as it was
    from oracle.config.recorded import full_config
    from oracle.report.results import load

    assert not {"suite", "arches", "opts", "seed", "ratio", "run_timeout", "warnings"} & set(doc["config"])
    assert doc["timeouts"]["run"] == 2.0 and doc["suite"] == "csmith"
    assert full_config(doc) == cfg.to_dict()
    assert load(tmp_path / "out").recorded_config() == cfg
