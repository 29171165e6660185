"""Flags from test files: only those on the allow-list reach a compiler."""

from __future__ import annotations

import json

from ..conftest import run_cli


def test_a_test_file_cannot_make_the_reference_run_a_program(tmp_path):
    mark = tmp_path / "MARK"
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "wrapper.c").write_text(f'/* {{ dg-options "-O0 -wrapper /usr/bin/touch,{mark}" }} */\n'
                                     "int main(void) { return 0; }\n")
    (suite / "ok.c").write_text("#include <stdio.h>\nint main(void) { puts(\"ok\"); return 0; }\n")
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out), "--no-history", "--no-cache")
    assert res.returncode == 0, res.stdout + res.stderr
    assert not mark.exists(), "a flag from the test file ran a program on the host"
    verdicts = {c["test"]: (c["verdict"], c["reason"]) for c in json.loads((out / "results.json").read_text())["cases"]}
    assert verdicts["ok.c"][0] == "pass"
    assert verdicts["wrapper.c"][0] == "unsupported" and "-wrapper" in verdicts["wrapper.c"][1]
