"""A candidate's preprocessor bug across projects: two synthetic projects (tests/data/projects/ppa,
ppb) whose version strings go through XSTR(MAJOR.MINOR), built by a fake candidate that reads
`10.MINOR` on as one pp-number (ppbug-cc). Every failing test of both is bisected to its version
TU, the TU's -E is compared with GCC's, and the failures are one task across the two projects
that shows the differing tokens and the source line. A planted miscompilation that is not the
preprocessor's (miscompile-cc: a -D the candidate adds) stays a culprit task of its project."""

from __future__ import annotations

import json
import os
import shlex
import tempfile
from pathlib import Path

from ..conftest import run_cli

DATA = Path(__file__).resolve().parents[1] / "data" / "projects"


def test_one_preprocessor_bug_is_one_task_across_projects(tmp_path):
    out, tasks = tmp_path / "run", tmp_path / "tasks"
    res = run_cli("run", "--compiler", str(DATA / "ppbug-cc"), "--suite",
                  f"project:{DATA / 'ppa.toml'},{DATA / 'ppb.toml'}", "--arch", "x86_64", "--out", str(out),
                  "-j", "2", "--cache", str(tmp_path / "cache"), "--tasks", str(tasks), timeout=900)
    assert res.returncode == 1, res.stdout + res.stderr
    cases = {c["test"]: c for c in json.loads((out / "results.json").read_text())["cases"]}
    assert cases["ppa/sum"]["verdict"] == "pass" and cases["ppb/count"]["verdict"] == "pass"
    failing = ["ppa/version", "ppa/banner", "ppb/about"]
    for test in failing:
        c = cases[test]
        assert c["verdict"] in ("wrong-output", "wrong-exit"), c
        assert c["culprits"] == (["version.c"] if test.startswith("ppa") else ["lib.c"]), c
        kind, macro, where = c["evidence"]["preprocessor"]
        assert kind == "relex" and macro in ("PPA_MINOR", "PPB_MINOR"), c["evidence"]
    made = sorted(p for p in tasks.iterdir() if p.suffix == ".txt")
    assert len(made) == 1, [p.name for p in made]
    text = made[0].read_text()
    assert "preprocessor" in text.splitlines()[0].lower(), text
    for test in failing:
        assert test in text, text
    # the differing tokens and the source line that produced them
    assert '"10.PPA_MINOR"' in text or '"1.PPB_MINOR.PPB_PATCH"' in text, text
    assert "XSTR(PPA_MAJOR.PPA_MINOR)" in text or "PPB_EXPAND_AND_QUOTE(PPB_MAJOR.PPB_MINOR.PPB_PATCH)" in text, text
    assert '"10.42"' in text or '"1.9.4"' in text, text
    # the task's repro line, from elsewhere: still fails, and leaves no build folder behind
    line = next(x.strip() for x in text.splitlines() if x.strip().startswith("oracle repro "))
    args = shlex.split(line)[2:]
    def builds() -> set[str]:
        return {n for d in {"/dev/shm", tempfile.gettempdir()} if os.path.isdir(d) for n in os.listdir(d)
                if "-proj-ppa-" in n or "-proj-ref-ppa-" in n}

    # oracle check judges every case of the task, in both projects: all still fail; gcc fixes them
    task_id = made[0].name.rsplit("--", 1)[-1].removesuffix(".txt")
    for compiler, code, word in ((str(DATA / "ppbug-cc"), 1, "fails"), ("gcc", 0, "pass")):
        chk = run_cli("check", task_id, "--dir", str(tasks), "--compiler", compiler, cwd=tmp_path, timeout=600)
        assert chk.returncode == code, chk.stdout + chk.stderr
        assert word in chk.stdout and (code == 0 or all(test in chk.stdout for test in failing)), chk.stdout
    before = builds()
    rep = run_cli("repro", *args, cwd=tmp_path, timeout=600)
    assert rep.returncode == 1 and "still fails" in rep.stdout, rep.stdout + rep.stderr
    assert builds() <= before, builds() - before


def test_a_miscompilation_by_another_macro_definition_is_not_a_preprocessor_bug(tmp_path):
    out, tasks = tmp_path / "run", tmp_path / "tasks"
    res = run_cli("run", "--compiler", f"{DATA / 'miscompile-cc'} --bad=e.c", "--suite",
                  f"project:{DATA / 'mini.toml'}", "--arch", "x86_64", "--out", str(out), "-j", "1",
                  "--cache", str(tmp_path / "cache"), "--tasks", str(tasks), "--filter", "mini/prog", timeout=900)
    assert res.returncode == 1, res.stdout + res.stderr
    (case,) = [c for c in json.loads((out / "results.json").read_text())["cases"] if c["test"] == "mini/prog"]
    assert case["culprits"] == ["e.c"]
    kind, macro, _ = case["evidence"]["preprocessor"]
    assert kind == "definitions" and macro == "BIAS", case["evidence"]  # -DMISCOMPILE: BIAS is 1, not 0
    (task,) = [p for p in tasks.iterdir() if p.suffix == ".txt"]
    text = task.read_text()
    assert "culprit TUs e.c" in text and "not by a preprocessor bug" in text, text
