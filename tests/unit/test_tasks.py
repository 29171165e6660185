"""current_tasks/: claim protocol, resolution, idempotence, --max-tasks, safe names, concurrent writers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from oracle.report.results import load
from oracle.feed.tasks import sync

from .test_cluster import rec


def results(tmp_path: Path, name: str, records: list):
    d = tmp_path / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "results.json").write_text(json.dumps({"arches": ["x86_64"], "toolchains": {},
                                                "cases": [r.to_json() for r in records]}))
    return load(d)


def undeclared(i: int, verdict: str = "compile-error") -> dict:
    return rec(f"t{i}.c", "x86_64", verdict, f"/p/t{i}.c:{i}: error: 'v{i}' undeclared")


def failing_run(tmp_path, name="r1"):
    return results(tmp_path, name, [undeclared(i) for i in range(3)] + [rec("w.c", "x86_64", "wrong-exit"),
                                                                         rec("ok.c", "x86_64", "pass")])


def state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".lock"}


def task_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_one_file_per_cluster_and_idempotent(tmp_path):
    folder = tmp_path / "current_tasks"
    run = failing_run(tmp_path)
    rep = sync(run, folder)
    assert rep.clusters == 2 and rep.failures == 4 and len(rep.written) == 2
    files = task_files(folder)
    assert files == sorted(["compile-error-error-a-name-undeclared--" + files[0].rsplit("--")[1],
                            "wrong-exit-in-plain-c-code-s-w-c--" + files[1].rsplit("--")[1]])
    text = (folder / files[0]).read_text()
    assert text.startswith("compile-error: error: a name undeclared [3 failing cases]\n")
    assert "Verdict: compile-error" in text and "Arches: x86_64" in text and "s/t2.c@x86_64-O0" in text
    before = state(folder)
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    rep = sync(run, folder)
    assert state(folder) == before and not rep.written and len(rep.unchanged) == 2
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes  # not even rewritten


def test_claimed_tasks_survive_and_resolved_ones_go(tmp_path):
    folder = tmp_path / "current_tasks"
    sync(failing_run(tmp_path), folder)
    ce, we = task_files(folder)
    (folder / ce).write_text((folder / ce).read_text() + "Claimed-by: agent-7\n")
    claimed_text = (folder / ce).read_text()
    # A new diagnostic for the same tests would change the task: the claimed file is left alone.
    changed = results(tmp_path, "r2", [rec(f"t{i}.c", "x86_64", "compile-error", "x.c:1: error: '{' expected")
                                       for i in range(3)] + [rec("w.c", "x86_64", "wrong-exit")])
    sync(changed, folder)
    assert (folder / ce).read_text() == claimed_text
    # Everything passes now: the unclaimed task goes, the claimed one is marked once.
    fixed = results(tmp_path, "r3", [rec(f"t{i}.c", "x86_64", "pass") for i in range(3)]
                    + [rec("w.c", "x86_64", "pass")])
    rep = sync(fixed, folder)
    assert task_files(folder) == [ce] and rep.resolved == [ce[:-4].rsplit("--", 1)[1]]
    text = (folder / ce).read_text()
    assert text.startswith(claimed_text) and text.count("\nResolved: all 3 cases pass") == 1
    sync(fixed, folder)
    assert (folder / ce).read_text() == text


def test_renamed_task_is_claimed(tmp_path):
    folder = tmp_path / "current_tasks"
    run = failing_run(tmp_path)
    sync(run, folder)
    ce, _ = task_files(folder)
    (folder / ce).rename(folder / (ce + ".claimed"))
    rep = sync(run, folder)
    assert ce not in task_files(folder) and (ce + ".claimed") in task_files(folder)  # not written again
    assert len(rep.claimed) == 1
    fixed = results(tmp_path, "r3", [rec(f"t{i}.c", "x86_64", "pass") for i in range(3)])
    sync(fixed, folder)
    assert "Resolved:" in (folder / (ce + ".claimed")).read_text()


def test_stale_task_kept_when_its_cases_were_not_judged(tmp_path):
    folder = tmp_path / "current_tasks"
    sync(failing_run(tmp_path), folder)
    only_w = results(tmp_path, "r2", [rec("w.c", "x86_64", "pass")])  # a --filter run: t*.c not judged
    sync(only_w, folder)
    assert len(task_files(folder)) == 1 and "undeclared" in task_files(folder)[0]


def test_max_tasks_keeps_the_biggest(tmp_path):
    folder = tmp_path / "current_tasks"
    rep = sync(failing_run(tmp_path), folder, max_tasks=1)
    files = [f for f in task_files(folder) if f != "ideas.txt"]
    assert len(files) == 1 and "undeclared" in files[0] and rep.clusters == 2 and rep.ideas == 1
    ideas = (folder / "ideas.txt").read_text()
    assert "wrong-exit in plain C code (s/w.c)" in ideas and "s/w.c@x86_64-O0" in ideas


def test_names_from_tests_never_become_paths(tmp_path):
    folder = tmp_path / "current_tasks"
    evil = "../../../etc/x\n.c"
    sync(results(tmp_path, "r", [rec(evil, "x86_64", "crash")]), folder)
    names = task_files(folder)
    assert len(names) == 1 and "/" not in names[0] and "\n" not in names[0]
    assert not (tmp_path / "etc").exists()


WRITER = """
import sys
from oracle.report.results import load
from oracle.feed.tasks import sync
for _ in range(int(sys.argv[3])):
    sync(load(sys.argv[1]), sys.argv[2])
