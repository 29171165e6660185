"""Grouping a run's failures by root cause, with ids that stay the same from run to run.

A compile-time failure is keyed by the candidate's diagnostic with everything that
belongs to the test removed (paths, line and column numbers, numbers, quoted
identifiers the test chose), so one front-end bug that rejects forty tests is one cluster. A link
error is keyed by the family of its missing symbol (the first family when it names several, never
the whole list): GCC's own groups of builtins (the `__builtin_` aliases of C library functions,
overflow, classification, floating constants, bit operations, object-size checks, `__sync_*`,
`__atomic_*`) are one family each, since a compiler provides each group through one mechanism; any
other builtin is its own feature. A compile error whose diagnostic is generic ("';' expected")
but whose diagnosed line (macros expanded one level) uses a GCC extension that compilers have or
lack as a whole (complex numbers, vector types, predefined macros, ...) is keyed by that feature.
A project failure whose culprit TU the candidate preprocesses otherwise than GCC (with the same
macro definitions) is keyed by the kind of preprocessor bug alone, across projects and TUs; any
other bisected project failure by its project and culprit TUs.
A runtime failure is keyed by the family of a symbol the dynamic loader could not find (the binary
never ran), else by GCC bug report when the suite holds several tests for one (prN.c, prN-2.c),
else by the one rare construct its program uses (VLA members, wide bit-fields, vector types, ...)
and how it failed, else by its verdict and the test. A cause is words a person can act on: no
placeholder of the normalised diagnostic ('ID' reads "a name"), and a runtime failure's says what
the program exercises (the common constructs it uses, or "plain C code") besides a bug number.

Every key is a function of the one case alone, never of which other cases the run judged, so a
sampled, filtered or sharded run puts a case in the same cluster as a full run does (task files
rely on that). The title may say more about the run (on which arches the test failed).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from oracle.model.preprocessing import BUGS as PP_BUGS, WORDS as PP_WORDS
from oracle.model import verdict as V
from oracle.model.diagnostic import DIAG_VERDICTS, RESERVED, normalise_diagnostic
from oracle.model.record import CaseRecord

ID_LEN = 12

# Families of symbols a compiler provides through one mechanism, after GCC's own grouping of its
# builtins (builtins.def, "Other Built-in Functions" in its manual): a missing family is one bug,
# whichever member a test happens to call. (family, what is missing in plain words)
_BUILTIN_GROUPS = (
    (re.compile(r"__builtin_(?:[su]?(?:add|sub|mul)(?:l|ll)?_overflow(?:_p)?)$"), "__builtin_*_overflow",
     "undefined integer overflow builtins"),
    (re.compile(r"__builtin_(?:isunordered|isgreater|isgreaterequal|isless|islessequal|islessgreater|isnan|isinf"
                r"|isinf_sign|isfinite|isnormal|signbit|fpclassify|issignaling)[fld]?$"), "__builtin_is*",
     "undefined floating-point classification builtins"),
    (re.compile(r"__builtin_(?:inf|huge_val|nan|nans)(?:f|l|f\d+|d\d+)?$"), "__builtin_inf/nan",
     "undefined floating-point constant builtins"),
    (re.compile(r"__builtin_(?:bswap|ffs|clz|ctz|clrsb|popcount|parity)(?:l|ll|16|32|64|128|imax)?$"),
     "__builtin_bits", "undefined bit-operation builtins (ffs, clz, ctz, popcount, parity, bswap)"),
    (re.compile(r"__builtin___\w+_chk$"), "__builtin___*_chk", "undefined object-size checking builtins"),
    (re.compile(r"__sync_"), "__sync_*", "undefined __sync atomic builtins"),
    (re.compile(r"__atomic_"), "__atomic_*", "undefined __atomic builtins"),
    (re.compile(r"__\w+_chk$"), "__*_chk", "undefined fortified library functions"),
    # libgcc's helper routines (arithmetic the target has no instruction for: 128-bit integers,
    # long double as binary128, soft-float): a candidate links libgcc or it does not.
    (re.compile(r"__(?:(?:add|sub|mul|div|neg|abs)(?:{M}|{C}|{I})\d|powi{M}2|(?:extend|trunc){M}{M}2|fix(?:uns)?{M}{I}"
                r"|float(?:un)?{I}{M}|(?:u?div|u?mod|udivmod|ashl|ashr|lshr|mulv|addv|subv|negv|absv|clz|ctz|ffs"
                r"|popcount|parity|bswap|clrsb|cmp|ucmp){I}\d|(?:eq|ne|lt|le|gt|ge|unord|cmp){M}2)$".format(
                    M="(?:sf|df|tf|xf|hf|bf)", I="(?:si|di|ti)", C="(?:sc|dc|tc|xc)")), "libgcc",
     "undefined libgcc helper routines (__udivti3, __trunctfdf2, ...: 128-bit integer and long double "
     "arithmetic)"),
    (re.compile(r"(__[A-Z][A-Z_]*__)\w"), None, "a predefined macro left unexpanded in symbol names"),
)
# The C library functions GCC also offers as __builtin_NAME: one table of aliases in a compiler.
_LIBC = frozenset("""
abort abs acos asin atan atan2 atoi atol bcmp bcopy bzero calloc ceil cos cosh exit exp fabs ffs floor fmod
fprintf fputc fputs free frexp fwrite index isalnum isalpha isascii isblank iscntrl isdigit isgraph islower
isprint ispunct isspace isupper isxdigit labs ldexp llabs log log10 malloc memchr memcmp memcpy memmove mempcpy
memset modf pow printf putchar puts realloc rindex scanf sin sinh snprintf sprintf sqrt sscanf stpcpy stpncpy
strcat strchr strcmp strcpy strcspn strdup strlen strncat strncmp strncpy strndup strnlen strpbrk strrchr strspn
strstr tan tanh tolower toupper vfprintf vprintf vsnprintf vsprintf copysign fmax fmin fma round trunc lround
llround rint nearbyint cbrt hypot expm1 log1p log2 exp2 nextafter alloca strtol strtoul imaxabs
""".split())


def _libc_alias(name: str) -> bool:
    name = name.removesuffix("_unlocked")  # fputs_unlocked, printf_unlocked: the same table
    return name in _LIBC or (name[-1:] in ("f", "l") and name[:-1] in _LIBC)


@dataclass(slots=True)
class Cluster:
    id: str
    signature: str
    verdict: V.Verdict
    title: str  # what the bug looks like in this run, without counts
    records: list[CaseRecord]
    arches: tuple[str, ...]
    all_arches: bool
    cause: str = ""  # the cause in plain words, from the signature alone: the same in every run

    @property
    def gcc_choice(self) -> bool:
        """Every case of it looks like a test relying on what GCC chooses: clang's build does what
        the candidate's does, or the sanitizers see undefined behaviour in the test."""
        return bool(self.records) and all(r.evidence.clang == "candidate" or r.evidence.ub for r in self.records)

    @property
    def rank(self) -> tuple:
        """Most valuable first: real bugs before tests that rely on GCC's choices, then the biggest
        clusters, then those failing on every arch."""
        return (self.gcc_choice, -len(self.records), not self.all_arches, self.id)

    @property
    def case_ids(self) -> list[str]:
        return sorted(r.id for r in self.records)


