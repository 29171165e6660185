"""What a GCC test declares about itself: DejaGnu `dg-` directives and `.x` scripts.

GCC's own harness reads these before building a test: they replace or add
flags, and skip targets or option sets. Ignoring them turns GCC into a bad
oracle (it fails or disagrees with itself on tests that declared why), so
oracle honours them the same way. What cannot be understood is reported as
`unsupported` with the reason, never guessed.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from dataclasses import dataclass, field

from oracle.discover.suites import tcl
from oracle.discover.suites.tcl import Braced, Bracket, Word

# Effective-target keywords for hosted glibc Linux on each arch (GCC 12's answers).
_COMMON = {
    "int32plus": True, "int32": True, "int16": False, "size32plus": True, "size20plus": True,
    "ptr32plus": True, "lp64": True, "ilp32": False, "llp64": False, "longlong64": True,
    "double64": True, "double64plus": True, "large_double": True, "large_long_double": True,
    "int128": True, "label_values": True, "trampolines": True, "alloca": True,
    "indirect_jumps": True, "untyped_assembly": True, "return_address": True,
    "nonlocal_goto": True, "stdint_types": True, "inttypes_types": True, "c99_runtime": True,
    "freestanding": False, "fileio": True, "unwrapped": True, "mmap": True, "signal": True,
    "fpic": True, "pie": True, "nonpic": False, "weak_undefined": True, "sync_int_long": True,
    "sync_char_short": True, "newlib": False, "newlib_nano_io": False, "vxworks_kernel": False,
    "ia32": False, "x32": False, "coldfire_fpu": False, "ti_c67x": False, "hard_float": True,
    "wchar": True, "tls": True, "tls_native": True, "pthread": True, "fenv": True,
    "fenv_exceptions": True, "exceptions": True, "lto": True, "gas": True, "stack_size": False,
    "scalar_all_fma": False, "avr_tiny": False, "mips_eabi": False, "simulator": False,
    "c": True, "c++": False, "lax_strtofp": False, "named_sections": True, "ucn": True,
    "nonstrict_align": True, "cfi": True, "ifunc": True, "alias": True, "weak": True,
}
# Per arch, what differs from _COMMON (target-supports.exp: compile checks give the answer of
# the arch's compiler, istarget lists the arches they name; tests/unit/test_dg_arches.py checks
# the compile-based ones against the real reference compilers).
_ILP32 = {"lp64": False, "ilp32": True, "int128": False}
EFFECTIVE_TARGETS: dict[str, dict[str, bool]] = {
    "x86_64": {**_COMMON, "dfp": True, "sse": True, "sse2": True, "section_anchors": False},
    "aarch64": {**_COMMON, "dfp": False, "section_anchors": True, "aarch64_little_endian": True,
                "scalar_all_fma": True},
    # riscv64 (lp64d): 128-bit IEEE long double, no decimal float; target-supports.exp's
    # sync_int_long / sync_char_short lists do not name riscv.
    "riscv64": {**_COMMON, "dfp": False, "section_anchors": False, "sync_int_long": False,
                "sync_char_short": False},
    # i686: ILP32, no __int128, x87 long double (12 bytes), BID decimal float, SSE assembles.
    "i686": {**_COMMON, **_ILP32, "ia32": True, "dfp": True, "sse": True, "sse2": True,
             "section_anchors": False},
}

# dg-add-options features and the flags they add on a hosted Linux target.
ADD_OPTIONS = {"stack_size": [], "ieee": [], "c99_runtime": [], "bind_pic_locally": []}

# Directives that change nothing about how a run test is built or judged here.
_IGNORED = {
    "dg-xfail-if", "dg-xfail-run-if", "dg-prune-output", "dg-output", "dg-final",
    "dg-warning", "dg-error", "dg-message", "dg-bogus", "dg-excess-errors", "dg-shouldfail",
    "dg-set-target-env-var", "dg-lto-do", "dg-lto-options", "dg-do-what-default",
}
# dg-require-* whose answer is yes on every hosted Linux target.
_REQUIRE_YES = {"dg-require-alias", "dg-require-weak", "dg-require-visibility",
                "dg-require-stack-size", "dg-require-named-sections", "dg-require-ifunc",
                "dg-require-profiling", "dg-require-dll", "dg-require-host-local"}


class Unknown(Exception):
    """A selector or script this module cannot decide: the test becomes unsupported."""


@dataclass(frozen=True, slots=True)
class Context:
    arch: str
    triplet: str

    def effective(self, keyword: str) -> bool:
        table = EFFECTIVE_TARGETS.get(self.arch, {})
        if keyword not in table:
            raise Unknown(f"unknown effective target {keyword!r}")
        return table[keyword]

    def istarget(self, pattern: str) -> bool:
        return fnmatch.fnmatchcase(self.triplet, pattern)


# ---------------------------------------------------------------- selectors

def selector(word: Word, ctx: Context) -> bool:
    """Does a DejaGnu target selector (`{ target x86_64-*-* }`, `{ ! int32plus }`) match?"""
    toks = word.words() if isinstance(word, Braced) else [word]
    if toks and toks[0] in ("target", "xfail"):
        toks = toks[1:]
    return _expr(toks, ctx)


def _atom(tok: Word, ctx: Context) -> bool:
    if isinstance(tok, Braced):
        return _expr(tok.words(), ctx)
    if isinstance(tok, Bracket):
        raise Unknown(f"cannot evaluate [{tok.text}]")
    if "-" in tok or "*" in tok:
        return ctx.istarget(tok)
    return ctx.effective(tok)


def _expr(toks: list[Word], ctx: Context) -> bool:
    if not toks:
        return False
    if toks[0] == "!":
        return not _expr(toks[1:], ctx)
    if len(toks) >= 3 and toks[1] in ("&&", "||"):
        left = _atom(toks[0], ctx)
        if toks[1] == "&&":
            return left and _expr(toks[2:], ctx)
        return left or _expr(toks[2:], ctx)
    # A plain list of triplets and keywords matches if any element does.
    unknown = None
    for tok in toks:
        try:
            if _atom(tok, ctx):
                return True
        except Unknown as exc:
            unknown = exc
    if unknown:
        raise unknown
    return False


def _opts_match(patterns: list[str], flags: list[str]) -> bool:
    joined = " " + " ".join(flags) + " "
    for pat in patterns:
        if pat == "":
            continue
        if pat == "*" or f" {pat} " in joined or any(fnmatch.fnmatchcase(f, pat) for f in flags):
            return True
    return False


# ---------------------------------------------------------------- directives

_START = re.compile(r"\{\s*dg-")


@dataclass(frozen=True, slots=True)
class Directive:
    name: str
    args: tuple[Word, ...]


def parse(source: str) -> list[Directive]:
    """Every `{ dg-... }` directive in a source text, in order."""
    out = []
    for m in _START.finditer(source):
        try:
            end = tcl._match(source, m.start(), "{", "}")
            toks = tcl.words(source[m.start() + 1 : end - 1])
        except tcl.TclError:
            continue
        if toks and isinstance(toks[0], str):
            out.append(Directive(toks[0], tuple(toks[1:])))
    return out


@dataclass(slots=True)
class Plan:
    """How to build one test for one (arch, opt), or why not to."""

    flags: list[str] = field(default_factory=list)  # test flags, after the opt level
    sources: list[str] = field(default_factory=list)  # extra sources, relative to the test's folder
    unsupported: str | None = None
    timeout_factor: float = 1.0


def _split(word: Word) -> list[str]:
    if isinstance(word, Braced):
        parts: list[str] = []
        for w in word.words():
            parts.extend(_split(w))
        return parts
    if isinstance(word, Bracket):
        raise Unknown(f"cannot evaluate [{word.text}]")
    return shlex.split(word)


# Flags a test file may ask for. Some GCC flags run programs or reach files outside the test
# (-wrapper, -fplugin=, -specs=, -B, @file, --sysroot, -Wl,/-Wa,/-Wp, pass-through, -fprofile-
# paths): a test file is not trusted with them. Anything not matched here makes the case
# `unsupported`, naming the flag.
_SAFE_FLAG = re.compile(r"""-(?:
      O(?:[0-3sgz]|fast)?
    | w | ansi | pedantic(?:-errors)? | pthread | pie | no-pie | static | fpic | fPIC | fpie | fPIE
    | g[\w-]* | std=[\w+]+ | [DUI][^\s@]+ | l[\w.+-]+
    | f(?!plugin)[\w+-]+(?:=[\w.,+:-]*)?
    | m[\w+-]+(?:=[\w.,+-]*)?
    | W(?![lap],)[\w+-]+(?:=[\w.+-]*)?
    )""", re.X)


def unsafe_flag(flags: list[str]) -> str | None:
    """The first flag a test file may not ask for, or None."""
    return next((f for f in flags if not _SAFE_FLAG.fullmatch(f)), None)


def _checked(flags: list[str], where: str) -> list[str]:
    bad = unsafe_flag(flags)
    if bad is not None:
        raise Unknown(f"{where} flag {bad!r} is not on oracle's allow-list (a flag that can run programs or "
                      "reach files outside the test is never taken from a test file)")
    return flags


def plan(directives: list[Directive], ctx: Context, opt: list[str], default_flags: list[str]) -> Plan:
    """Apply the directives for one arch and opt level, as gcc-dg-runtest would."""
    p = Plan()
    options = list(default_flags)
    extra: list[str] = []
    try:
        for d in directives:
            a = d.args
            if d.name == "dg-do":
                what = a[0] if a else "run"
                if len(a) > 1 and isinstance(a[1], Braced) and a[1].words()[:1] == ["target"]:
                    if not selector(a[1], ctx):
                        p.unsupported = f"dg-do {what} excludes {ctx.arch}"
                        return p
                if what != "run":
                    p.unsupported = f"dg-do {what}: not a run test"
                    return p
            elif d.name == "dg-options":
                if len(a) < 2 or selector(a[1], ctx):
                    options = _checked(_split(a[0]) if a else [], d.name)
            elif d.name == "dg-additional-options":
                if len(a) < 2 or selector(a[1], ctx):
                    extra += _checked(_split(a[0]) if a else [], d.name)
            elif d.name == "dg-add-options":
                for feature in (tcl.as_list(x) for x in a):
                    for f in feature:
                        if f not in ADD_OPTIONS:
                            raise Unknown(f"dg-add-options {f} not understood")
                        extra += ADD_OPTIONS[f]
            elif d.name == "dg-skip-if":
                if len(a) < 2:
                    continue
                include = tcl.as_list(a[2]) if len(a) > 2 else ["*"]
                exclude = tcl.as_list(a[3]) if len(a) > 3 else [""]
                flags = opt + options + extra
                if selector(a[1], ctx) and _opts_match(include, flags) and not _opts_match(exclude, flags):
                    why = tcl.as_text(a[0]).strip()
                    p.unsupported = f"dg-skip-if excludes {ctx.arch} {' '.join(opt)}" + (f": {why}" if why else "")
                    return p
            elif d.name == "dg-require-effective-target":
                if not a:
                    continue
                if len(a) > 1 and not selector(a[1], ctx):
                    continue
                kw = tcl.as_text(a[0])
                if not ctx.effective(kw):
                    p.unsupported = f"requires effective target {kw}, which {ctx.arch} lacks"
                    return p
            elif d.name == "dg-additional-sources":
                p.sources += _split(a[0]) if a else []
            elif d.name == "dg-timeout-factor":
                p.timeout_factor = float(tcl.as_text(a[0])) if a else 1.0
            elif d.name in _REQUIRE_YES or d.name in _IGNORED:
                continue
            elif d.name.startswith("dg-require-"):
                raise Unknown(f"{d.name} not understood")
    except (Unknown, tcl.TclError, ValueError, IndexError) as exc:
        p.unsupported = f"cannot honour {d.name}: {exc}"
        return p
    p.flags = options + extra
    return p


# ---------------------------------------------------------------- .x scripts

@dataclass(slots=True)
class XResult:
    skip: bool = False
    flags: list[str] = field(default_factory=list)  # the final additional_flags
    skip_opts: list[str] = field(default_factory=list)  # globs of option sets the script skips


def run_x(script: str, ctx: Context, additional_flags: list[str]) -> XResult:
    """Interpret the small subset of Tcl that GCC's `.x` files use; Unknown otherwise."""
    res = XResult(flags=list(additional_flags))
    try:
        _block(tcl.commands(script), ctx, res)
    except _Return as ret:
        res.skip = ret.value != "0"
    except tcl.TclError as exc:
        raise Unknown(str(exc)) from None
    return res