"""


def test_two_writers_at_once_leave_a_consistent_folder(tmp_path):
    # Each run judges every test of the other, so whichever writes last leaves exactly its own state.
    a = results(tmp_path, "a", [undeclared(i) for i in range(3)] + [rec(f"w{i}.c", "x86_64", "wrong-exit")
                                                                    for i in range(30)]
                + [rec(f"n{i}.c", "x86_64", "pass") for i in range(30)])
    b = results(tmp_path, "b", [undeclared(i) for i in range(3)] + [rec(f"w{i}.c", "x86_64", "pass")
                                                                    for i in range(30)]
                + [rec(f"n{i}.c", "x86_64", "crash") for i in range(30)])
    expect = []
    for run in (a, b):
        sync(run, tmp_path / f"alone-{run.folder.name}")
        expect.append(state(tmp_path / f"alone-{run.folder.name}"))
    folder = tmp_path / "current_tasks"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(run.path), str(folder), "15"],
                              stderr=subprocess.PIPE, text=True) for run in (a, b)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert state(folder) in expect  # exactly one writer's result, no torn files, no temp files left


def test_a_writer_waits_for_the_lock(tmp_path):
    import time

    from oracle.feed.tasks import locked

    folder = tmp_path / "current_tasks"
    run = failing_run(tmp_path)
    with locked(folder):
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(run.path), str(folder), "1"])
        time.sleep(1.5)
        assert p.poll() is None and task_files(folder) == []  # blocked while another writer holds it
    assert p.wait(timeout=60) == 0
    assert len(task_files(folder)) == 2


def test_a_project_task_names_its_recipe_and_culprits_not_a_missing_program(tmp_path):
    from oracle.model import verdict as V
    from oracle.model.case import Case
    from oracle.model.record import CaseRecord

    r = CaseRecord(Case("project/zlib/roundtrip-binary@x86_64-O2", "project", "zlib/roundtrip-binary", "x86_64",
                        "-O2"), V.WRONG_OUTPUT, "stdout differs at line 1", culprits=("deflate.c",))
    folder = tmp_path / "current_tasks"
    sync(results(tmp_path, "r1", [r]), folder)
    (text,) = [p.read_text() for p in folder.iterdir() if not p.name.startswith(".")]
    assert "culprit TUs deflate.c" in text.splitlines()[0]
    assert "Test: project zlib (its recipe zlib.toml), its test roundtrip-binary" in text
    assert "Program: the whole project" in text and "Smallest known program: none here" not in text