def cluster_id(signature: str) -> str:
    return hashlib.sha256(signature.encode()).hexdigest()[:ID_LEN]


def clusters(records: Iterable[CaseRecord], arches: list[str] | tuple[str, ...] = ()) -> list[Cluster]:
    """The failures among records grouped by signature, most valuable first."""
    records = list(records)
    failing = [r for r in records if r.unexpected_failure]  # an xfail (--xfail) is known: no cluster
    tested: dict[tuple, set[str]] = defaultdict(set)  # (suite, test) -> arches it was judged on
    failed: dict[tuple, set[str]] = defaultdict(set)  # (suite, test, verdict) -> arches it failed on
    for r in records:
        if r.verdict.counted:
            tested[r.suite, r.test].add(r.arch)
    for r in failing:
        failed[r.suite, r.test, r.verdict].add(r.arch)
    run_arches = set(arches) or {r.arch for r in records}
    groups: dict[str, tuple[V.Verdict, str, list[CaseRecord]]] = {}
    for r in failing:
        signature, cause = key(r)
        title = _title(r, cause, tested[r.suite, r.test], failed[r.suite, r.test, r.verdict])
        groups.setdefault(signature, (r.verdict, title, cause, []))[3].append(r)
    out = []
    for signature, (verdict, title, cause, recs) in groups.items():
        recs.sort(key=lambda r: r.id)
        cl_arches = tuple(sorted({r.arch for r in recs}))
        out.append(Cluster(cluster_id(signature), signature, verdict, title, recs, cl_arches,
                           set(cl_arches) >= run_arches, cause))
    return sorted(out, key=lambda c: c.rank)


