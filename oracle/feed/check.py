"""`oracle check TASK --compiler CMD`: judge every case of a task again with this compiler.

`oracle repro` judges the task's example; a task holds every case that failed its way, and a fix
of the example can leave others failing. check judges each of them as `oracle run` would (the
case discovered from its id, a fresh reference, no cache), says which still fail, and exits 0
only when all pass. `oracle done` runs it first and refuses while any case fails (`--force` to
mark it done anyway, which the done record says).
"""

from __future__ import annotations

import shlex
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from oracle.config.options import DEFAULTS
from oracle.discover.suites import open_suite
from oracle.feed.repro import Outcome, configure, parse_id
from oracle.feed.tasks import FAILS, _load_state, repo_root
from oracle.judge.judging import alone
from oracle.judge.kinds import kind_of
from oracle.model import verdict as V
from oracle.model.errors import EXIT_FAILURES, EXIT_INCOMPLETE, EXIT_OK, UsageError

MAX_SHOWN = 8  # per-case lines printed; the summary counts them all


@dataclass
class Checked:
    cid: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failing(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict.is_failure]

    @property
    def unjudged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict is not V.PASS and not o.verdict.is_failure]

    @property
    def exit_code(self) -> int:
        if self.failing:
            return EXIT_FAILURES
        return EXIT_INCOMPLETE if self.unjudged or not self.outcomes else EXIT_OK

    def summary(self) -> str:
        n = len(self.outcomes)
        if self.failing:
            return f"task {self.cid}: {len(self.failing)} of {n} cases still fail"
        if self.unjudged:
            return f"task {self.cid}: {len(self.unjudged)} of {n} cases could not be judged (the rest pass)"
        return f"task {self.cid}: all {n} cases pass"

    def lines(self) -> list[str]:
        bad = self.failing + self.unjudged
        out = [o.line() for o in bad[:MAX_SHOWN]]
        if len(bad) > MAX_SHOWN:
            out.append(f"... and {len(bad) - MAX_SHOWN} more not passing")
        return out + [self.summary()]


def task_cases(folder: Path, cid: str) -> tuple[list[str], str | None]:
    """The ids of the task's failing cases and the --suite its example's repro line gives (a folder
    suite's path, relative to the repository root), from the task's state."""
    state = _load_state(folder, cid)
    if state is None:
        raise UsageError(f"no task {cid} in {folder}/ (no state .{cid}.json): pick one of its task files")
    ids = sorted(i for i, c in state["cases"].items() if c.get("state") == FAILS)
    suite = None
    repro = (state.get("rep") or {}).get("repro") or ""
    try:
        words = shlex.split(repro)
    except ValueError:
        words = []
    for i, w in enumerate(words):
        if w == "--suite" and i + 1 < len(words):
            suite = words[i + 1]
        elif w.startswith("--suite="):
            suite = w.split("=", 1)[1]
    return ids, suite


def check(folder: str | Path, cid: str, values: dict) -> Checked:
    """Judge each failing case of task cid with the compiler in `values` (run options)."""
    folder = Path(folder)
    ids, suite = task_cases(folder, cid)
    if not values.get("compiler"):
        raise UsageError(f"checking task {cid} needs the compiler with the fix: pass --compiler CMD")
    given = dict(values)
    if given.get("suite") in (None, DEFAULTS["suite"]) and suite:  # --suite's default: not given
        root = repo_root(folder)
        given["suite"] = suite if Path(suite).is_absolute() or not (root / suite).exists() else str(root / suite)
    groups: dict[tuple, list[str]] = {}
    for i in ids:
        s, test, arch, opt = parse_id(i)
        # A generated case is configured alone (its seed is its suite's only program); a project
        # case with its project's (one task may span projects: a preprocessor bug); the others
        # share one configuration per suite, arch and opt level.
        kind = kind_of(s)
        groups.setdefault((s, arch, opt, i if kind.generated else test.partition("/")[0] if kind.project else ""),
                          []).append(i)
    result = Checked(cid)
    with tempfile.TemporaryDirectory(prefix="oracle-check-") as out:
        for members in groups.values():
            cfg = replace(configure(members[0], given, out), cache_path=None)  # judged afresh, as repro does
            wanted = set(members)
            found = {c.id: c for c in open_suite(cfg.suite, cfg.gen).cases(cfg.arches, cfg.opts) if c.id in wanted}
            with alone(cfg) as judge:
                for i in members:
                    if i not in found:
                        result.outcomes.append(Outcome(i, V.NOT_RUN, f"no case {i} in the suite {cfg.suite} any more"))
                        continue
                    res = judge.judge(found[i])
                    result.outcomes.append(Outcome(i, res.verdict, res.reason))
    return result
