"""Is a culprit TU's failure the candidate's preprocessor? Its preprocessed output (`-E`) beside
GCC's, token by token, line markers and spacing ignored.

Both compilers preprocess the TU with its own command in the candidate's built tree. Only lines
of files in the tree are compared (system headers are each compiler's own), line by line of the
source (a line one side spreads over several is joined first). Lines that only one side has are
other `#if` branches taken; a line both have whose tokens differ is a difference of expansion.
A difference is the preprocessor's own bug only when every macro the line uses (and the macros
their bodies use) has the same definition on both sides (`-dM`): a macro defined otherwise (by a
predefined or command-line macro, an `#if` on one) changes the tokens without a bug in expanding
them. The bug's kind is what a fix needs to know, and failures of one kind are one task across
projects (the kinds and their words: oracle/model/preprocessing.py):

  relex       a macro name right after a number and a '.' is left unexpanded: after expanding
              `MAJOR.MINOR` the candidate reads the text `10.MINOR` again as one pp-number
  stringify   a macro name in a stringified argument (`#x` through a helper) is left unexpanded
  unexpanded  a macro name is left unexpanded
  expansion   the tokens differ otherwise

Results are kept per build and TU (`preprocessed.json` in the build folder): a TU that 22 tests
are bisected to is preprocessed once.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from oracle.infra import proc
from oracle.judge.projects import build as pb

CACHE = "preprocessed.json"
TIMEOUT = 120.0
LIMIT = 256 << 20  # bytes of -E output read (sqlite3.c's is some 10 MiB)

TOKEN = re.compile(r"""
    (?:u8|[LuU])?"(?:[^"\\\n]|\\.)*"        # string literal
  | (?:u8|[LuU])?'(?:[^'\\\n]|\\.)*'        # character constant
  | \.?\d(?:[eEpP][+-]|[\w.])*              # pp-number
  | [A-Za-z_$][\w$]*                        # identifier
  | \.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&^|]=|\#\#
  | \S                                      # any other punctuator
