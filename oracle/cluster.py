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
A runtime failure is keyed by the family of a symbol the dynamic loader could not find (the binary
never ran), else by GCC bug report when the suite holds several tests for one (prN.c, prN-2.c),
else by the one rare construct its program uses (VLA members, wide bit-fields, vector types, ...)
and how it failed, else by its verdict and the test.

Every key is a function of the one case alone, never of which other cases the run judged, so a
sampled, filtered or sharded run puts a case in the same cluster as a full run does (task files
rely on that). The title may say more about the run (on which arches the test failed).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from typing import Iterable

from . import verdict as V
from .record import CaseRecord

DIAG_VERDICTS = frozenset({V.COMPILE_ERROR, V.COMPILER_CRASH})
# What a project case's reason says when its failure goes away with an unlimited stack.
STACK_HINT = "exits as GCC's build does with an unlimited stack"
ID_LEN = 12

_SEVERITY = re.compile(r"\b(?:internal compiler error|fatal error|error|warning)\b", re.I)
_LOCATION = re.compile(r"(?:[\w.+~-]*/)*[\w.+~-]+\.[chsSoi]:(?:\d+:)?(?:\d+:)?")
_PATH = re.compile(r"(?:[\w.+~-]*/)+[\w.+~-]+")
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"|‘([^’]*)’|`([^']*)'")
_NUMBER = re.compile(r"\b0[xX][0-9a-fA-F]+\b|\b\d+(?:\.\d+)?\b")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_RESERVED = re.compile(r"__|_[A-Z]")
_KEYWORDS = frozenset(
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
    line = _QUOTED.sub(_quoted, line)
    stem = PurePosixPath(test).stem
    if len(stem) > 2:
        line = re.sub(rf"\b{re.escape(stem)}\b", "TEST", line)
    line = _NUMBER.sub("N", line)
    return " ".join(line.split())[:200]


def _quoted(m: re.Match) -> str:
    text = next(g for g in m.groups() if g is not None)
    if _IDENT.fullmatch(text):
        # Keywords and reserved names (__builtin_ffs, __FLT_MAX__, _Complex) are features of the
        # compiler, each its own bug; any other identifier was named by the test.
        return f"'{text}'" if _RESERVED.match(text) or text in _KEYWORDS else "'ID'"
    if len(text) <= 3 and not any(c.isalnum() for c in text):
        return f"'{text}'"  # a punctuation token ("';' expected") says what the parser wanted
    return "'...'"


_LINK = re.compile(r"undefined (?:symbol|reference)|unresolved (?:external|symbol)|symbols? not found", re.I)
_SYMBOL = re.compile(r"[A-Za-z_.$][\w.$@]*")
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
    def rank(self) -> tuple:
        """Most valuable first: the biggest clusters, then those failing on every arch."""
        return (-len(self.records), not self.all_arches, self.id)

    @property
    def case_ids(self) -> list[str]:
        return sorted(r.id for r in self.records)


def cluster_id(signature: str) -> str:
    return hashlib.sha256(signature.encode()).hexdigest()[:ID_LEN]


def clusters(records: Iterable[CaseRecord], arches: list[str] | tuple[str, ...] = ()) -> list[Cluster]:
    """The failures among records grouped by signature, most valuable first."""
    records = list(records)
    failing = [r for r in records if r.verdict.is_failure]
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
    """(signature, cause in plain words) of one failing case: a function of the case alone."""
    if r.verdict in DIAG_VERDICTS:
        symbols = missing_symbols(r.reason) if r.verdict is V.COMPILE_ERROR else []
        if symbols:
            family, what = min(symbol_family(s) for s in symbols)
            return f"{r.verdict}|link|{family}", f"link error: {what}"
        diag = normalise_diagnostic(r.reason, r.test) or "no diagnostic"
        if r.verdict is V.COMPILE_ERROR:
            feature = unsupported_feature(diag, *_diagnosed_line(r))
            if feature:
                return f"{r.verdict}|feature|{feature[0]}", f"{r.verdict}: {feature[1]}"
        return f"{r.verdict}|{diag}", f"{r.verdict}: {diag}"
    if r.culprits:  # a project test bisected to TUs: every test those TUs break is one task
        project = r.test.partition("/")[0]
        tus = " + ".join(sorted(r.culprits))
        if STACK_HINT in r.reason:  # the test passes with an unlimited stack: frames too big
            return (f"culprits|{r.suite}|{project}|{tus}|stack",
                    f"stack frames far bigger than GCC's in {project} (it exits as GCC's build does with an "
                    f"unlimited stack): culprit TUs {tus}")
        return f"culprits|{r.suite}|{project}|{tus}", f"miscompiled in {project}: culprit TUs {tus}"
    m = _LOADER.search(r.reason)
    if m:  # the binary never ran: the dynamic loader found no definition of a symbol it needs
        family, what = symbol_family(m.group(1))
        return f"runtime|loader|{family}", f"binaries fail to start: {what}"
    how = str(r.verdict)
    signal = _SIGNAL.search(r.reason) if r.verdict is V.CRASH else None
    if signal:
        how += f" ({signal.group(1)})"
    test = f"{r.suite}/{r.test}"
    if r.verdict in _RUNTIME and r.case.sources:
        pr = _PR_TEST.fullmatch(PurePosixPath(r.test).name)
        if pr and _pr_siblings(str(PurePosixPath(r.case.sources[0]).parent), pr.group(1)) > 1:
            # prN.c, prN-2.c: tests written for one GCC bug report (the suite's files, not the run's)
            return f"runtime|pr{pr.group(1)}|{how}", f"{how} in the tests of GCC bug {pr.group(1)} (pr{pr.group(1)}*.c)"
        found = constructs(_read(r.case.sources[0]))
        if len(found) == 1:  # two would be two suspects: the test keeps its own task
            name, what = found[0]
            return f"runtime|construct|{name}|{how}", f"{how} in programs that use {what}"
    return f"{r.verdict}|{test}", f"{r.verdict} in {test}"  # how it fails varies by arch: the task says


@functools.lru_cache(maxsize=1024)
def _pr_siblings(folder: str, number: str) -> int:
    try:
        return sum(1 for n in os.listdir(folder) if (m := _PR_TEST.fullmatch(n)) and m.group(1) == number)
    except OSError:
        return 0


_LOADER = re.compile(r"symbol lookup error: .*?undefined symbol: ([A-Za-z_.$][\w.$@]*)")
_SIGNAL = re.compile(r"killed by (SIG[A-Z0-9]+)")
_RUNTIME = frozenset({V.CRASH, V.WRONG_EXIT, V.WRONG_OUTPUT})
_PR_TEST = re.compile(r"pr(\d{4,6})(?:-\d+)?\.c")

# Constructs a compiler implements in one place, rare in programs and often broken as a whole:
# runtime failures of programs that use exactly one of them are one task per construct and way of
# failing (GCC's torture tests that fail this way for a real candidate: VLA members in structs,
# 7 tests; bit-fields of long long wider than 32 bits, 4; vector types, 4; long double through
# `...`, 2). A program that uses two of them keeps its own task, with Related: lines.
_COMMENT_OR_STRING = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)
_RECORD_BODY = re.compile(r"\b(?:struct|union)\b\s*\w*\s*\{([^{}]*)\}")
_TYPEDEF_ARRAY = re.compile(r"\btypedef\b[^;{}]*?\[([^\]]*)\]")
_DIMENSION = re.compile(r"\[([^\]]*)\]")
_ENUM_BODY = re.compile(r"\benum\b\s*\w*\s*\{([^}]*)\}")
_WIDE_BITFIELD = re.compile(r"\b(?:long|__int128)\b[^;{}()=?:]*?\b\w+\s*:\s*(\d+)\s*[;,]")
_VA_LONG_DOUBLE = re.compile(r"\bva_arg\s*\([^;]*?,\s*long\s+double\s*\)")
_VA_INT128 = re.compile(r"\bva_arg\s*\([^;]*?,\s*(?:(?:un)?signed\s+)?__int128")


