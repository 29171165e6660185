"""Well-defined C programs as Hypothesis strategies that compose:
types → expressions → statements → functions → program.

Every program is free of undefined behaviour by construction:
- arithmetic is done in uint32_t or uint64_t (never promoted to int, so it wraps),
  and results reach narrower or signed types only through explicit casts;
- division and remainder are guarded against zero (and INT64_MIN / -1);
- shift counts are masked below the width; only unsigned values shift left;
- array indices are reduced modulo the array length;
- loops have literal trip counts; functions do not recurse;
- expressions have no side effects (functions only write their own locals), so
  the order in which a compiler evaluates operands cannot change the result.
Each program prints `checksum = X`, a hash of every global at the end of main.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st


@dataclass(frozen=True, slots=True)
class CType:
    name: str
    bits: int
    signed: bool

    @property
    def work(self) -> str:
        """The unsigned type arithmetic on this type is done in."""
        return "uint64_t" if self.bits == 64 else "uint32_t"

    @property
    def mask(self) -> int:
        return 63 if self.bits == 64 else 31

    def literal(self, value: int) -> str:
        value %= 1 << self.bits
        if value < 1 << 31:
            return f"(({self.name}){value})"
        return f"(({self.name})0x{value:x}ULL)"


TYPES = tuple(CType(f"{'' if s else 'u'}int{b}_t", b, s) for b in (32, 8, 16, 64) for s in (False, True))
types = st.sampled_from(TYPES)


@dataclass(frozen=True, slots=True)
class Func:
    name: str
    ret: CType
    params: tuple[CType, ...]


@dataclass(frozen=True)
class Env:
    """What code at one point may read, write and call."""

    readable: tuple[tuple[str, CType], ...] = ()  # expressions that name a value
    writable: tuple[tuple[str, CType], ...] = ()
    arrays: tuple[tuple[str, CType, int], ...] = ()  # (name, element type, length)
    funcs: tuple[Func, ...] = ()
    loop_vars: int = 0  # loop counters in scope (i0, i1, ...)

    def with_loop(self) -> tuple["Env", str]:
        var = f"i{self.loop_vars}"
        env = Env(self.readable + ((var, INT32),), self.writable, self.arrays, self.funcs, self.loop_vars + 1)
        return env, var


INT32 = next(t for t in TYPES if t.name == "int32_t")
U32 = next(t for t in TYPES if t.name == "uint32_t")

BINOPS = ("+", "-", "*", "&", "|", "^")
CMPOPS = ("<", "<=", "==", "!=", ">", ">=")
EXPR_KINDS = ("literal", "read", "cast", "binop", "cmp", "div", "shift", "not", "ternary", "index", "call")


def literals(ty: CType) -> st.SearchStrategy[str]:
    lo, hi = (-(1 << (ty.bits - 1)), (1 << (ty.bits - 1)) - 1) if ty.signed else (0, (1 << ty.bits) - 1)
    return st.one_of(st.integers(0, 16), st.integers(lo, hi)).map(ty.literal)


@st.composite
def exprs(draw, env: Env, ty: CType, depth: int = 3) -> str:
    """An expression of type ty, with no side effects and no undefined behaviour."""
    kinds = EXPR_KINDS if depth > 0 else EXPR_KINDS[:2]
    kind = draw(st.sampled_from(kinds))
    sub = lambda t: exprs(env, t, depth - 1)  # noqa: E731
    if kind == "read" and env.readable:
        name, vty = draw(st.sampled_from(env.readable))
        return name if vty == ty else f"(({ty.name}){name})"
    if kind == "cast":
        return f"(({ty.name}){draw(sub(draw(types)))})"
    if kind == "binop":
        op = draw(st.sampled_from(BINOPS))
        a, b = draw(sub(ty)), draw(sub(ty))
        return f"(({ty.name})(({ty.work}){a} {op} ({ty.work}){b}))"
    if kind == "cmp":
        oty = draw(types)
        return f"(({ty.name})({draw(sub(oty))} {draw(st.sampled_from(CMPOPS))} {draw(sub(oty))}))"
    if kind == "div":
        op = draw(st.sampled_from(("/", "%")))
        a, b = draw(sub(ty)), draw(sub(ty))
        helper = ("sdiv" if op == "/" else "smod") if ty.signed else ("udiv" if op == "/" else "umod")
        wide = "int64_t" if ty.signed else "uint64_t"
        return f"(({ty.name}){helper}(({wide}){a}, ({wide}){b}))"
    if kind == "shift":
        a, b = draw(sub(ty)), draw(sub(U32))
        if ty.signed and draw(st.booleans()):  # right shift of a signed value: implementation-defined, not UB
            wide = "int64_t" if ty.bits == 64 else "int32_t"
            return f"(({ty.name})(({wide}){a} >> ((uint32_t){b} & {ty.mask}u)))"
        op = draw(st.sampled_from(("<<", ">>")))
        return f"(({ty.name})(({ty.work}){a} {op} ((uint32_t){b} & {ty.mask}u)))"
    if kind == "not":
        op = draw(st.sampled_from(("~", "-", "!")))
        return f"(({ty.name})({op}({ty.work}){draw(sub(ty))}))"
    if kind == "ternary":
        return f"({draw(sub(U32))} ? {draw(sub(ty))} : {draw(sub(ty))})"
    if kind == "index" and env.arrays:
        name, ety, n = draw(st.sampled_from(env.arrays))
        return f"(({ty.name}){name}[(uint32_t){draw(sub(U32))} % {n}u])"
    if kind == "call" and env.funcs:
        f = draw(st.sampled_from(env.funcs))
        args = ", ".join(draw(sub(p)) for p in f.params)
        return f"(({ty.name}){f.name}({args}))"
    return draw(literals(ty))


@st.composite
def lvalues(draw, env: Env) -> tuple[str, CType]:
    """Something a statement may assign: a variable, a struct field or an array element."""
    if env.arrays and (not env.writable or draw(st.booleans())):
        name, ety, n = draw(st.sampled_from(env.arrays))
        return f"{name}[(uint32_t){draw(exprs(env, U32, 1))} % {n}u]", ety
    return draw(st.sampled_from(env.writable))


@st.composite
def statements(draw, env: Env, depth: int = 2, indent: str = "    ") -> str:
    kind = draw(st.sampled_from(("assign", "if", "for") if depth > 0 else ("assign",)))
    if kind == "assign" and (env.writable or env.arrays):
        target, ty = draw(lvalues(env))
        return f"{indent}{target} = {draw(exprs(env, ty))};\n"
    if kind == "if":
        then = draw(blocks(env, depth - 1, indent + "    "))
        other = draw(blocks(env, depth - 1, indent + "    "))
        return f"{indent}if ({draw(exprs(env, U32, 2))}) {{\n{then}{indent}}} else {{\n{other}{indent}}}\n"
    if kind == "for":
        inner, var = env.with_loop()
        trips = draw(st.integers(0, 8))
        body = draw(blocks(inner, depth - 1, indent + "    "))
        return f"{indent}for (int32_t {var} = 0; {var} < {trips}; {var}++) {{\n{body}{indent}}}\n"
    return f"{indent};\n" if not (env.writable or env.arrays) else draw(statements(env, 0, indent))


@st.composite
def blocks(draw, env: Env, depth: int, indent: str = "    ") -> str:
    return "".join(draw(st.lists(statements(env, depth, indent), min_size=1, max_size=3)))


@st.composite
def functions(draw, index: int, globals_env: Env) -> tuple[Func, str]:
    """A pure function: reads its parameters, globals and earlier functions; writes only its locals."""
    ret = draw(types)
    params = tuple(draw(st.lists(types, max_size=3)))
    local_types = draw(st.lists(types, max_size=3))
    pnames = [(f"p{i}", t) for i, t in enumerate(params)]
    lnames = [(f"l{i}", t) for i, t in enumerate(local_types)]
    env = Env(globals_env.readable + tuple(pnames) + tuple(lnames), tuple(lnames), (), globals_env.funcs)
    head = f"static {ret.name} f{index}({', '.join(f'{t.name} {n}' for n, t in pnames) or 'void'})"
    body = "".join(f"    {t.name} {n} = {draw(literals(t))};\n" for n, t in lnames)
    if lnames:
        body += draw(blocks(env, 2))
    body += f"    return {draw(exprs(env, ret))};\n"
    return Func(f"f{index}", ret, params), f"{head} {{\n{body}}}\n"


PRELUDE = """\
#include <stdint.h>
#include <stdio.h>
#include <inttypes.h>