class _Return(Exception):
    def __init__(self, value: str):
        self.value = value


_QUIET_SETS = {"torture_execute_xfail", "torture_eval_before_execute", "compiler_conditional_xfail_data"}
_OPTION_SKIP = re.compile(r"\[\s*string\s+match\s+\{?\"?([^\s}\"]+)\"?\}?\s+\"\$option\"\s*\]")


def _block(cmds: list[list[Word]], ctx: Context, res: XResult) -> None:
    for cmd in cmds:
        name = cmd[0] if cmd and isinstance(cmd[0], str) else None
        if name in ("load_lib", "global"):
            continue
        if name == "return":
            raise _Return(tcl.as_text(cmd[1]).strip() if len(cmd) > 1 else "0")
        if name == "set" and len(cmd) == 3 and cmd[1] == "additional_flags":
            res.flags = _checked(_split(cmd[2]), ".x script")
        elif name == "lappend" and len(cmd) >= 2 and cmd[1] == "additional_flags":
            for w in cmd[2:]:
                res.flags += _checked(_split(w), ".x script")
        elif name == "set" and len(cmd) == 3 and cmd[1] in _QUIET_SETS:
            continue  # expected-failure bookkeeping: a failing reference is ref-invalid anyway
        elif name == "set" and len(cmd) == 3 and cmd[1] == "torture_eval_before_compile":
            body = tcl.as_text(cmd[2])
            globs = _OPTION_SKIP.findall(body)
            if not globs or "continue" not in body:
                raise Unknown("torture_eval_before_compile not understood")
            res.skip_opts += globs
        elif name == "if":
            _if(cmd, ctx, res)
        else:
            raise Unknown(f".x command {name or cmd!r} not understood")


