"""The closed set of verdicts a case can get.

Every report, the summary and the exit status loop over ALL, so a new verdict
is added here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Verdict:
    name: str
    is_failure: bool  # a failure of the candidate: counts against it, sets exit 1
    counted: bool  # part of the pass-rate denominator
    label: str  # what a person reads

    def __str__(self) -> str:
        return self.name


PASS = Verdict("pass", False, True, "passed")

COMPILE_ERROR = Verdict("compile-error", True, True, "candidate rejected the program")
COMPILER_CRASH = Verdict("compiler-crash", True, True, "candidate compiler was killed by a signal")
COMPILE_TIMEOUT = Verdict("compile-timeout", True, True, "candidate compiler timed out")
WRONG_EXIT = Verdict("wrong-exit", True, True, "exit status differs from the reference")
WRONG_OUTPUT = Verdict("wrong-output", True, True, "stdout differs from the reference")
CRASH = Verdict("crash", True, True, "binary killed by a signal where the reference was not")
TIMEOUT = Verdict("timeout", True, True, "binary timed out where the reference did not")

REF_INVALID = Verdict("ref-invalid", False, False, "the reference cannot build or run the test")
UNSTABLE = Verdict("unstable", False, False, "the reference disagrees with itself")
UNSUPPORTED = Verdict("unsupported", False, False, "the test excludes this target or options")
INFRA_ERROR = Verdict("infra-error", False, False, "oracle itself failed on this case")
NOT_RUN = Verdict("not-run", False, False, "the run stopped before this case")

ALL: tuple[Verdict, ...] = (
    PASS,
    COMPILE_ERROR,
    COMPILER_CRASH,
    COMPILE_TIMEOUT,
    WRONG_EXIT,
    WRONG_OUTPUT,
    CRASH,
    TIMEOUT,
    REF_INVALID,
    UNSTABLE,
    UNSUPPORTED,
    INFRA_ERROR,
    NOT_RUN,
)
FAILURES: tuple[Verdict, ...] = tuple(v for v in ALL if v.is_failure)
# The failures found by comparing the candidate's run with the reference's: only these depend on
# what the reference printed and returned (a compile failure is the candidate's own output).
COMPARED: tuple[Verdict, ...] = (WRONG_EXIT, WRONG_OUTPUT, CRASH, TIMEOUT)
BY_NAME: dict[str, Verdict] = {v.name: v for v in ALL}


def by_name(name: str) -> Verdict:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown verdict {name!r}") from None
