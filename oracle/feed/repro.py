"""`oracle repro CASE-ID --compiler CMD`: judge one case again, from its id alone, in any clone.

Task files name a case by its id and a command; nothing of the run that found it is needed.
The case is discovered from its suite (named in the id: `torture`, `smoke`, a generator; a
folder suite is given with `--suite`), configured by configure.build exactly as `oracle run`
is, and judged by judging.Judge: the verdict is the one a run would give.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
from urllib.parse import unquote

from oracle.model import verdict as V
from oracle.config.machine import build
from oracle.config.options import DEFAULTS
from oracle.discover.suites import is_generated, open_suite
from oracle.discover.suites.generated import SEED_PREFIX
from oracle.judge.judging import alone
from oracle.model.errors import EXIT_FAILURES, EXIT_INCOMPLETE, EXIT_OK, UsageError
from oracle.model.case import Case
from oracle.config.targets import TARGETS
from oracle.model.text import clean
from oracle.judge.kinds import kind_of

_ID = re.compile(r"(?P<suite>[^/]+)/(?P<test>.+)@(?P<arch>[A-Za-z0-9_]+?)(?P<opt>-.*)?$")


@dataclass(frozen=True, slots=True)
class Outcome:
    case_id: str
    verdict: V.Verdict
    reason: str

    @property
    def exit_code(self) -> int:
        if self.verdict is V.PASS:
            return EXIT_OK
        return EXIT_FAILURES if self.verdict.is_failure else EXIT_INCOMPLETE

    def line(self) -> str:
        if self.verdict is V.PASS:
            return f"{self.case_id}: pass: the candidate matches the reference (fixed)"
        if self.verdict.is_failure:
            return f"{self.case_id}: {self.verdict}: {clean(self.reason, 400)} (still fails)"
        return (f"{self.case_id}: {self.verdict}: {clean(self.reason, 400)} (not judged: "
                f"{self.verdict.label})")


def parse_id(case_id: str) -> tuple[str, str, str, str]:
    """(suite, test, arch, opt) of a case id; UsageError when it is none."""
    m = _ID.fullmatch(case_id.strip())
    arch = m.group("arch") if m else ""
    if not m or arch not in TARGETS:
        raise UsageError(f"{case_id!r} is not a case id (like torture/pr123.c@x86_64-O0): copy one from a task "
                         "file or errors.log")
    opt = unquote(m.group("opt") or "-O0").replace("+", " ")
    return unquote(m.group("suite")), unquote(m.group("test")), arch, opt


def configure(case_id: str, values: dict, out_dir: str):
    """The RunConfig that judges exactly this case, from the run options in `values`."""
    suite, test, arch, opt = parse_id(case_id)
    given = values.get("suite")
    if not given or given == DEFAULTS["suite"] and suite != given:  # --suite's default: not given
        if kind_of(suite).project:  # project/NAME/TEST: the recipe NAME
            given = f"project:{test.partition('/')[0]}"
        elif not kind_of(suite).named:
            raise UsageError(f"{case_id} is from the folder suite {suite!r}: pass --suite PATH (the folder, "
                             "relative to the repository root)")
        else:
            given = suite
    v = {**values, "suite": given, "arch": arch, "opt": opt, "out": out_dir, "no_history": True,
         "filter": None, "ratio": None, "fast": False, "shard": None, "resume": False}
    if is_generated(given):
        if not test.startswith(SEED_PREFIX) or not test[len(SEED_PREFIX):].isdigit():
            raise UsageError(f"{case_id}: a generated case's test is {SEED_PREFIX}N")
        v.update(seed=test[len(SEED_PREFIX):], count=1, suite=suite)
    return build(v)


def find(cfg, case_id: str) -> Case:
    for case in open_suite(cfg.suite, cfg.gen).cases(cfg.arches, cfg.opts):
        if case.id == case_id:
            return case
    raise UsageError(f"no case {case_id} in the suite {cfg.suite}: check the id and --suite")


def repro(case_id: str, values: dict) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="oracle-repro-") as out:
        cfg = configure(case_id, values, out)
        cfg = replace(cfg, cache_path=None)  # a reproduction judges afresh
        case = find(cfg, case_id)
        with alone(cfg) as judge:
            res = judge.judge(case)
    return Outcome(case_id, res.verdict, res.reason)
