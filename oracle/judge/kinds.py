"""What kind of case a suite's cases are: the one place a suite's name decides anything.

Three kinds: a program from a file (torture, smoke, a folder), a generated program (csmith,
hypothesis: made again from its seed, on demand), and a project test (built from a recipe). Each
kind is one object: what it is (the attributes the case folders, the feed and repro ask) and the
steps of judging it that differ (`judge`); the Judge holds what they share. Nothing asks a case's
suite name but kind_of.
"""

from __future__ import annotations

from dataclasses import dataclass

from oracle.discover.suites.generated import materialise
from oracle.discover.suites.projects import PROJECT
from oracle.judge.outcome import Result
from oracle.judge.projects import judging as projects
from oracle.model import verdict as V
from oracle.model.case import Case
from oracle.model.errors import GenerationFailed
_CORPORA = {"torture": "GCC's torture suite (oracle corpus where), {test}",
            "smoke": "oracle's corpora/smoke/{test}"}


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    generated: bool = False  # the program is made from the case's seed when it is judged
    project: bool = False  # a project's test: built from its recipe, judged by the project's rules
    shrinkable: bool = False  # a failing program can be made smaller (settle)
    named: bool = False  # a suite oracle ships (no folder to name in a repro line)
    options: tuple[str, ...] = ()  # run options a repro line must carry (csmith's arguments)

    def where(self, suite: str, test: str, folder: str | None) -> str:
        """Where a task file says the case comes from."""
        if self.generated:
            return f"{suite} program {test} (made again from its seed)"
        if self.project:
            project, _, name = test.partition("/")
            return f"project {project} (its recipe {project}.toml), its test {name}"
        if suite in _CORPORA:
            return _CORPORA[suite].format(test=test)
        return f"{folder}/{test}" if folder else test

    def judge(self, judge, case: Case) -> Result:
        """The case judged by `judge` (a Judge): a program from a file takes the program steps."""
        return judge.judge_program(case)


@dataclass(frozen=True, slots=True)
class Generated(Kind):
    def judge(self, judge, case: Case) -> Result:
        """The program is made from its seed first (a shrunk or replayed case already has it)."""
        if not case.sources:
            try:
                case = materialise(case, judge.programs_for(case.suite))
            except GenerationFailed as exc:
                return Result(case, V.REF_INVALID, f"no program: {exc}")
        return judge.judge_program(case)


@dataclass(frozen=True, slots=True)
class Project(Kind):
    def judge(self, judge, case: Case) -> Result:
        """A project test: its recipe's builds and runs (judge/projects/judging.py)."""
        return projects.judge(judge, case)


FILE = Kind("file")
CORPUS = Kind("corpus", named=True)
_KINDS = {"csmith": Generated("generated", generated=True, named=True, options=("csmith_args",)),
          "hypothesis": Generated("generated", generated=True, shrinkable=True, named=True),
          PROJECT: Project("project", project=True, named=True),
          **{name: CORPUS for name in _CORPORA}}


def kind_of(suite: str) -> Kind:
    """The kind of a suite's cases, by the suite name a case carries (a folder's is its own name)."""
    return _KINDS.get(suite, FILE)
