"""Mixed-compilation bisection: which TUs, compiled by the candidate while the reference compiles
every other one (and the reference driver links), make a project test fail.

Every step builds from the tree configured by the candidate (`configured/`), with each TU's
object taken from the build folder's store (compiled once per compiler, then only copied) and
the routing changed: so a step costs a copy, a relink and the test. Delta debugging (ddmin,
Zeller and Hildebrandt 2002) finds a 1-minimal failing set in O(log n) steps for one culprit;
a pair that only fails together comes out as the pair. Once a set is found it is routed to the
reference and the search goes on, so independent culprits are all named.

`python -m oracle.judge.projects.bisect repro FILE` rebuilds one mixed binary from a case folder's
`project.json` and runs the failing test: exit 1 while it still fails, 0 once it passes.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from oracle.infra import proc
from oracle.judge.projects import build as pb
from oracle.discover.projects.recipe import Recipe, Test


class OutOfBudget(Exception):
    """A bisection step was due after the recipe's budget ran out (Mixed.deadline)."""


def ddmin(items: Sequence[str], fails: Callable[[frozenset[str]], bool]) -> list[str]:
    """A 1-minimal subset of items for which fails() holds (fails(items) must hold)."""
    memo: dict[frozenset[str], bool] = {}

    def test(subset: list[str]) -> bool:
        key = frozenset(subset)
        if key not in memo:
            memo[key] = fails(key)
        return memo[key]

    current, n = list(items), 2
    while len(current) >= 2:
        size = len(current)
        chunks = [current[i * size // n:(i + 1) * size // n] for i in range(n)]
        chunks = [c for c in chunks if c]
        reduced = False
        for chunk in chunks:
            if test(chunk):
                current, n, reduced = chunk, 2, True
                break
        if not reduced and n > 2:
            for i in range(len(chunks)):
                rest = [x for j, c in enumerate(chunks) if j != i for x in c]
                if test(rest):
                    current, n, reduced = rest, max(n - 1, 2), True
                    break
        if not reduced:
            if n >= size:
                break
            n = min(2 * n, size)
    return current


def culprit_sets(items: Sequence[str], fails: Callable[[frozenset[str]], bool], rounds: int = 4) -> list[list[str]]:
    """Minimal failing sets, found one after another: each found set is taken out (given to the
    reference) and the search goes on while the candidate's remaining TUs still fail."""
    left, found = list(items), []
    for _ in range(rounds):
        if not left or not fails(frozenset(left)):
            break
        culprit = ddmin(left, fails)
        found.append(culprit)
        left = [x for x in left if x not in culprit]
    return found


@dataclass(slots=True)
class Mixed:
    """Mixed builds from one candidate build folder, and the test that tells a failure."""

    folder: Path  # the candidate's build folder (configured/, store/)
    recipe: Recipe
    test: Test
    tools: pb.Toolset
    cflags: str
    timeout: float
    expected: proc.ProcResult  # the reference's run
    steps: int = 0
    log: list[str] = field(default_factory=list)
    broken: int = 0  # steps whose mixed build did not build
    primary: int = 0  # bisect(): how many of the culprit sets found fail the test the candidate's way
    kinds: dict[frozenset[str], str] = field(default_factory=dict)  # route -> how its run differed
    deadline: float = float("inf")  # time.monotonic() after which no step starts (the recipe's budget)

    def run(self, route: frozenset[str]) -> tuple[pb.BuildOutcome, proc.ProcResult | None]:
        step = Path(tempfile.mkdtemp(prefix="mixed-", dir=self.folder))
        try:
            for name in ("store",):
                (step / name).symlink_to(self.folder / name)
            outcome = pb.build(step, self.recipe, self.folder / "configured", self.tools, self.cflags,
                               compile="ref", link="ref", route=sorted(route), configured=self.folder / "configured")
            if not outcome.ok:
                return outcome, None
            return outcome, pb.run_test(step, self.recipe, self.test, self.tools, self.cflags, self.timeout)
        finally:
            shutil.rmtree(step, ignore_errors=True)

    def fails(self, route: frozenset[str]) -> bool:
        if time.monotonic() > self.deadline:
            raise OutOfBudget()
        self.steps += 1
        outcome, run = self.run(route)
        if run is None:
            # A mixed build that does not link (a PIE/non-PIE mismatch, a missing runtime symbol):
            # not this failure; the step says no, and the log says why.
            self.log.append(f"step {self.steps}: {len(route)} TUs: mixed build failed: {outcome.log_tail[-300:]}")
            self.broken += 1
            return False
        bad = run.status != self.expected.status or run.stdout != self.expected.stdout
        if bad:
            self.kinds[route] = "exit status" if run.status != self.expected.status else "output"
        self.log.append(f"step {self.steps}: {len(route)} TUs by the candidate: {'fails' if bad else 'passes'}")
        return bad


KNOWN = "culprits.json"  # in the candidate's build folder: the culprit sets its bisections found


def known_sets(folder: Path) -> list[list[str]]:
    """The culprit sets (TU keys) earlier bisections of this build found, for any test."""
    try:
        data = json.loads((folder / KNOWN).read_text())
        return [list(map(str, s)) for s in data if isinstance(s, list)]
    except (OSError, ValueError, TypeError):
        return []


def remember_sets(folder: Path, sets: list[list[str]]) -> None:
    with pb.locked(folder, ".culprits.lock"):
        known = known_sets(folder)
        for s in sets:
            if sorted(s) not in (sorted(k) for k in known):
                known.append(sorted(s))
        pb.write_json(folder / KNOWN, known)


def bisect(mixed: Mixed) -> tuple[list[list[dict]], list[str]]:
    """(culprit sets, each a list of TU log entries; the step log). ddmin trusts its test: so the
    all-reference mixed build must pass first (else the failure is not the candidate's TUs: its
    link step, or a test that is not deterministic), and each set found must fail once more.

    One bisection per build: a culprit set another test of this build was bisected to is tried
    first, in two steps (it alone by the candidate fails this test; all the candidate's other TUs
    pass it); only when no known set explains the failure does the search run."""
    tus = pb.candidate_tus(mixed.folder)
    by_key = {e["key"]: e for e in tus}
    if mixed.fails(frozenset()):
        mixed.log.append("the mixed build with no TU by the candidate fails too: no culprit TU")
        return [], mixed.log
    everything = [e["key"] for e in tus]
    for known in known_sets(mixed.folder):
        if not set(known) <= set(everything):
            continue
        if mixed.fails(frozenset(known)) and not mixed.fails(frozenset(everything) - frozenset(known)):
            mixed.log.append(f"the culprit set of an earlier bisection of this build explains it: {len(known)} "
                             f"TUs, confirmed in {mixed.steps} steps")
            mixed.primary = 1
            return [[by_key[k] for k in known]], mixed.log
    sets = culprit_sets(everything, mixed.fails)
    confirmed = []
    for s in sets:
        if mixed.fails(frozenset(s)):
            confirmed.append(s)
        else:
            mixed.log.append(f"{len(s)} TUs did not fail again: not a culprit set (the test is not deterministic?)")
    if not confirmed and mixed.broken:
        mixed.log.append(f"no culprit: {mixed.broken} mixed builds did not build (see the steps above)")
    # Independent culprits of one test are independent bugs: those that alone fail the test the way
    # the candidate's build does (its exit status, or only its output) come first.
    way = mixed.kinds.get(frozenset(everything))
    confirmed.sort(key=lambda s: mixed.kinds.get(frozenset(s)) != way)
    mixed.primary = sum(mixed.kinds.get(frozenset(s)) == way for s in confirmed) or len(confirmed)
    if confirmed:
        remember_sets(mixed.folder, confirmed[:mixed.primary])
    return [[by_key[k] for k in s] for s in confirmed], mixed.log


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "repro":
        print("usage: python -m oracle.judge.projects.bisect repro project.json", file=sys.stderr)
        return 2
    from oracle.discover.projects.recipe import load_path
    from oracle.discover.projects.sources import require

    spec = json.loads(Path(argv[1]).read_text())
    recipe = load_path(Path(spec["recipe"]))
    src, _ = require(recipe)
    tools = pb.Toolset(spec["arch"], tuple(spec["cand"]), tuple(spec["ref"]), tuple(spec["emulator"]))
    expected = proc.ProcResult((), proc.Status.from_json(spec["expected_status"]),
                               bytes.fromhex(spec["expected_stdout_hex"]))
    with tempfile.TemporaryDirectory(prefix="oracle-repro-") as tmp:
        folder = Path(tmp)
        first = pb.build(folder, recipe, src, tools, spec["cflags"], compile="cand", link="cand", snapshot=True,
                         configure_only=True)
        if not first.ok:
            print(f"the candidate does not configure the project: {first.log_tail[-500:]}")
            return 1
        route = frozenset(spec["culprit_keys"])
        mixed = Mixed(folder, recipe, recipe.test(spec["test"]), tools, spec["cflags"], spec["timeout"], expected)
        outcome, run = mixed.run(route)
        if run is None:
            print(f"the mixed build fails: {outcome.log_tail[-500:]}")
            return 1
        same = run.status == expected.status and run.stdout == expected.stdout
        print(f"culprits by the candidate, the rest by the reference: {run.status}; "
              f"{'matches the reference' if same else 'differs from the reference'}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
