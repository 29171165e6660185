"""The run-against-run view (report/compare.py) on records written here: the kinds of flip, the
noise threshold of times, bounded lines."""

from pathlib import Path

from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.model.record import CaseRecord
from oracle.report.compare import CHANGED, FIXED, NEW, compare
from oracle.report.results import Run


def rec(name: str, verdict: V.Verdict, t: float = 1.0, **metrics) -> CaseRecord:
    return CaseRecord(Case(f"s/{name}@x86_64-O0", "s", name, "x86_64", "-O0"), verdict, "why", t,
                      metrics=tuple(sorted(metrics.items())))


def run(*records: CaseRecord) -> Run:
    return Run(Path("/r/results.json"), {}, list(records))


def test_kinds_of_flip_and_counts():
    a = run(rec("p", V.PASS), rec("f", V.WRONG_OUTPUT), rec("c", V.WRONG_OUTPUT), rec("u", V.PASS),
            rec("gone", V.PASS), rec("same", V.CRASH))
    b = run(rec("p", V.CRASH), rec("f", V.PASS), rec("c", V.COMPILE_ERROR), rec("u", V.UNSTABLE),
            rec("new", V.PASS), rec("same", V.CRASH))
    cmp_ = compare(a, b)
    kinds = {f.id.split("/")[1].split("@")[0]: f.kind for f in cmp_.flips}
    assert kinds == {"p": NEW, "f": FIXED, "c": CHANGED, "u": CHANGED}
    assert (cmp_.same, cmp_.only_a, cmp_.only_b, cmp_.exit_code) == (1, 1, 1, 1)
    assert compare(b, b).exit_code == 0


def test_metrics_beyond_the_noise_only():
    a = run(rec("x", V.PASS, 1.0), rec("y", V.PASS, 1.0), rec("z", V.PASS, 0.01),
            rec("m", V.PASS, 5.0, compile_s=0.1, run_s=2.0, text_bytes=300))
    b = run(rec("x", V.PASS, 1.6), rec("y", V.PASS, 1.3), rec("z", V.PASS, 0.2),
            rec("m", V.PASS, 9.0, compile_s=0.12, run_s=0.5, text_bytes=296))
    got = sorted(c.line() for c in compare(a, b).changes)  # y: x1.3; z: x20 but 0.19 s; m's case time: not compared
    assert got == ["FASTER s/m@x86_64-O0: run 2.00 s -> 0.50 s (x0.25)",
                   "SLOWER s/x@x86_64-O0: case 1.00 s -> 1.60 s (x1.60)",
                   "SMALLER s/m@x86_64-O0: text 300 -> 296 bytes (x0.987)"], got
    assert "1 slower, 1 faster, 0 bigger, 1 smaller" in compare(a, b).summary()


def test_lines_are_bounded_and_say_what_is_left_out():
    a = run(*(rec(f"t{i}", V.PASS) for i in range(50)))
    b = run(*(rec(f"t{i}", V.WRONG_OUTPUT) for i in range(50)))
    lines = compare(a, b).lines(20)
    assert len(lines) == 22 and lines[-1].startswith("... 30 more lines")
    assert len(compare(a, b).lines(None)) == 51