def _if(cmd: list[Word], ctx: Context, res: XResult) -> None:
    i = 1
    while i < len(cmd):
        cond, body = cmd[i], cmd[i + 1]
        if cond == "then":
            raise Unknown("if ... then not understood")
        if _cond(cond, ctx):
            _block(tcl.commands(tcl.as_text(body)), ctx, res)
            return
        i += 2
        if i < len(cmd) and cmd[i] == "elseif":
            i += 1
        elif i < len(cmd) and cmd[i] == "else":
            _block(tcl.commands(tcl.as_text(cmd[i + 1])), ctx, res)
            return


def _cond(word: Word, ctx: Context) -> bool:
    toks = word.words() if isinstance(word, Braced) else [word]
    pos, value = _or(toks, 0, ctx)
    if pos != len(toks):
        raise Unknown("condition not understood")
    return value


def _or(toks, pos, ctx, evaluate=True):
    # Short-circuit like Tcl: what is not reached may hold what cannot be evaluated.
    pos, value = _and(toks, pos, ctx, evaluate)
    while pos < len(toks) and toks[pos] == "||":
        pos, right = _and(toks, pos + 1, ctx, evaluate and not value)
        value = value or right
    return pos, value


def _and(toks, pos, ctx, evaluate=True):
    pos, value = _unary(toks, pos, ctx, evaluate)
    while pos < len(toks) and toks[pos] == "&&":
        pos, right = _unary(toks, pos + 1, ctx, evaluate and value)
        value = value and right
    return pos, value


def _unary(toks, pos, ctx, evaluate):
    if pos >= len(toks):
        raise Unknown("condition ends early")
    tok = toks[pos]
    if tok == "!":
        pos, value = _unary(toks, pos + 1, ctx, evaluate)
        return pos, not value
    if not evaluate:
        return pos + 1, False
    if isinstance(tok, Bracket):
        return pos + 1, _call(tok, ctx)
    if isinstance(tok, Braced):
        return pos + 1, _cond(tok, ctx)
    if isinstance(tok, str) and tok.startswith("(") and tok.endswith(")"):
        return pos + 1, _cond(Braced(tok[1:-1]), ctx)
    raise Unknown(f"condition term {tok!r} not understood")


def _call(br: Bracket, ctx: Context) -> bool:
    w = br.words()
    if len(w) == 2 and w[0] == "istarget":
        return ctx.istarget(tcl.as_text(w[1]))
    if len(w) == 1 and isinstance(w[0], str) and w[0].startswith("check_effective_target_"):
        return ctx.effective(w[0][len("check_effective_target_"):])
    raise Unknown(f"[{br.text}] not understood")