def key(r: CaseRecord) -> tuple[str, str]:
    """(signature, cause in plain words) of one failing case: a function of its record alone (the
    evidence the judge read), never of its reason's words or of files on disk."""
    ev = r.evidence
    if r.verdict in DIAG_VERDICTS:
        if ev.missing_symbols:
            family, what = min(symbol_family(s) for s in ev.missing_symbols)
            return f"{r.verdict}|link|{family}", f"link error: {what}"
        if ev.feature:
            return f"{r.verdict}|feature|{ev.feature[0]}", f"{r.verdict}: {ev.feature[1]}"
        diag = normalise_diagnostic(ev.diagnostic, r.test) or "no diagnostic"
        return f"{r.verdict}|{diag}", f"{r.verdict}: {plain(diag)}"
    if ev.preprocessor and ev.preprocessor[0] in PP_BUGS:
        # a culprit TU the candidate preprocesses otherwise than GCC, with the same macro definitions:
        # one preprocessor bug, whichever project and TU show it
        kind = ev.preprocessor[0]
        return f"preprocessor|{kind}", f"the candidate's preprocessor: {PP_WORDS[kind]}"
    if r.culprits:  # a project test bisected to TUs: every test those TUs break is one task
        project = r.test.partition("/")[0]
        tus = " + ".join(sorted(r.culprits))
        if ev.stack_hint:  # the test passes with an unlimited stack: frames too big
            return (f"culprits|{r.suite}|{project}|{tus}|stack",
                    f"stack frames far bigger than GCC's in {project} (it exits as GCC's build does with an "
                    f"unlimited stack): culprit TUs {tus}")
        return f"culprits|{r.suite}|{project}|{tus}", f"miscompiled in {project}: culprit TUs {tus}"
    if ev.loader_symbol:  # the binary never ran: the dynamic loader found no definition of a symbol it needs
        family, what = symbol_family(ev.loader_symbol)
        return f"runtime|loader|{family}", f"binaries fail to start: {what}"
    how = str(r.verdict)
    if r.verdict is V.CRASH and ev.signal:
        how += f" ({ev.signal})"
    if ev.pr_group:  # prN.c, prN-2.c: tests written for one GCC bug report (the suite's files, not the run's)
        return (f"runtime|pr{ev.pr_group}|{how}",
                f"{how} in {_exercises(ev)} (the tests of GCC bug {ev.pr_group}, pr{ev.pr_group}*.c)")
    if len(ev.constructs) == 1:  # two would be two suspects: the test keeps its own task
        name, what = ev.constructs[0]
        return f"runtime|construct|{name}|{how}", f"{how} in programs that use {what}"
    test = f"{r.suite}/{r.test}"
    # How it fails varies by arch: the task says. What the test exercises is what can be said.
    return f"{r.verdict}|{test}", f"{r.verdict} in {_exercises(ev)} ({test})"


def _exercises(ev) -> str:
    """What a failing program exercises, in words: the common constructs it uses."""
    if ev.features:
        return "a program using " + ", ".join(ev.features)
    return "plain C code"  # none of evidence._FEATURES: no bit-fields, complex, vector, long double, ...


# The placeholders normalise_diagnostic puts in a diagnostic, in words a title can hold.
_PLAIN = ((re.compile(r"'ID'"), "a name"), (re.compile(r"\bFILE:\s*"), ""), (re.compile(r"\bPATH\b"), "a file"),
          (re.compile(r"\bTEST\b"), "the test's name"), (re.compile(r"'\.\.\.'"), "'…'"))


def plain(diag: str) -> str:
    """A normalised diagnostic as words: no placeholder left for a person to decode."""
    for rx, words in _PLAIN:
        diag = rx.sub(words, diag)
    return " ".join(diag.split())


def _title(r: CaseRecord, cause: str, tested: set[str], failed: set[str]) -> str:
    if r.verdict in DIAG_VERDICTS:
        return cause
    scope = "every arch" if failed >= tested else "only " + "+".join(sorted(failed))
    return f"{r.verdict} in {r.suite}/{r.test} ({scope})"


def symbol_family(symbol: str) -> tuple[str, str]:
    """(family, what is missing in plain words) of an undefined symbol: `__builtin_memcpy` is one of
    the library aliases; a builtin of no group is its own feature; a name the test chose is 'ID'."""
    symbol = symbol.split("@", 1)[0]
    for rx, family, what in _BUILTIN_GROUPS:
        m = rx.match(symbol)
        if m:
            family = family or f"{m.group(1)}*"
            return family, f"{what} ({family})"
    if symbol.startswith("__builtin_") and _libc_alias(symbol[len("__builtin_"):]):
        return ("__builtin_<libc>", "the candidate leaves __builtin_ aliases of C library functions "
                "(__builtin_printf, __builtin_memcpy, ...) as undefined symbols")
    if RESERVED.match(symbol):
        return symbol, f"undefined symbol {symbol}"
    if symbol in _NOT_IN_LIBC:
        return symbol, _NOT_IN_LIBC[symbol]
    return "'ID'", ("undefined functions the test declares and calls (an inline function the candidate does "
                    "not emit, or a call GCC's optimizer removes)")


# Plain names a test calls that no library defines: the compiler has to expand them itself.
_NOT_IN_LIBC = {
    "alloca": "alloca is not expanded inline (GCC treats it as __builtin_alloca; the C library has no "
              "alloca function)",
    "link_error": "a call GCC's optimizer removes is left in (link_error: the test relies on GCC folding "
                  "its condition away)",
}