def code_only(program: str) -> str:
    """The program without its comments and string literals (a dg directive names no construct)."""
    return _COMMENT_OR_STRING.sub(" ", program)


def constructs(program: str) -> list[tuple[str, str]]:
    """The rare constructs a program uses, as (name, plain words), comments and strings left out."""
    text = code_only(program)
    found = []
    if _variably_modified(text):
        found.append(("vm-types", "variably modified types (VLA members in structs, VLA typedefs)"))
    if any(int(n) > 32 for n in _WIDE_BITFIELD.findall(text)):
        found.append(("wide-bit-fields", "bit-fields wider than 32 bits (long long)"))
    if "vector_size" in text:
        found.append(("vector", "vector types (vector_size)"))
    if _VA_LONG_DOUBLE.search(text):
        found.append(("va-long-double", "long double arguments read with va_arg"))
    if _VA_INT128.search(text):
        found.append(("va-int128", "__int128 arguments read with va_arg"))
    return found


def _variably_modified(text: str) -> bool:
    """A struct member or typedef whose array size is a run-time value (a variable, not a macro,
    an enum constant or sizeof)."""
    constants = {name for name, _body in _MACRO.findall(text)}
    for body in _ENUM_BODY.findall(text):
        constants |= set(re.findall(r"(?:^|,)\s*([A-Za-z_]\w*)", body))
    dims = list(_TYPEDEF_ARRAY.findall(text))
    while True:  # innermost record bodies first, so a nested struct's members count once
        m = _RECORD_BODY.search(text)
        if not m:
            break
        dims += _DIMENSION.findall(m.group(1))
        text = text[:m.start(1) - 1] + "<>" + text[m.end(1) + 1:]
    for dim in dims:
        dim = _NUMBER_LITERAL.sub(" ", _SIZE_OF.sub(" ", dim))
        names = set(_IDENT.findall(dim)) - constants - _KEYWORDS - {"sizeof", "_Alignof", "__alignof__"}
        if any(not n.isupper() for n in names):
            return True
    return False