""", re.X)
MARKER = re.compile(r"#\s*(?:line\s+)?(\d+)(?:\s+\"((?:[^\"\\]|\\.)*)\")?")
IDENT = re.compile(r"[A-Za-z_$][\w$]*")
STRING = re.compile(r"(?:u8|[LuU])?(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')")
_NAME_IN = re.compile(r"(\d[\w.]*?\.)?([A-Za-z_$][\w$]*)")  # a name in a token, and the number glued before it
DEFINE = re.compile(r"#\s*define\s+([A-Za-z_$][\w$]*)(\([^)]*\))?\s?(.*)")
# Options that would write a dependency file or change what -E prints.
_DROP_WITH_ARG = {"-MF", "-MT", "-MQ", "-o"}
_DROP = {"-MD", "-MMD", "-MP", "-MG", "-M", "-MM", "-c", "-S", "-E", "-P", "-C", "-CC", "-save-temps", "-pipe"}


def lines_of(text: str, tree: str, cwd: str) -> dict[tuple[str, int], list[str]]:
    """(file relative to the tree, line) -> its tokens, for lines of files in the tree."""
    out: dict[tuple[str, int], list[str]] = {}
    name, line, inside = "", 1, False
    for raw in text.split("\n"):
        stripped = raw.lstrip()
        if stripped.startswith("#"):
            m = MARKER.match(stripped)
            if m:
                line = int(m.group(1))
                if m.group(2) is not None:
                    name = _rel(m.group(2).encode("latin-1").decode("unicode_escape", "replace"), tree, cwd)
                    inside = name is not None
                continue
            # #pragma, #ident: not expansion; they take a line
            line += 1
            continue
        if inside and stripped:
            toks = TOKEN.findall(raw)
            if toks:
                out.setdefault((name, line), []).extend(toks)
        line += 1
    return out


def _rel(path: str, tree: str, cwd: str) -> str | None:
    if path.startswith("<"):  # <built-in>, <command-line>
        return None
    full = os.path.normpath(os.path.join(cwd, path))
    return os.path.relpath(full, tree) if full == tree or full.startswith(tree + os.sep) else None


def definitions(text: str) -> dict[str, str]:
    """-dM output: macro name -> its definition (parameters and body, spacing normalised)."""
    out = {}
    for line in text.splitlines():
        m = DEFINE.match(line)
        if m:
            out[m.group(1)] = ((m.group(2) or "") + " " + " ".join(TOKEN.findall(m.group(3)))).strip()
    return out


def first_difference(cand: dict, ref: dict) -> tuple[tuple[str, int], list[str], list[str], int] | None:
    """The first line (in the reference's order) both sides have whose tokens differ: (where, the
    candidate's tokens, the reference's, how many lines only one side has)."""
    only = len(cand.keys() ^ ref.keys())
    skip: set = set()
    for where in ref:
        if where in skip or where not in cand:
            continue
        a, b = cand[where], ref[where]
        if a == b:
            continue
        # One side put a macro call spanning lines on one line: join the next lines of the shorter.
        a2, b2, name, n = list(a), list(b), where[0], where[1]
        for k in range(1, 12):
            if len(a2) == len(b2):
                break
            nxt = (name, n + k)
            longer_a = len(a2) > len(b2)
            extra = (ref if longer_a else cand).get(nxt)
            if extra is None:
                continue
            (b2 if longer_a else a2).extend(extra)
            skip.add(nxt)
        if a2 == b2:
            continue
        return where, a, b, only
    return None


def classify(cand_toks: list[str], ref_toks: list[str], used: set[str], ref_defs: dict[str, str],
             cand_defs: dict[str, str] | None) -> tuple[str, str]:
    """(kind, the macro it names or "") of a differing line."""
    # The macros the line uses on either side (one the candidate alone defines, by a forced
    # include or a -D, counts: GCC has no definition of it), and those their bodies use.
    known = ref_defs.keys() | (cand_defs or {}).keys()
    closure, todo = set(), [n for n in used if n in known]
    while todo and len(closure) < 500:
        n = todo.pop()
        if n in closure:
            continue
        closure.add(n)
        body = ref_defs.get(n, "") + " " + (cand_defs or {}).get(n, "")
        todo += [m for m in IDENT.findall(body) if m in known and m not in closure]
    if cand_defs is not None:
        differ = sorted(n for n in closure if cand_defs.get(n) != ref_defs.get(n))
        if differ:
            return "definitions", differ[0]
    ref_words = set(ref_toks)
    for tok in cand_toks:
        if tok in ref_words:
            continue
        quoted = STRING.fullmatch(tok) is not None
        for m in _NAME_IN.finditer(tok):
            name = m.group(2)
            if name not in ref_defs or (cand_defs is not None and name not in cand_defs):
                continue  # not a macro both sides know
            if m.group(1):
                return "relex", name
            return ("stringify" if quoted else "unexpanded"), name
    if cand_defs is None:
        # No -dM from the candidate: a difference may come from a macro defined otherwise.
        return "definitions", ""
    return "expansion", ""


def _shown(toks: list[str], other: list[str]) -> str:
    """The tokens around the first one that differs from other's, as text."""
    i = next((k for k, (a, b) in enumerate(zip(toks, other)) if a != b), min(len(toks), len(other)))
    lo = max(0, i - 4)
    return ("… " if lo else "") + " ".join(toks[lo:i + 6]) + (" …" if i + 6 < len(toks) else "")


def _argv(entry: dict, tree: str) -> list[str]:
    out, args, i = [], [a.replace("@R", tree) for a in entry.get("argv", ())], 0
    while i < len(args):
        a = args[i]
        if a in _DROP_WITH_ARG:
            i += 2
            continue
        if a not in _DROP and not a.startswith(("-Wp,-M", "-MF")):
            out.append(a)
        i += 1
    return out


