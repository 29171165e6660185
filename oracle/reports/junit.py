"""junit.xml via junitparser: one testsuite per arch, one testcase per case.

Each testcase is a junitparser element, serialised and written as it comes: the
file is never held in memory whole (junitparser's tree of 10,000 cases costs
tens of MB, and its add_testcase recounts the suite on each add).
"""

from __future__ import annotations

from collections import Counter

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite
from junitparser.junitparser import etree

from .. import verdict as V
from ..record import CaseRecord
from ..text import clean
from . import atomic_file


def testcase(r: CaseRecord) -> TestCase:
    case = TestCase(clean(r.id, 1000), f"{r.suite}.{r.arch}", r.duration_s)
    verdict = r.verdict
    msg = clean(f"{verdict.name}: {r.reason}" if r.reason else verdict.name, 1000)
    if verdict.is_failure:
        case.result = [Failure(msg, verdict.name)]
    elif verdict is V.INFRA_ERROR:
        case.result = [Error(msg, verdict.name)]
    elif verdict is not V.PASS:
        case.result = [Skipped(msg)]
    return case


def _counts(records) -> dict[str, Counter]:
    """Per arch: tests, failures, errors, skipped, and time (in ms, to stay an integer count)."""
    per: dict[str, Counter] = {}
    suites: dict[str, str] = {}
    for r in records:
        c = per.setdefault(r.arch, Counter())
        suites.setdefault(r.arch, r.suite)
        verdict = r.verdict
        c["tests"] += 1
        c["failures"] += verdict.is_failure
        c["errors"] += verdict is V.INFRA_ERROR
        c["skipped"] += not verdict.is_failure and verdict not in (V.INFRA_ERROR, V.PASS)
        c["time_ms"] += round(r.duration_s * 1000)
    return {arch: (suites[arch], c) for arch, c in per.items()}


def _open_tag(elem) -> bytes:
    """`<tag attrs>` of an element with no children, as junitparser would write it."""
    text = etree.tostring(elem)
    assert text.endswith(b" />")
    return text[:-3] + b">"


def write(path, records) -> None:
    per_arch = _counts(records)
    total = Counter()
    for _, c in per_arch.values():
        total.update(c)
    xml = JUnitXml("oracle")
    for key in ("tests", "failures", "errors", "skipped"):
        setattr(xml, key, total[key])
    xml.time = total["time_ms"] / 1000
    with atomic_file(path) as f:
        f.write(b'<?xml version="1.0" encoding="utf-8"?>\n' + _open_tag(xml._elem) + b"\n")
        for arch, (suite_name, c) in per_arch.items():
            suite = TestSuite(f"oracle.{suite_name}.{arch}")
            for key in ("tests", "failures", "errors", "skipped"):
                setattr(suite, key, c[key])
            suite.time = c["time_ms"] / 1000
            f.write(b"  " + _open_tag(suite._elem) + b"\n")
            for r in records:
                if r.arch == arch:
                    f.write(b"    " + etree.tostring(testcase(r)._elem, encoding="utf-8",
                                                     xml_declaration=False) + b"\n")
            f.write(b"  </testsuite>\n")
        f.write(b"</testsuites>\n")
