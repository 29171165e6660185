"""A compiler's diagnostic line with what belongs to one test removed (its file, paths, numbers,
the names it chose), so one bug gives one text: what the judge tells a missing GCC feature by,
what clustering keys a compile-time failure by, what the reducer keeps the same."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from oracle.model import verdict as V

# Verdicts decided by a diagnostic (the reason is the candidate's first diagnostic line).
DIAG_VERDICTS = frozenset({V.COMPILE_ERROR, V.COMPILER_CRASH})

_SEVERITY = re.compile(r"\b(?:internal compiler error|fatal error|error|warning)\b", re.I)
_LOCATION = re.compile(r"(?:[\w.+~-]*/)*[\w.+~-]+\.[chsSoi]:(?:\d+:)?(?:\d+:)?")
_PATH = re.compile(r"(?:[\w.+~-]*/)+[\w.+~-]+")
QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"|‘([^’]*)’|`([^']*)'")
_NUMBER = re.compile(r"\b0[xX][0-9a-fA-F]+\b|\b\d+(?:\.\d+)?\b")
IDENT = re.compile(r"[A-Za-z_$][\w$]*")
RESERVED = re.compile(r"__|_[A-Z]")  # a reserved name: the compiler's, never a test's
KEYWORDS = frozenset(
    "auto break case char const continue default do double else enum extern float for goto if inline int long "
    "register restrict return short signed sizeof static struct switch typedef union unsigned void volatile "
    "while asm typeof".split())


def normalise_diagnostic(line: str, test: str = "") -> str:
    """A diagnostic line with what belongs to one test removed: the same bug gives the same text."""
    m = _SEVERITY.search(line)
    if m:  # drop the location and program-name prefix ("x.c:3:1: ", "tcc: ")
        line = line[m.start():]
    line = _LOCATION.sub("FILE:", line)
    line = _PATH.sub("PATH", line)
    line = QUOTED.sub(_quoted, line)
    stem = PurePosixPath(test).stem
    if len(stem) > 2:
        line = re.sub(rf"\b{re.escape(stem)}\b", "TEST", line)
    line = _NUMBER.sub("N", line)
    return " ".join(line.split())[:200]


def _quoted(m: re.Match) -> str:
    text = next(g for g in m.groups() if g is not None)
    if IDENT.fullmatch(text):
        # Keywords and reserved names (__builtin_ffs, __FLT_MAX__, _Complex) are features of the
        # compiler, each its own bug; any other identifier was named by the test.
        return f"'{text}'" if RESERVED.match(text) or text in KEYWORDS else "'ID'"
    if len(text) <= 3 and not any(c.isalnum() for c in text):
        return f"'{text}'"  # a punctuation token ("';' expected") says what the parser wanted
    return "'...'"
