"""The evidence of a failure, read once, by the judge, from what it has at hand (the candidate's
diagnostics, the run's status and stderr, the program's text, the suite's files): structured
fields that clustering and tasks read, so no later stage parses a reason or reads the disk to
decide a cause. The C scanners (rare constructs, GCC features a diagnosed line uses) live here,
once.

How a diagnostic is normalised (what belongs to one test removed) is model/diagnostic.py's: the
judge needs it to tell a missing GCC feature, clustering to key a failure, the reducer to keep it
the same."""

from __future__ import annotations

import functools
import os
import re
from pathlib import PurePosixPath

from oracle.infra import proc
from oracle.model import verdict as V
from oracle.model.diagnostic import DIAG_VERDICTS, IDENT, KEYWORDS, QUOTED, normalise_diagnostic
from oracle.model.record import Evidence

_MAX_SOURCE = 1 << 20  # bytes of a program scanned for constructs


def of(case_sources: tuple[str, ...], suite_sources: tuple[str, ...], test: str, verdict: V.Verdict,
       diagnostic: str, run: "proc.ProcResult | None", *, signal: str = "", stack_hint: bool = False,
       clang: str = "", ub: str = "", preprocessor: tuple[str, ...] = ()) -> Evidence:
    """The evidence of one judged case. `case_sources`: the files compiled (a generated program's
    materialised file); `suite_sources`: where the suite keeps them (its folder says which tests
    belong to one GCC bug report); `diagnostic`: the candidate's first diagnostic line (the reason
    of a compile-time verdict)."""
    if not verdict.is_failure:
        return Evidence()
    if verdict in DIAG_VERDICTS:
        symbols = tuple(missing_symbols(diagnostic)) if verdict is V.COMPILE_ERROR else ()
        feature = None
        if verdict is V.COMPILE_ERROR and not symbols:
            line, program, lineno = _diagnosed_line(diagnostic, case_sources)
            feature = unsupported_feature(normalise_diagnostic(diagnostic, test), line, program, lineno)
        return Evidence(diagnostic=diagnostic, missing_symbols=symbols, feature=feature)
    stderr = run.stderr.decode("utf-8", "replace") if run is not None else ""
    loader = _LOADER.search(stderr)
    if not signal and run is not None and run.status.kind == proc.SIGNAL:
        signal = proc.signal_name(run.status.code)
    pr, found, used = "", (), ()
    if verdict in _RUNTIME and case_sources:
        m = _PR_TEST.fullmatch(PurePosixPath(test).name)
        if m and suite_sources and _pr_siblings(os.path.dirname(suite_sources[0]), m.group(1)) > 1:
            pr = m.group(1)
        text = _read(case_sources[0])
        found = tuple(constructs(text))
        used = tuple(features(text.encode()))
    return Evidence(loader_symbol=loader.group(1) if loader else "", signal=signal, stack_hint=stack_hint,
                    pr_group=pr, constructs=found, clang=clang, ub=ub, features=used,
                    preprocessor=tuple(preprocessor))


_LINK = re.compile(r"undefined (?:symbol|reference)|unresolved (?:external|symbol)|symbols? not found", re.I)
_SYMBOL = re.compile(r"[A-Za-z_.$][\w.$@]*")
def missing_symbols(diagnostic: str) -> list[str]:
    """The symbols a link error names (quoted, or listed after a colon); [] when it is no link error."""
    m = _LINK.search(diagnostic)
    if not m:
        return []
    rest = diagnostic[m.end():]
    quoted = [next(g for g in q.groups() if g is not None) for q in QUOTED.finditer(rest)]
    names = [q for q in quoted if _SYMBOL.fullmatch(q)]
    if not names and ":" in rest:
        names = _SYMBOL.findall(rest.split(":", 1)[1])
    return sorted(set(names))



@functools.lru_cache(maxsize=1024)
def _pr_siblings(folder: str, number: str) -> int:
    try:
        return sum(1 for n in os.listdir(folder) if (m := _PR_TEST.fullmatch(n)) and m.group(1) == number)
    except OSError:
        return 0