_SIZE_OF = re.compile(r"\b(?:sizeof|_Alignof|__alignof__|__builtin_offsetof|offsetof)\s*\((?:[^()]|\([^()]*\))*\)")
_NUMBER_LITERAL = re.compile(r"(?<![\w$])\.?\d[\w.]*")


# GCC extensions a compiler either has or lacks as a whole: a compile error whose diagnostic names
# one, or whose diagnosed line uses one, is that feature missing, whatever the parser then said.
_PREDEFINED = re.compile(r"\b__[A-Z][A-Z0-9_]*__\b")
_COMPLEX = re.compile(r"\b(?:_Complex|__complex__|__complex|__real__|__imag__)\b|\b\d+(?:\.\d*)?[iIjJ][fFlL]?\b")
_VECTOR_TYPEDEF = re.compile(r"\btypedef\b[^;]*?vector_size[^;]*;")
# Diagnostics that say what the parser met, not what is missing: the diagnosed line says more.
_GENERIC = re.compile(r"expected|undeclared|not constant|invalid|unknown|not supported", re.I)
_LABEL_VALUE = re.compile(r"&&\s*[A-Za-z_]\w*\s*[-+,;})]|\bgoto\s*\*")
_INF_NAN = re.compile(r"/\s*0(?:\.0*)?[fFlL]?\b|__builtin_(?:inf|nan|huge_val)|\b(?:INF|INFINITY|NAN)\b")
_MACRO = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)((?:\\\n|[^\n])*)", re.M)
_VECTOR_MACRO = re.compile(r"^\s*#\s*define\s+(\w+)(?:[^\n]|\\\n)*?vector_size", re.M)
_ATTRIBUTE = re.compile(r"__attribute__\s*\(\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\)")
_LOCATION_LINE = re.compile(r"([^\s:'\"]+\.[chi]):(\d+):")


def unsupported_feature(diag: str, line: str = "", program: str = "", lineno: int = 0) -> tuple[str, str] | None:
    """(family, plain words) when a compile error is a missing GCC feature: complex numbers, vector
    types, labels as values, GCC's predefined macros (`__FLT_MAX__`, `__UINT32_TYPE__`: one table in
    the compiler), inf/nan constant initializers. The diagnosed line is read with the bodies of the
    macros it uses (`TEST(float, f)` is whatever TEST expands to)."""
    if not _GENERIC.search(diag):
        line, lineno = "", 0  # a specific diagnostic ("cannot use local functions") names its own cause
    line = _with_macros(line, program)
    if _COMPLEX.search(line) or _COMPLEX.search(diag):
        return "complex", "complex types (_Complex, __complex__, __real__, imaginary constants) are not supported"
    vectors = {_IDENT.findall(_ATTRIBUTE.sub("", t))[-1] for t in _VECTOR_TYPEDEF.findall(program)
               if _IDENT.findall(_ATTRIBUTE.sub("", t))} | set(_VECTOR_MACRO.findall(program))
    if vectors:  # and the variables declared with them
        vectors |= set(re.findall(rf"\b(?:{'|'.join(map(re.escape, vectors))})\s+\**\s*([A-Za-z_]\w*)", program))
    if "vector_size" in line or (vectors and vectors & set(_IDENT.findall(line))):
        return "vector", "vector types (__attribute__((vector_size))) are not supported"
    if "not constant" in diag and _LABEL_VALUE.search(line):
        return "label-values", "label addresses (&&label) in constant initializers are rejected"
    if _PREDEFINED.search(diag) or ("undeclared" in diag and _PREDEFINED.search(line)) or \
            ("expected" in diag and _PREDEFINED.search(line)):
        return "predefined-macros", "GCC's predefined macros (__FLT_MAX__, __UINT32_TYPE__, ...) are not defined"
    if _DECIMAL.search(line) or _DECIMAL.search(diag):
        return "decimal-float", "decimal floating types (_Decimal32, _Decimal64, _Decimal128) are not supported"
    if lineno and lineno in _nested_function_lines(program):
        return "nested-functions", "nested functions (a function defined inside another, a GNU extension) " \
            "are not supported"
    if "not constant" in diag and _INF_NAN.search(line):
        return "inf-nan-constants", ("constant initializers that are inf or nan (1.0/0.0, __builtin_inf, "
                                     "__builtin_nan) are rejected")
    return None