def _preprocess(tools: pb.Toolset, who: str, argv: list[str], src: str, cwd: str, folder: Path,
                extra: tuple[str, ...] = ()) -> str | None:
    compiler = tools.cand if who == "cand" else tools.ref
    cmd = [*compiler, *argv, *extra, "-E", src]
    res = proc.run(tools.jail(cmd, folder), timeout=TIMEOUT, cwd=cwd, stdout_limit=LIMIT,
                   env=proc.child_env(LC_ALL="C", TMPDIR=str(folder / "tmp")))
    if not res.status.ok or res.stdout_truncated or not res.stdout.strip():
        return None
    return res.stdout.decode("latin-1")


def compare_tu(folder: Path, entry: dict, tools: pb.Toolset) -> dict | None:
    """The candidate's and GCC's preprocessing of one TU (a ccwrap log entry of the candidate's
    build in folder), kept in the folder: the first difference, or None when there is none or
    either side cannot preprocess it (then the result says why)."""
    key = entry.get("key", "")
    with pb.locked(folder, ".preprocessed.lock"):
        try:
            known = json.loads((folder / CACHE).read_text())
        except (OSError, ValueError):
            known = {}
        if not isinstance(known, dict):
            known = {}
        if key in known:
            return known[key]
        result = _compare(folder, entry, tools)
        known[key] = result
        pb.write_json(folder / CACHE, known)
        return result


def _compare(folder: Path, entry: dict, tools: pb.Toolset) -> dict | None:
    tree = str((folder / "tree").resolve())
    cwd = os.path.normpath(os.path.join(tree, entry.get("cwd", ".")))
    src = os.path.join(tree, entry["tu"])
    if not os.path.isfile(src) or not os.path.isdir(cwd):
        return {"kind": "", "why": "the TU is not in the candidate's tree any more"}
    argv = _argv(entry, tree)
    out = {who: _preprocess(tools, who, argv, src, cwd, folder) for who in ("cand", "ref")}
    if out["ref"] is None:
        return {"kind": "", "why": "GCC does not preprocess the TU alone"}
    if out["cand"] is None:
        return {"kind": "", "why": "the candidate does not preprocess the TU (-E)"}
    cand, ref = lines_of(out["cand"], tree, cwd), lines_of(out["ref"], tree, cwd)
    if not cand and ref:
        return {"kind": "", "why": "the candidate's -E output has no line markers naming the tree's files"}
    diff = first_difference(cand, ref)
    if diff is None:
        return None
    (name, line), ctoks, rtoks, only = diff
    try:
        with open(os.path.join(tree, name), encoding="latin-1") as f:
            source = f.read().split("\n")[line - 1].strip() if line >= 1 else ""
    except (OSError, IndexError):
        source = ""
    ref_defs = definitions(_preprocess(tools, "ref", argv, src, cwd, folder, ("-dM",)) or "")
    cand_dm = _preprocess(tools, "cand", argv, src, cwd, folder, ("-dM",))
    cand_defs = definitions(cand_dm) if cand_dm and DEFINE.search(cand_dm) else None
    kind, macro = classify(ctoks, rtoks, set(IDENT.findall(source)) | set(IDENT.findall(" ".join(rtoks))),
                           ref_defs, cand_defs)
    return {"kind": kind, "macro": macro, "file": name, "line": line, "source": source[:300],
            "candidate": _shown(ctoks, rtoks)[:300], "reference": _shown(rtoks, ctoks)[:300],
            "one_sided_lines": only, "tu": entry["tu"]}


def summary(result: dict) -> str:
    """One line of what differs, for a reason and a task."""
    where = f"{result['file']}:{result['line']}"
    macro = f" ({result['macro']})" if result.get("macro") else ""
    return (f"{where}: `{result['source']}` preprocesses to `{result['candidate']}` by the candidate, "
            f"`{result['reference']}` by GCC{macro}")
