"""What kind of case a suite's cases are: the one place a suite's name decides anything.

Three kinds: a program from a file (torture, smoke, a folder), a generated program (csmith,
hypothesis: made again from its seed, on demand), and a project test (built from a recipe). The
judge, the case folders, the feed and repro ask a case's kind, never its suite's name.
"""

from __future__ import annotations

from dataclasses import dataclass

GENERATORS = ("csmith", "hypothesis")
PROJECT = "project"
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


FILE = Kind("file")
CORPUS = Kind("corpus", named=True)
_KINDS = {"csmith": Kind("generated", generated=True, named=True, options=("csmith_args",)),
          "hypothesis": Kind("generated", generated=True, shrinkable=True, named=True),
          PROJECT: Kind("project", project=True, named=True),
          **{name: CORPUS for name in _CORPORA}}


def kind_of(suite: str) -> Kind:
    """The kind of a suite's cases, by the suite name a case carries (a folder's is its own name)."""
    return _KINDS.get(suite, FILE)
