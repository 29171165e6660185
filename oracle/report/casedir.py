"""One folder per failing case: the sources, the exact commands, both outputs and a repro.sh
that has `oracle repro` judge the case again (the one judge; the script decides nothing), from
any directory."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from oracle import PACKAGE
from oracle.model import verdict as V
from oracle.config.options import RunConfig
from oracle.model.case import source_files
from oracle.judge.outcome import Result
from oracle.model.text import clean
from oracle.discover.suites import open_generator
from oracle.discover.suites.generated import seed_of
from oracle.judge.kinds import kind_of

_ROOT = PACKAGE.parent  # where `python -m oracle.cli` finds this oracle



def read(path: Path, limit: int = 64 * 1024) -> bytes | None:
    """At most `limit` bytes of a case folder's file; None when it is missing or no regular file
    (what reads a case folder back: junit bodies, report.html, -v)."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        with open(path, "rb") as f:
            return f.read(limit)
    except OSError:
        return None


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
    _copy_sources(case.sources, d / "src")
    (d / "verdict.txt").write_text(f"{case.id}\n{res.verdict.name}: {res.reason}\n", errors="backslashreplace")
    if res.traceback:
        (d / "traceback.txt").write_text(res.traceback)
    cmds = ["# from this folder (the sources are in src/): each executable is named after its build"]
    if res.ref:
        for b, r in zip(res.ref.builds, res.ref.runs + [None] * len(res.ref.builds)):
            argv, exe = pasteable(b.argv)
            cmds.append(f"# reference: {b.status}\n{shlex.join(argv)}")
            if r is not None:
                cmds.append(f"# reference run: {r.status}\n{shlex.join(ran(r.argv, exe))}")
        if res.ref.runs:
            (d / "reference.stdout").write_bytes(res.ref.expected.stdout)
            (d / "reference.status").write_text(f"{res.ref.expected.status}\n")
    exe = "cand"
    if res.build:
        argv, exe = pasteable(res.build.argv)
        cmds.append(f"# candidate: {res.build.status}\n{shlex.join(argv)}")
        (d / "candidate.compile.log").write_bytes(res.build.stderr + res.build.stdout)
    if res.run:
        cmds.append(f"# candidate run: {res.run.status}\n{shlex.join(ran(res.run.argv, exe))}")
        (d / "candidate.stdout").write_bytes(res.run.stdout)
        (d / "candidate.stderr").write_bytes(res.run.stderr)
        (d / "candidate.status").write_text(f"{res.run.status}{' (stdout truncated)' if res.run.stdout_truncated else ''}\n")
    (d / "commands.txt").write_text("\n\n".join(cmds) + "\n")
    for side, code in res.disasm.items():  # judge/disasm.py: the test's functions, by each compiler
        if code:
            (d / f"{side}.disasm").write_text(code)
    _write_generator_notes(d, res, cfg, original)
    if res.verdict.is_failure:
        script = d / "repro.sh"
        if res.project:
            text = project_repro_script(d, res)
        else:
            text = repro_script(res, cfg, _copy_suite(case.sources, cfg.suite, d))
        script.write_text(text)
        script.chmod(0o755)


def pasteable(argv) -> tuple[list[str], str]:
    """A compile command as it can be pasted in the case folder: its output (a scratch path, gone
    once the case was judged) named by its basename there; (argv, that name)."""
    out, name = list(argv), "a.out"
    for i, a in enumerate(out[:-1]):
        if a == "-o":
            name = os.path.basename(out[i + 1]) or name
            out[i + 1] = name
    return out, name


def ran(argv, exe: str) -> list[str]:
    """A run command with the executable it ran (copied to ./prog for the run) named as built."""
    return [f"./{exe}" if a == "./prog" else a for a in argv]


def culprit_command(c: dict) -> str:
    """A culprit TU's compile, to paste at the project's root: to its folder, then the TU (its
    path is the root's) from there."""
    return f"cd {shlex.quote(c['cwd'])} && " + shlex.join(["CANDIDATE", *c["argv"], "-c", os.path.relpath(c["tu"], c["cwd"])])


def project_repro_script(d: Path, res: Result) -> str:
    """A project case: culprits.txt, project.json (the bisection and its steps), and a repro.sh that
    rebuilds the mixed binary (the culprits by the candidate, the rest by the reference) and runs
    the test: exit 1 while it still fails."""
    (d / "project.json").write_text(json.dumps(res.project, indent=1) + "\n")
    sets = res.project.get("culprit_sets") or []
    broken = res.project.get("broken_steps")
    lines = [" + ".join(s) for s in sets] or [
        f"(none: {broken} mixed builds did not build; their logs are in project.json's steps)" if broken else
        "(none: the failure needs the candidate's own link step)"]
    lines += [f"{' + '.join(s)} (another failure: alone it changes the test another way)"
              for s in res.project.get("other_culprit_sets", [])]
    cmds = [culprit_command(c) for c in res.project.get("culprit_commands", [])]
    (d / "culprits.txt").write_text("\n".join(lines) + "\n\n# compile commands (paths relative to the project root)\n"
                                    + "\n".join(cmds) + "\n")
    root = PACKAGE.parent
    return (f"#!/bin/sh\n# Rebuild {clean(res.case.test, 400)} with the culprit TUs by the candidate and every other TU by the\n"
            f"# reference (which links), run the test; exit 1 while it still fails, 0 once it passes.\n"
            f"here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
            f"cd {shlex.quote(str(root))} && exec {shlex.quote(sys.executable)} -m oracle.judge.projects.bisect repro "
            f"\"$here/project.json\"\n")


