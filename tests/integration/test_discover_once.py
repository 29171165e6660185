"""A run discovers its suite once: the controller selects, the workers receive the cases as
data (issue 22.3). Counted across processes by a sitecustomize that wraps every suite's
`cases()` (the discovery) and writes one line per call to a file."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

from ..conftest import ORACLE

COUNTER = textwrap.dedent("""
    import os
    import oracle.discover.suites as S

    _open = S.open_suite

    def open_suite(*a, **k):
        suite = _open(*a, **k)
        cases = suite.cases

        def counted(*x, **y):
            with open(os.environ["DISCOVERY_LOG"], "a") as f:
                f.write(f"{os.getpid()}\\n")
            return cases(*x, **y)

        suite.cases = counted
        return suite

    S.open_suite = open_suite
""")


def _run(tmp_path, *args):
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(COUNTER)
    log = tmp_path / "discovery.log"
    log.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "DISCOVERY_LOG": str(log)}
    res = subprocess.run([*ORACLE, "run", "--compiler", "gcc", "--arch", "x86_64", "--no-history", "--no-cache",
                          "--out", str(tmp_path / "out"), *args], capture_output=True, text=True, env=env,
                         timeout=600, stdin=subprocess.DEVNULL)
    return res, log.read_text().split() if log.exists() else []


def test_a_torture_run_with_two_workers_discovers_the_suite_once(tmp_path):
    res, calls = _run(tmp_path, "--suite", "torture", "--ratio", "2", "-j", "2")
    assert res.returncode == 0, res.stdout + res.stderr
    cases = json.loads((tmp_path / "out" / "results.json").read_text())["cases"]
    assert len(cases) > 2  # judged, on workers (-j 2 runs pytest-xdist)
    assert len(calls) == 1, f"the suite was discovered {len(calls)} times, by processes {calls}"


def test_a_generated_run_streams_one_discovery(tmp_path):
    res, calls = _run(tmp_path, "--suite", "csmith", "--count", "3", "-j", "2")
    assert res.returncode in (0, 1), res.stdout + res.stderr
    assert len(json.loads((tmp_path / "out" / "results.json").read_text())["cases"]) == 3
    assert len(calls) == 1, f"the suite was discovered {len(calls)} times"