static uint64_t udiv(uint64_t a, uint64_t b) { return b == 0 ? a : a / b; }
static uint64_t umod(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }
static int64_t sdiv(int64_t a, int64_t b) { return (b == 0 || (a == INT64_MIN && b == -1)) ? a : a / b; }
static int64_t smod(int64_t a, int64_t b) { return (b == 0 || (a == INT64_MIN && b == -1)) ? 0 : a % b; }
"""


@st.composite
def programs(draw) -> str:
    """A whole program: structs, globals, arrays, pure functions, and a main that prints a checksum."""
    out = [PRELUDE]
    scalars: list[tuple[str, CType]] = []
    for i, ty in enumerate(draw(st.lists(types, min_size=1, max_size=5))):
        out.append(f"static {ty.name} g{i} = {draw(literals(ty))};\n")
        scalars.append((f"g{i}", ty))
    for i, fields in enumerate(draw(st.lists(st.lists(types, min_size=1, max_size=4), max_size=2))):
        out.append(f"struct S{i} {{ {' '.join(f'{t.name} x{j};' for j, t in enumerate(fields))} }};\n")
        inits = ", ".join(draw(literals(t)) for t in fields)
        out.append(f"static struct S{i} s{i} = {{ {inits} }};\n")
        scalars += [(f"s{i}.x{j}", t) for j, t in enumerate(fields)]
    arrays: list[tuple[str, CType, int]] = []
    for i, (ty, n) in enumerate(draw(st.lists(st.tuples(types, st.integers(1, 8)), max_size=2))):
        inits = ", ".join(draw(literals(ty)) for _ in range(n))
        out.append(f"static {ty.name} a{i}[{n}] = {{ {inits} }};\n")
        arrays.append((f"a{i}", ty, n))
    env = Env(tuple(scalars), tuple(scalars), tuple(arrays))
    for i in range(draw(st.integers(0, 3))):
        fn, text = draw(functions(i, env))
        out.append(text)
        env = Env(env.readable, env.writable, env.arrays, env.funcs + (fn,))
    out.append("int main(void) {\n")
    out.append(draw(blocks(env, 2)))
    out.append("    uint64_t crc = 0;\n")
    for name, _ in scalars:
        out.append(f"    crc = crc * 1000003u ^ (uint64_t){name};\n")
    for name, _, n in arrays:
        out.append(f"    for (int32_t k = 0; k < {n}; k++) crc = crc * 1000003u ^ (uint64_t){name}[k];\n")
    out.append('    printf("checksum = %016" PRIx64 "\\n", crc);\n    return 0;\n}\n')
    return "".join(out)
