"""The shape of the package: no import circles, and a README layout that names every module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "oracle"


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    out = {}
    for f in package.rglob("*.py"):
        parts = list(f.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the package's modules it imports, anywhere in its body (function-level and
    TYPE_CHECKING imports included: a circle there is still a circle in the design)."""
    mods = modules(package)
    top = package.name

    def owner(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, f in mods.items():
        base = m.split(".") if f.name == "__init__.py" else m.split(".")[:-1]
        for node in ast.walk(ast.parse(f.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mod = ".".join(base[: len(base) - node.level + 1] + [node.module or ""]).strip(".") \
                    if node.level else (node.module or "")
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in mods else mod for a in node.names]
            for t in targets:
                if t.split(".")[0] == top and (o := owner(t)) and o != m:
                    graph[m].add(o)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    assert cycles(import_graph()) == []


def test_the_check_finds_a_circle(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from .c import g\n")
    (pkg / "c.py").write_text("from pkg.a import x\n")
    assert cycles(import_graph(pkg)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_readme_layout_names_every_module_and_only_real_ones():
    text = (ROOT / "README.md").read_text()
    block = text[text.index("## Layout"):]
    block = block[block.index("```") + 3:]
    block = block[: block.index("```")]
    words = set(re.findall(r"[A-Za-z_]\w*", block))
    stems = {f.stem for f in PACKAGE.rglob("*.py") if f.name != "__init__.py"}
    assert sorted(stems - words) == []  # every module is in the layout
    named = set(re.findall(r"([A-Za-z_]\w*)\.py\b", block))
    assert sorted(named - stems) == []  # and the layout names no module that is gone


def function_imports(path: Path) -> int:
    """Import statements inside function bodies (not the module's own, nor TYPE_CHECKING ones)."""
    def count(node: ast.AST, inside: bool) -> int:
        here = inside and isinstance(node, (ast.Import, ast.ImportFrom))
        inside = inside or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        return here + sum(count(c, inside) for c in ast.iter_child_nodes(node))

    return count(ast.parse(path.read_text()), False)


def test_imports_sit_at_the_top_outside_the_cli():
    # The CLI's commands load their stages when they run (so `oracle --help` imports
    # nothing heavy); elsewhere a function-level import needs a measured reason, and two at most.
    over = {m: n for m, f in modules().items()
            if m != "oracle.cli.commands" and (n := function_imports(f)) > 2}
    assert over == {}


def test_the_import_count_sees_nested_functions(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("import os\nif x:\n    import y\ndef f():\n    import a\n    def g():\n        from b import c\n"
                 "class K:\n    def m(self):\n        import d\n")
    assert function_imports(f) == 3  # a, c (once), d; never the module's own


# The stages in the order a case meets them; model/, config/ and infra/ are what they all share.
FLOW = ["discover", "judge", "engine", "report", "feed"]
SHARED = ["model", "config", "infra"]
SHELL = ["cli"]  # the command line: above every stage


def test_readme_layout_lists_every_package_in_flow_order():
    text = (ROOT / "README.md").read_text()
    block = text[text.index("## Layout"):]
    block = block[block.index("```") + 3:]
    block = block[: block.index("```")]
    listed = re.findall(r"^  ([a-z_]+)/", block, re.M)  # the packages, one level under oracle/
    real = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert sorted(listed) == real == sorted(FLOW + SHARED + SHELL)
    assert [p for p in listed if p in FLOW] == FLOW


def test_the_recorder_journals_and_locks_only():
    # Reports, history and the exit status are the run's end's (engine/ending.py), never the journal's.
    writers = {"oracle.report.json_report", "oracle.report.junit", "oracle.report.errors_log",
               "oracle.report.history", "oracle.feed.gate", "oracle.feed.tasks"}
    assert import_graph()["oracle.engine.journal"] & writers == set()
    source = (PACKAGE / "engine" / "journal.py").read_text()
    assert "exit_code" not in source and "EXIT_" not in source
