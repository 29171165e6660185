"""The candidate's identity and the judgements reused for it: the same compiler compiles nothing
twice, a different one (however it hides behind a wrapper) is never taken for it."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

from ..conftest import needs_tcc, run_cli

PROGRAM = ('#include <stdio.h>\nint main(void){\n#ifdef __TINYC__\n puts("tcc");\n#else\n puts("gcc");\n#endif\n'
           ' return 0; }\n')


def cases(out: Path) -> dict[str, dict]:
    return {c["id"]: c for c in json.loads((out / "results.json").read_text())["cases"]}


def executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def suite_of(folder: Path, n: int = 3) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"t{i}.c").write_text(PROGRAM.replace("return 0", f"return {i % 2}"))
    return folder


def identity(out: Path) -> str:
    return json.loads((out / "results.json").read_text())["config"]["candidates"]["x86_64"]["identity"]


@needs_tcc
def test_a_wrapper_whose_binary_was_swapped_is_another_compiler(tmp_path):
    """The wrapper's bytes do not change; the binary it runs does (gcc, then tcc): the second run
    compiles every case and sees tcc's output, where a reused judgement would have said pass."""
    tools = tmp_path / "tools"
    tools.mkdir()
    cc = executable(tools / "cc", '#!/bin/sh\nexec "$(dirname "$0")/real" "$@"\n')
    (tools / "real").symlink_to("/usr/bin/gcc")  # a copy elsewhere would not find its cc1
    suite = suite_of(tmp_path / "suite")
    common = ["--compiler", str(cc), "--suite", str(suite), "--arch", "x86_64", "-j", "1", "--no-history",
              "--cache", str(tmp_path / "cache")]
    first = run_cli("run", *common, "--out", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    again = run_cli("run", *common, "--out", str(tmp_path / "b"))
    assert again.returncode == 0, again.stderr
    assert {c.get("candidate_run") for c in cases(tmp_path / "b").values()} == {"known"}
    (tools / "real").unlink()
    (tools / "real").symlink_to("/usr/bin/tcc")
    swapped = run_cli("run", *common, "--out", str(tmp_path / "c"))
    assert swapped.returncode == 1, swapped.stderr
    after = cases(tmp_path / "c")
    assert {c["verdict"] for c in after.values()} == {"wrong-output"}
    assert not any(c.get("candidate_run") for c in after.values())
    assert identity(tmp_path / "a") == identity(tmp_path / "b") != identity(tmp_path / "c")


def test_the_same_compiler_compiles_nothing_twice_and_rejudge_compiles_all(tmp_path):
    tools = tmp_path / "tools"
    tools.mkdir()
    log = tmp_path / "compiles.log"
    # --sandbox none: the compiler writes its log outside its folder, which the sandbox forbids.
    cc = executable(tools / "cc", f'#!/bin/sh\necho "$@" >> {log}\nexec gcc "$@"\n')
    suite = suite_of(tmp_path / "suite", 4)
    common = ["--compiler", str(cc), "--suite", str(suite), "--arch", "x86_64", "-j", "1", "--no-history",
              "--sandbox", "none", "--cache", str(tmp_path / "cache")]

    def compiles() -> int:
        return sum("src/t" in line for line in log.read_text().splitlines()) if log.exists() else 0

    assert run_cli("run", *common, "--out", str(tmp_path / "a")).returncode == 0
    assert compiles() == 4
    assert run_cli("run", *common, "--out", str(tmp_path / "b")).returncode == 0
    assert compiles() == 4
    assert {c.get("candidate_run") for c in cases(tmp_path / "b").values()} == {"known"}
    assert run_cli("run", *common, "--rejudge", "--out", str(tmp_path / "c")).returncode == 0
    assert compiles() == 8 and not any(c.get("candidate_run") for c in cases(tmp_path / "c").values())
    # A changed header of its own is a changed compiler: the compiler reads it, so it is hashed.
    inc = tools / "include"
    inc.mkdir()
    (inc / "stdio.h").write_text("#include_next <stdio.h>\n")
    cc2 = executable(tools / "cc2", f'#!/bin/sh\necho "$@" >> {log}\nexec gcc -I{inc} "$@"\n')
    common2 = [*common[:1], str(cc2), *common[2:]]
    assert run_cli("run", *common2, "--out", str(tmp_path / "d")).returncode == 0
    assert run_cli("run", *common2, "--out", str(tmp_path / "e")).returncode == 0
    assert compiles() == 12
    (inc / "stdio.h").write_text("#include_next <stdio.h>\n#define EXTRA 1\n")
    assert run_cli("run", *common2, "--out", str(tmp_path / "f")).returncode == 0
    assert compiles() == 16


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=a@b", "-c", "user.name=a", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_two_builds_of_one_commit_share_judgements_with_candidate_rev(tmp_path):
    """Two clones of a compiler's repository at two paths, each with its own build (bytes that
    differ: the build embeds its path): with --candidate-rev the second compiles nothing; without
    it, the builds are two compilers. A rev the checkout is not at is refused."""
    origin = tmp_path / "origin"
    origin.mkdir()
    executable(origin / "cc", '#!/bin/sh\n. "$(dirname "$0")/build.txt"\nexec gcc "$@"\n')
    (origin / ".gitignore").write_text("build.txt\n")
    git(origin, "init", "-q")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "compiler")
    rev = git(origin, "rev-parse", "HEAD")
    clones = []
    for where in (tmp_path / "agent1" / "cc", tmp_path / "deep" / "agent2" / "cc"):
        where.parent.mkdir(parents=True)
        git(tmp_path, "clone", "-q", str(origin), str(where))
        (where / "build.txt").write_text(f"# built in {where}\n")
        clones.append(where / "cc")
    suite = suite_of(tmp_path / "suite")
    common = ["--suite", str(suite), "--arch", "x86_64", "-j", "1", "--no-history", "--cache", str(tmp_path / "cache")]
    for i, cc in enumerate(clones):
        res = run_cli("run", "--compiler", str(cc), "--candidate-rev", rev, *common, "--out", str(tmp_path / f"r{i}"))
        assert res.returncode == 0, res.stderr
    assert {c.get("candidate_run") for c in cases(tmp_path / "r1").values()} == {"known"}
    plain = [run_cli("run", "--compiler", str(cc), *common, "--out", str(tmp_path / f"p{i}")) for i, cc in
             enumerate(clones)]
    assert all(r.returncode == 0 for r in plain)
    assert identity(tmp_path / "p0") != identity(tmp_path / "p1")
    # Agent 1 commits a change: its checkout is no longer at rev, so the revision vouches for
    # nothing there (its files are hashed, one warning); a rev that is no commit is refused.
    (clones[0].parent / "cc").write_text((clones[0].parent / "cc").read_text() + "# changed\n")
    git(clones[0].parent, "commit", "-qam", "change")
    moved = run_cli("run", "--compiler", str(clones[0]), "--candidate-rev", rev, *common, "--out", str(tmp_path / "m"))
    assert moved.returncode == 0 and "--candidate-rev" in moved.stdout and "hashed" in moved.stdout
    assert not any(c.get("candidate_run") == "known" for c in cases(tmp_path / "m").values())  # (same bytes: "reused")
    assert json.loads((tmp_path / "m" / "results.json").read_text())["config"]["candidates"]["x86_64"]["commit"] == rev
    wrong = run_cli("run", "--compiler", str(clones[0]), "--candidate-rev", "f" * 40, *common, "--out",
                    str(tmp_path / "w"))
    assert wrong.returncode == 2 and "--candidate-rev" in wrong.stderr and len(wrong.stderr.strip().splitlines()) == 1
