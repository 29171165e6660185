"""The agent view: at most ten lines, and the line standing for the rest counts it exactly."""

from __future__ import annotations

from oracle.cli.commands import _agent_lines


def test_what_is_left_out_is_counted_by_kind_and_placed():
    shown = [f"ERROR s/t{i}.c@x86_64-O0 wrong-exit: exit 1" for i in range(10)]
    lines = (["warning: something"] + ["x86_64: 1473/1700 passed (86.6%) · 227 wrong-exit"] + shown
             + ["... and 217 more ERROR lines in errors.log"] + [f"FIXED s/f{i}.c@x86_64-O0" for i in range(20)]
             + ["... and 5 more fixed cases", "gate: 0 regressions, 0 flaky, 25 fixed, 1700 required cases checked",
                "reports: /o/results.json · /o/junit.xml · /o/errors.log"])
    out = _agent_lines(lines, "/o")
    assert len(out) <= 10 and out[-1].startswith("reports:") and any(ln.startswith("gate:") for ln in out)
    (summary,) = [ln for ln in out if ln.startswith("... left out:")]
    errors_shown = sum(ln.startswith("ERROR") for ln in out)
    fixed_shown = sum(ln.startswith("FIXED") for ln in out)
    assert f"{227 - errors_shown} ERROR lines (errors.log)" in summary
    assert f"{25 - fixed_shown} FIXED lines (gate.log)" in summary
    assert summary.endswith("in /o")


def test_short_output_is_untouched():
    lines = ["x86_64: 2/2 passed (100.0%)", "reports: /o/results.json · /o/junit.xml · /o/errors.log"]
    assert _agent_lines(lines, "/o") == lines