def _with_macros(line: str, program: str) -> str:
    if "#" not in program or not line:
        return line
    bodies: dict[str, str] = {}
    for name, body in _MACRO.findall(program):  # a macro defined twice: both bodies
        bodies[name] = bodies.get(name, "") + " " + body
    used = [bodies[w] for w in dict.fromkeys(_IDENT.findall(line)) if w in bodies]
    return " ".join([line, *used])


@functools.lru_cache(maxsize=256)
def _read(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(1 << 20).decode("utf-8", "replace")
    except OSError:
        return ""


def _diagnosed_line(r: CaseRecord) -> tuple[str, str, int]:
    """The source line a diagnostic points at, that file's text ("" when not found), the line's number."""
    m = _LOCATION_LINE.search(r.reason)
    if not m:
        return "", "", 0
    name = PurePosixPath(m.group(1)).name
    near = [str(PurePosixPath(r.case.sources[0]).parent / name)] if r.case.sources else []
    for src in [*r.case.sources, *near]:  # the test, its extra sources, a file it includes
        if PurePosixPath(src).name == name:
            text = _read(src)
            lines = text.splitlines()
            n = int(m.group(2))
            return (lines[n - 1] if 0 < n <= len(lines) else ""), text, n
    return "", "", 0


_DECIMAL = re.compile(r"\b_Decimal(?:32|64|128)\b|(?<![\w.])(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:dd|df|dl|DD|DF|DL)\b")
# A function definition's header (type, name, parameters, "{"), found inside another function.
_DEFINITION = re.compile(r"\b([A-Za-z_]\w*)[\s*]+([A-Za-z_]\w*)\s*\(")  # then balanced parentheses, "{"
_DIRECTIVE = re.compile(r"^[ \t]*#(?:\\\n|[^\n])*", re.M)
_NOT_A_TYPE = frozenset("return else case goto do sizeof".split())


@functools.lru_cache(maxsize=64)
def _nested_function_lines(program: str) -> frozenset[int]:
    """The line numbers of the headers of functions defined inside functions (GNU nested functions),
    and of the line after each (where a parser that wanted a ';' may say it stopped)."""
    blank = lambda m: re.sub(r"[^\n]", " ", m.group())  # noqa: E731 (keeps line numbers)
    text = _DIRECTIVE.sub(blank, _COMMENT_OR_STRING.sub(blank, program))
    depth, depths = 0, []
    for ch in text:  # the brace depth before each character
        depths.append(depth)
        depth += (ch == "{") - (ch == "}")
    lines: set[int] = set()
    for m in _DEFINITION.finditer(text):
        if depths[m.start()] == 0 or m.group(1) in _NOT_A_TYPE or m.group(2) in _KEYWORDS:
            continue
        end, level = m.end(), 1
        while end < len(text) and level and text[end] not in ";{}":
            level += (text[end] == "(") - (text[end] == ")")
            end += 1
        rest = text[end:end + 200]
        brace = end + len(rest) - len(rest.lstrip())  # the first character after the parameters
        if level == 0 and text[brace:brace + 1] == "{":
            first = text.count("\n", 0, m.start()) + 1
            lines.update(range(first, first + text.count("\n", m.start(), brace) + 2))
    return frozenset(lines)


def _title(r: CaseRecord, cause: str, tested: set[str], failed: set[str]) -> str:
    if r.verdict in DIAG_VERDICTS:
        return cause
    scope = "every arch" if failed >= tested else "only " + "+".join(sorted(failed))
    return f"{r.verdict} in {r.suite}/{r.test} ({scope})"


def missing_symbols(reason: str) -> list[str]:
    """The symbols a link error names (quoted, or listed after a colon); [] when it is no link error."""
    m = _LINK.search(reason)
    if not m:
        return []
    rest = reason[m.end():]
    quoted = [next(g for g in q.groups() if g is not None) for q in _QUOTED.finditer(rest)]
    names = [q for q in quoted if _SYMBOL.fullmatch(q)]
    if not names and ":" in rest:
        names = _SYMBOL.findall(rest.split(":", 1)[1])
    return sorted(set(names))


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
    if _RESERVED.match(symbol):
        return symbol, f"undefined symbol {symbol}"
    if symbol in _NOT_IN_LIBC:
        return symbol, _NOT_IN_LIBC[symbol]
    return "'ID'", "undefined symbol 'ID' (a function the test declares)"


# Plain names a test calls that no library defines: the compiler has to expand them itself.
_NOT_IN_LIBC = {
    "alloca": "alloca is not expanded inline (GCC treats it as __builtin_alloca; the C library has no "
              "alloca function)",
    "link_error": "a call GCC's optimizer removes is left in (link_error: the test relies on GCC folding "
                  "its condition away)",
}
