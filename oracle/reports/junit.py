"""junit.xml via junitparser: one testsuite per arch, one testcase per case."""

from __future__ import annotations

import tempfile
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from .. import verdict as V
from ..text import clean
from . import atomic_write


def write(path, records: list[dict]) -> None:
    xml = JUnitXml("oracle")
    suites: dict[str, TestSuite] = {}
    for r in records:
        suite = suites.get(r["arch"])
        if suite is None:
            suite = suites[r["arch"]] = TestSuite(f"oracle.{r['suite']}.{r['arch']}")
        case = TestCase(clean(r["id"], 1000), f"{r['suite']}.{r['arch']}", r.get("duration_s") or 0.0)
        verdict = V.by_name(r["verdict"])
        msg = clean(f"{verdict.name}: {r['reason']}" if r["reason"] else verdict.name, 1000)
        if verdict.is_failure:
            case.result = [Failure(msg, verdict.name)]
        elif verdict is V.INFRA_ERROR:
            case.result = [Error(msg, verdict.name)]
        elif verdict is not V.PASS:
            case.result = [Skipped(msg)]
        suite.append(case)  # add_testcase recounts the whole suite each time: quadratic
    for suite in suites.values():
        suite.update_statistics()
        xml.add_testsuite(suite)
    xml.update_statistics()
    with tempfile.TemporaryDirectory() as tmp:
        xml.write(str(Path(tmp, "junit.xml")), pretty=True)
        atomic_write(path, Path(tmp, "junit.xml").read_bytes())
