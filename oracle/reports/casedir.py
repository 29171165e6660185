"""One folder per failing case: the sources, the exact commands, both outputs and a
repro.sh that re-runs the comparison by itself, from any directory."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import tempfile
from pathlib import Path

from .. import verdict as V
from ..config import RunConfig
from ..model import source_files
from ..pipeline import Result, compile_argv, run_argv
from ..targets import TARGETS



def slug(case_id: str) -> str:
    """A safe folder name for a case id: names from tests never become paths unsanitised."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", case_id).strip("._")[:100]
    return f"{base}-{hashlib.sha1(case_id.encode()).hexdigest()[:8]}"


def write(out_dir: str, res: Result, cfg: RunConfig, original: Result | None = None) -> Path:
    """The folder for res (`original`: the unshrunk result when res is a shrunk program).

    Written under a temporary name, then renamed: a full disk leaves no half folder."""
    final = Path(out_dir, "cases", slug(res.case.id))
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        _fill(tmp, res, cfg, original)
        if final.exists():
            shutil.rmtree(final)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _fill(d: Path, res: Result, cfg: RunConfig, original: Result | None) -> None:
    d.chmod(0o755)
    case = res.case
    rel_sources = _copy_sources(case.sources, d / "src")
    (d / "verdict.txt").write_text(f"{case.id}\n{res.verdict.name}: {res.reason}\n", errors="backslashreplace")
    if res.traceback:
        (d / "traceback.txt").write_text(res.traceback)
    cmds = []
    if res.ref:
        for b, r in zip(res.ref.builds, res.ref.runs + [None] * len(res.ref.builds)):
            cmds.append(f"# reference: {b.status}\n{shlex.join(b.argv)}")
            if r is not None:
                cmds.append(f"# reference run: {r.status}\n{shlex.join(r.argv)}")
        if res.ref.runs:
            (d / "reference.stdout").write_bytes(res.ref.expected.stdout)
            (d / "reference.status").write_text(f"{res.ref.expected.status}\n")
    if res.build:
        cmds.append(f"# candidate: {res.build.status}\n{shlex.join(res.build.argv)}")
        (d / "candidate.compile.log").write_bytes(res.build.stderr + res.build.stdout)
    if res.run:
        cmds.append(f"# candidate run: {res.run.status}\n{shlex.join(res.run.argv)}")
        (d / "candidate.stdout").write_bytes(res.run.stdout)
        (d / "candidate.stderr").write_bytes(res.run.stderr)
        (d / "candidate.status").write_text(f"{res.run.status}{' (stdout truncated)' if res.run.stdout_truncated else ''}\n")
    (d / "commands.txt").write_text("\n\n".join(cmds) + "\n")
    _write_generator_notes(d, res, cfg, original)
    if res.verdict.is_failure:
        script = d / "repro.sh"
        if res.project:
            text = project_repro_script(d, res)
        elif res.case.suite == "project":
            text = project_rerun_script(res, cfg)
        else:
            text = repro_script(res, cfg, rel_sources)
        script.write_text(text)
        script.chmod(0o755)


def project_rerun_script(res: Result, cfg: RunConfig) -> str:
    """A project case with no mixed build to show (the candidate does not build the project): the
    case judged again by oracle, with the same candidate; exit 1 while it still fails."""
    import re as _re
    import sys

    case = res.case
    root = Path(__file__).resolve().parents[2]
    argv = [sys.executable, "-m", "oracle.cli", "run", "--compiler",
            f"{case.arch}={shlex.join(cfg.candidates[case.arch].argv)}", "--arch", case.arch,
            "--suite", f"project:{case.sources[0]}", "--opt", case.opt, "-k", f"^{_re.escape(case.id)}$",
            "--out", "$W/out", "--no-history", "-j", "1"]
    cmd = shlex.join(argv).replace("'$W/out'", '"$W/out"')
    return (f"#!/bin/sh\n# Reproduces {case.id}: oracle judges it again (the project is built again with the\n"
            f"# candidate). oracle said: {res.verdict.name}: {res.reason}\n# Exit 0 once it passes, 1 while it fails.\n"
            f"W=$(mktemp -d \"${{TMPDIR:-/tmp}}/oracle-repro.XXXXXX\")\ntrap 'rm -rf \"$W\"' EXIT\n"
            f"cd {shlex.quote(str(root))} && {cmd}\nst=$?\n"
            f"cat \"$W/out/errors.log\" 2>/dev/null\n[ $st -eq 0 ] && exit 0\nexit 1\n")