def _write_generator_notes(d: Path, res: Result, cfg: RunConfig, original: Result | None) -> None:
    """For generated programs: how to regenerate the program from its seed, and the unshrunk one."""
    case = res.case
    if not kind_of(case.suite).generated:
        return
    hint = open_generator(case.suite, cfg.gen).regenerate_hint(seed_of(case))
    (d / "generator.txt").write_text(f"{case.suite} seed {seed_of(case)}\n{hint}\n")
    if original is not None and original is not res and original.case.sources:
        shutil.copyfile(original.case.sources[0], d / "original.c")


def _copy_sources(sources: tuple[str, ...], dest: Path) -> list[str]:
    """Copy the sources and the headers they include; returns the sources' paths relative to dest's parent.

    A case with no sources yet (a generated program whose making failed) copies nothing."""
    if not sources:
        return []
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


def repro_script(res: Result, cfg: RunConfig, own_suite: str | None = None) -> str:
    """A script that has `oracle repro` judge the case again with the run's candidate and settings:
    the one judge decides (sandbox, timeouts, -O0/-O2 agreement, reruns); the script decides nothing.
    Every word in it is quoted and every comment is one escaped line, whatever the names and
    reasons hold."""
    case = res.case
    argv = [sys.executable, "-m", "oracle.cli", "repro", case.id, "--compiler",
            f"{case.arch}={shlex.join(cfg.candidates[case.arch].argv)}",
            "--reference", f"{case.arch}={shlex.join(cfg.references[case.arch].argv)}",
            "--run-timeout", repr(cfg.run_timeout), "--ref-run-timeout", repr(cfg.ref_run_timeout),
            "--compile-timeout", repr(cfg.compile_timeout), "--ref-compile-timeout", repr(cfg.ref_compile_timeout),
            "--sandbox", cfg.sandbox, "--backend", cfg.backend, "--ub-check" if cfg.ub_check else "--no-ub-check"]
    argv += ["--csmith-args", cfg.csmith_args, "--gen-timeout", repr(cfg.gen_timeout)]
    if cfg.csmith_include:
        argv += ["--csmith-include", cfg.csmith_include]
    suite = shlex.quote(cfg.suite)
    if own_suite is not None:  # the case folder's own copy of its suite: works once the folder is gone
        suite = '"$HERE"/' + shlex.quote(own_suite)
    cmd = f"{shlex.join(argv)} --suite {suite}"
    return (f"#!/bin/sh\n# Reproduces {clean(case.id, 400)}\n# oracle said: {res.verdict.name}: {clean(res.reason, 400)}\n"
            "# oracle repro judges it again, as the run did. Exit 0: the candidate now matches the reference;\n"
            "# 1: it still fails; 3: it cannot be judged here (the reference disagrees with itself, a tool is\n"
            "# missing); 2: a usage error.\n"
            'HERE=$(cd "$(dirname "$0")" && pwd)\n'
            f"cd {shlex.quote(str(_ROOT))} && exec {cmd}\n")


def _copy_suite(sources: tuple[str, ...], suite: str, d: Path) -> str | None:
    """A folder suite's case as a suite of its own in d (`suite/NAME/`, each file where it was below
    the suite's root), for repro.sh; its path relative to d, or None: a named suite (found in any
    clone) or a case that reads files from outside its suite's root (the script uses the suite)."""
    if not os.path.isabs(suite):  # configure resolves a folder suite; named suites stay names
        return None
    root = os.path.realpath(suite)
    files = [(os.path.relpath(os.path.realpath(path), root), data) for path, data in source_files(sources)]
    if any(data is None or rel.startswith("..") for rel, data in files):
        return None
    own = f"suite/{os.path.basename(root)}"
    for rel, data in files:
        target = d / own / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return own


def wanted(res: Result) -> bool:
    return res.verdict.is_failure or res.verdict is V.INFRA_ERROR


def remove(out_dir: str, case_id: str) -> None:
    """Remove the folder of a case that no longer fails (left by an earlier run into out_dir)."""
    final = Path(out_dir, "cases", slug(case_id))
    if final.exists():
        shutil.rmtree(final, ignore_errors=True)
