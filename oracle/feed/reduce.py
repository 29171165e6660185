"""`oracle reduce`: shrink a failing test with C-Vise, keeping the bug and the program well defined.

The interestingness test is oracle's own (`oracle.feed.reduce_check`), so the verdict is
decided by judging.Judge exactly as in a run. The work happens in
`<run>/reduced/<case>/`: the reduced file, the original, the script C-Vise ran and its log.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from dataclasses import replace

from oracle import PACKAGE
from oracle.infra import proc, scratch
from oracle.config.options import RunConfig
from oracle.model.errors import GenerationFailed, ToolMissing, UsageError
from oracle.model.case import Case
from oracle.feed.reduce_check import check, examine, reference_status, spec_for
from oracle.report.casedir import slug
from oracle.report.results import Run
from oracle.config.targets import HOST_ARCH, TARGETS
from oracle.config.toolchain import find_reference

REDUCERS = ("cvise", "creduce")
DEFAULT_BUDGET = 300.0
VERIFIED = "verified"


@dataclass(slots=True)
class Reduction:
    case_id: str
    path: Path  # the reduced program
    lines_before: int
    lines_after: int
    still_fails: bool
    note: str = ""

    def line(self) -> str:
        state = "still fails the same way and is UB-clean" if self.still_fails else f"NOT verified: {self.note}"
        return (f"reduced {self.case_id}: {self.lines_before} -> {self.lines_after} lines ({state}): {self.path}")


def find_reducer() -> list[str]:
    for name in REDUCERS:
        found = shutil.which(name)
        if found:
            return [found]
    raise ToolMissing("neither cvise nor creduce is installed: run 'make setup' (apt-get install cvise)")


def reduce_case(run: Run, case_id: str, budget: float = DEFAULT_BUDGET, jobs: int = 1) -> Reduction:
    record = run.record(case_id)
    if not record.verdict.is_failure:
        raise UsageError(f"{case_id} is {record.verdict}, not a candidate failure: nothing to reduce")
    reducer = find_reducer()
    work = run.folder / "reduced" / slug(case_id)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    cfg = checking(run.config(str(work / "scratch")))
    case = _program(cfg, record.case, work)
    source = Path(case.sources[0])
    target = work / source.name
    shutil.copyfile(source, target)
    shutil.copyfile(source, work / (source.name + ".orig"))
    spec = spec_for(cfg, case, record.verdict, record.reason)
    why, res = examine(spec, target)
    if why:
        raise UsageError(f"{case_id} cannot be reduced: the original is not a clean reproducer ({why})")
    spec["ref_status"] = reference_status(res)  # variants keep the reference's ending too
    (work / "spec.json").write_text(json.dumps(spec))
    script = work / "check.sh"
    pkg_parent = str(PACKAGE.parent)
    script.write_text(f"#!/bin/sh\n# C-Vise's interestingness test for {case_id}: exit 0 = keep the variant.\n"
                      f"PYTHONPATH={shlex.quote(pkg_parent)} exec {shlex.quote(sys.executable)} -m oracle.feed.reduce_check "
                      f"{shlex.quote(str(work / 'spec.json'))} {shlex.quote(source.name)}\n")
    script.chmod(0o755)
    argv = [*reducer, "--n", str(max(1, jobs)), "--timeout", "120", "--tidy"]
    if "cvise" in Path(reducer[0]).name:
        argv += ["--skip-interestingness-test-check"]  # we just ran it ourselves
    argv += [str(script), source.name]
    # C-Vise rewrites the file in place as it improves it: when the budget runs out, what is
    # there is the best variant found so far. Its temp folders (and the checks') go in one
    # folder of ours, because a group killed at the budget cannot clean up after itself; a
    # short path, since multiprocessing puts a unix socket (at most 107 bytes of path) there.
    tmp = Path(tempfile.mkdtemp(prefix="oracle-cvise-"))
    try:
        res = proc.run(argv, timeout=budget, cwd=str(work), stdout_limit=4 << 20, stderr_limit=1 << 20,
                       limits=proc.Limits(file_size=None, open_files=4096), env={**os.environ, "TMPDIR": str(tmp)})
    finally:
        _remove(tmp)
        # Checks killed at the budget leave their Judges' scratch folders (in /dev/shm: memory).
        scratch.sweep_run(cfg.run_id)
    (work / "cvise.log").write_bytes(res.stdout + res.stderr)
    before = _lines(work / (source.name + ".orig"))
    after = _lines(target)
    note = "" if res.status.ok or res.status.kind == proc.TIMEOUT else f"{reducer[0]} {res.status}"
    final = check(spec, target)
    shutil.rmtree(work / "scratch", ignore_errors=True)
    if final is None:  # task files pick the reduced program up from here, in later runs of `oracle tasks` too
        (work / VERIFIED).write_text(f"{source.name}\n")
    return Reduction(case_id, target, before, after, final is None, final or note)


def checking(cfg: RunConfig) -> RunConfig:
    """The run's configuration with the UB check on: each variant's reference is also built with
    sanitizers and run, in the run's own backend and sandbox, and a report rejects the variant."""
    if cfg.ub_check:
        return cfg
    host = cfg.references[HOST_ARCH].argv if HOST_ARCH in cfg.references else find_reference(TARGETS[HOST_ARCH])
    return replace(cfg, ub_check=True, ub_reference=tuple(host))


def _program(cfg: RunConfig, case: Case, work: Path) -> Case:
    """The case with a source file to reduce: a generated program is made from its seed here."""
    if case.sources:
        return case
    from oracle.discover.suites import open_generator
    from oracle.discover.suites.generated import seed_of

    (work / "program").mkdir()
    dest = work / "program" / f"{case.suite}-{case.test}.c"
    try:
        open_generator(case.suite, cfg.gen).generate(seed_of(case), dest)
    except GenerationFailed as exc:
        raise UsageError(f"{case.id}: its program cannot be made again here: {exc}") from None
    return replace(case, sources=(str(dest),))


def verified(run: Run, case_id: str) -> Path | None:
    """The reduced program of a case, if a reduction finished and was checked."""
    work = run.folder / "reduced" / slug(case_id)
    try:
        name = (work / VERIFIED).read_text().strip()
    except OSError:
        return None
    path = work / Path(name).name
    return path if path.is_file() else None


def _remove(folder: Path) -> None:
    """rmtree, again while it fails: the reducer's group was SIGKILLed, and a member that has not
    died yet can write into the folder while it is being removed (an empty folder was left)."""
    for _ in range(50):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.1)


def _lines(path: Path) -> int:
    return len([ln for ln in path.read_bytes().splitlines() if ln.strip()])


def default_jobs() -> int:
    return max(1, (os.cpu_count() or 1))