def project_repro_script(d: Path, res: Result) -> str:
    """A project case: culprits.txt, project.json (the bisection and its steps), and a repro.sh that
    rebuilds the mixed binary (the culprits by the candidate, the rest by the reference) and runs
    the test: exit 1 while it still fails."""
    import json
    import sys

    (d / "project.json").write_text(json.dumps(res.project, indent=1) + "\n")
    sets = res.project.get("culprit_sets") or []
    broken = res.project.get("broken_steps")
    lines = [" + ".join(s) for s in sets] or [
        f"(none: {broken} mixed builds did not build; their logs are in project.json's steps)" if broken else
        "(none: the failure needs the candidate's own link step)"]
    lines += [f"{' + '.join(s)} (another failure: alone it changes the test another way)"
              for s in res.project.get("other_culprit_sets", [])]
    cmds = [f"cd {c['cwd']} && CANDIDATE {shlex.join(c['argv'])} -c {c['tu']}" for c in res.project.get("culprit_commands", [])]
    (d / "culprits.txt").write_text("\n".join(lines) + "\n\n# compile commands (paths relative to the project root)\n"
                                    + "\n".join(cmds) + "\n")
    root = Path(__file__).resolve().parents[2]
    return (f"#!/bin/sh\n# Rebuild {res.case.test} with the culprit TUs by the candidate and every other TU by the\n"
            f"# reference (which links), run the test; exit 1 while it still fails, 0 once it passes.\n"
            f"here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
            f"cd {shlex.quote(str(root))} && exec {shlex.quote(sys.executable)} -m oracle.projects.bisect repro "
            f"\"$here/project.json\"\n")


def _write_generator_notes(d: Path, res: Result, cfg: RunConfig, original: Result | None) -> None:
    """For generated programs: how to regenerate the program from its seed, and the unshrunk one."""
    from ..suites import open_generator
    from ..suites.generated import GENERATORS, seed_of

    case = res.case
    if case.suite not in GENERATORS:
        return
    hint = open_generator(case.suite, cfg.gen).regenerate_hint(seed_of(case))
    (d / "generator.txt").write_text(f"{case.suite} seed {seed_of(case)}\n{hint}\n")
    if original is not None and original is not res and original.case.sources:
        shutil.copyfile(original.case.sources[0], d / "original.c")


def _copy_sources(sources: tuple[str, ...], dest: Path) -> list[str]:
    """Copy the sources and the headers they include; returns the sources' paths relative to dest's parent."""
    base = os.path.dirname(os.path.normpath(sources[0]))
    placed: dict[str, str] = {}
    for path, data in source_files(sources):
        rel = os.path.relpath(path, base)
        if rel.startswith(".."):
            rel = os.path.join("extra", os.path.basename(path))
        if data is not None:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        placed[path] = os.path.join("src", rel)
    return [placed[os.path.normpath(s)] for s in sources]


def repro_script(res: Result, cfg: RunConfig, sources: list[str]) -> str:
    case = res.case
    ref = cfg.references[case.arch].argv
    cand = cfg.candidates[case.arch].argv
    emu = cfg.emulators[case.arch].argv
    level = case.ref_opts[0]
    run_t = int(cfg.run_timeout * TARGETS[case.arch].slowdown * case.timeout_factor) + 1
    q = shlex.join
    return f"""#!/bin/sh
# Reproduces {case.id}
# oracle said: {res.verdict.name}: {res.reason}
# Exit 0: the candidate now matches the reference; 1: it still fails; 2: the reference itself failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d "${{TMPDIR:-/tmp}}/oracle-repro.XXXXXX")
trap 'rm -rf "$W"' EXIT
cp -R "$HERE/src" "$W/src"
cd "$W"

# Reference: {cfg.references[case.arch].version}
{q(compile_argv(ref, level.split(), case, sources, "./ref"))} || {{ echo "the reference does not build"; exit 2; }}
timeout -s KILL {run_t} {q(run_argv(emu, "./ref"))} > ref.out < /dev/null
ref_status=$?

# Candidate: {cfg.candidates[case.arch].version}
timeout -s KILL {int(cfg.compile_timeout) + 1} {q(compile_argv(cand, case.opt_argv, case, sources, "./cand"))}
st=$?
if [ $st -eq 137 ]; then echo "compile-timeout"; exit 1; fi
if [ $st -gt 128 ]; then echo "compiler-crash: signal $((st - 128))"; exit 1; fi
if [ $st -ne 0 ] || [ ! -f ./cand ]; then echo "compile-error: the candidate exited $st"; exit 1; fi
timeout -s KILL {run_t} {q(run_argv(emu, "./cand"))} > cand.out < /dev/null
cand_status=$?

if [ "$cand_status" -eq 137 ] && [ "$ref_status" -ne 137 ]; then echo "timeout (or killed)"; exit 1; fi
if [ "$cand_status" -ne "$ref_status" ]; then
  echo "wrong-exit or crash: candidate status $cand_status, reference $ref_status"; exit 1
fi
if ! cmp -s ref.out cand.out; then
  echo "wrong-output:"; diff ref.out cand.out | head -n 20; exit 1
fi
echo "pass: the candidate matches the reference"
exit 0
"""


def wanted(res: Result) -> bool:
    return res.verdict.is_failure or res.verdict is V.INFRA_ERROR


def remove(out_dir: str, case_id: str) -> None:
    """Remove the folder of a case that no longer fails (left by an earlier run into out_dir)."""
    final = Path(out_dir, "cases", slug(case_id))
    if final.exists():
        shutil.rmtree(final, ignore_errors=True)