_LOADER = re.compile(r"symbol lookup error: .*?undefined symbol: ([A-Za-z_.$][\w.$@]*)")
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
        names = set(IDENT.findall(dim)) - constants - KEYWORDS - {"sizeof", "_Alignof", "__alignof__"}
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
    vectors = {IDENT.findall(_ATTRIBUTE.sub("", t))[-1] for t in _VECTOR_TYPEDEF.findall(program)
               if IDENT.findall(_ATTRIBUTE.sub("", t))} | set(_VECTOR_MACRO.findall(program))
    if vectors:  # and the variables declared with them
        vectors |= set(re.findall(rf"\b(?:{'|'.join(map(re.escape, vectors))})\s+\**\s*([A-Za-z_]\w*)", program))
    if "vector_size" in line or (vectors and vectors & set(IDENT.findall(line))):
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
    used = [bodies[w] for w in dict.fromkeys(IDENT.findall(line)) if w in bodies]
    return " ".join([line, *used])


@functools.lru_cache(maxsize=256)
def _read(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(_MAX_SOURCE).decode("utf-8", "replace")
    except OSError:
        return ""


def _diagnosed_line(diagnostic: str, sources: tuple[str, ...]) -> tuple[str, str, int]:
    """The source line a diagnostic points at, that file's text ("" when not found), the line's number."""
    m = _LOCATION_LINE.search(diagnostic)
    if not m:
        return "", "", 0
    name = PurePosixPath(m.group(1)).name
    near = [str(PurePosixPath(sources[0]).parent / name)] if sources else []
    for src in [*sources, *near]:  # the test, its extra sources, a file it includes
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
        if depths[m.start()] == 0 or m.group(1) in _NOT_A_TYPE or m.group(2) in KEYWORDS:
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


# GCC extensions a candidate may lack on purpose: a test that needs one says so.
_GCC_FLAGS = re.compile(r"^-(?:f(?!no-inline$)[\w-]+(?:=\S+)?|m[\w-]+(?:=\S+)?|std=gnu\w+|ansi|pedantic)$")
# Constructs that often carry a back-end bug: runtime tasks whose programs share one are Related.
# Evidence too weak to merge tasks on (a test has many constructs), strong enough to look at both.
_FEATURES = (
    ("bit-fields", re.compile(rb"\b(?:unsigned|signed|int|long|short|char|_Bool)\b[^;{}()?=]*\w\s*:\s*\d+\s*;")),
    ("vector types", re.compile(rb"vector_size")),
    ("complex numbers", re.compile(rb"\b(?:_Complex|__complex__)\b")),
    ("long double", re.compile(rb"\blong\s+double\b")),
    ("__int128", re.compile(rb"__int128")),
    ("computed goto", re.compile(rb"goto\s*\*|&&\s*[A-Za-z_]\w*\s*[,;}]")),
    ("setjmp/longjmp", re.compile(rb"\b(?:__builtin_)?(?:setjmp|longjmp)\b")),
    ("variadic functions", re.compile(rb"\bva_(?:arg|start)\b")),
    ("alloca", re.compile(rb"\balloca\b")),
    ("packed or aligned types", re.compile(rb"__attribute__\s*\(\(\s*(?:__)?(?:packed|aligned)")),
)
_GCC_BUILTIN = re.compile(rb"\b(__builtin_\w+|__attribute__|__int128|_Complex|__complex__|typeof|__typeof__|"
                          rb"__label__|vector_size|__sync_\w+|__atomic_\w+)\b")


def gcc_only(flags: tuple[str, ...], program: bytes) -> list[str]:
    """The GCC-specific flags and extensions a test relies on, for the task to say so."""
    out = [f"flag {f}" for f in flags if _GCC_FLAGS.match(f) and f != "-w"]
    names = sorted({m.decode() for m in _GCC_BUILTIN.findall(program)})
    if names:
        out.append("extensions " + ", ".join(names[:12]) + (" ..." if len(names) > 12 else ""))
    return out


def features(program: bytes) -> list[str]:
    """The constructs of _FEATURES a program uses (comments and strings aside)."""
    program = code_only(program.decode("utf-8", "replace")).encode()
    return [name for name, rx in _FEATURES if rx.search(program)]
