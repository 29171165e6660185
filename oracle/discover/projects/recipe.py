"""Project recipes: `corpora/projects/<name>.toml`, read with tomllib and checked once.

A recipe says where the source comes from (a pinned Debian source package), how to configure
and build it with a given CC/CFLAGS (natively, or cross for aarch64), and its named tests (the
project's own checks and differential workloads). A bad recipe is one RecipeError line (exit 2).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from oracle.discover.corpus import REPO_CORPORA
from oracle.model.errors import RecipeError
from oracle.config.targets import TARGETS
from oracle.discover.projects.trees import tree_hash

RECIPES = REPO_CORPORA / "projects"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ARCHES = tuple(TARGETS)


@dataclass(frozen=True, slots=True)
class Test:
    name: str
    run: str  # a shell command, run in the built tree
    timeout: float = 30.0  # seconds (x4 under qemu)
    unsupported: dict[str, str] = field(default_factory=dict)  # arch -> why


@dataclass(frozen=True, slots=True)
class Recipe:
    name: str
    path: Path
    package: str | None  # Debian source package
    version: str | None  # its pinned version
    configure: str
    build: str
    cflags: str = ""
    reference_opt: str = "-O2"
    env: dict[str, str] = field(default_factory=dict)
    unsupported: dict[str, str] = field(default_factory=dict)  # arch -> why the project cannot be built there
    tests: tuple[Test, ...] = ()
    local_dir: Path | None = None  # source.dir: a tree next to the recipe, used as it is (no fetch)
    # build.budget: the most seconds a run spends on this recipe per arch and opt level (its
    # candidate build, tests and bisections; x the arch's slowdown under qemu); None: no limit.
    budget: float | None = None

    @property
    def data_dir(self) -> Path:
        """The recipe's own inputs (scripts, data files): corpora/projects/<name>/."""
        return self.path.parent / self.name

    def test(self, name: str) -> Test:
        for t in self.tests:
            if t.name == name:
                return t
        raise RecipeError(f"{self.path}: no test named {name!r}")

    def digest(self) -> str:
        """The recipe and every file of its data folder: what a build and its tests depend on."""
        h = hashlib.sha256(self.path.read_bytes())
        if self.data_dir.is_dir():
            h.update(tree_hash(self.data_dir).encode())
        return h.hexdigest()


def names(root: Path = RECIPES) -> list[str]:
    return sorted(p.stem for p in root.glob("*.toml"))


def load(name: str, root: Path = RECIPES) -> Recipe:
    """The recipe called name (RecipeError when there is none, or it is not valid)."""
    if name.endswith(".toml"):
        return load_path(Path(name).resolve())
    if not _NAME.match(name):
        raise RecipeError(f"{name!r} is not a project name: use one of {', '.join(names(root)) or '(none)'}")
    path = root / f"{name}.toml"
    if not path.is_file():
        raise RecipeError(f"no recipe {path}: known projects are {', '.join(names(root)) or '(none)'}")
    return load_path(path)


def load_path(path: Path) -> Recipe:
    try:
        data = tomllib.loads(path.read_text())
    except OSError as exc:
        raise RecipeError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RecipeError(f"{path}: not valid TOML ({exc}): fix the recipe") from None
    return parse(data, path)


def parse(data: dict, path: Path) -> Recipe:
    where = str(path)

    def fail(what: str) -> RecipeError:
        return RecipeError(f"{where}: {what}: fix the recipe (see README, Projects)")

    def table(d: dict, key: str, required: bool = True) -> dict:
        v = d.get(key, None if required else {})
        if not isinstance(v, dict):
            raise fail(f"[{key}] is missing" if v is None else f"[{key}] must be a table")
        return v

    def string(d: dict, key: str, ctx: str, default: str | None = None) -> str:
        v = d.get(key, default)
        if not isinstance(v, str):
            raise fail(f"{ctx}{key} is missing" if v is None else f"{ctx}{key} must be a string")
        return v

    def seconds(d: dict, key: str, ctx: str, default: float | None) -> float | None:
        v = d.get(key, default)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < float("inf")):
            raise fail(f"{ctx}{key} must be a positive, finite number of seconds")
        return None if v is None else float(v)

    def str_map(d: dict, key: str, ctx: str, keys: tuple[str, ...] | None = None) -> dict[str, str]:
        v = d.get(key, {})
        if not isinstance(v, dict) or not all(isinstance(k, str) and isinstance(x, str) for k, x in v.items()):
            raise fail(f"{ctx}{key} must be a table of strings")
        bad = [k for k in v if keys is not None and k not in keys]
        if bad:
            raise fail(f"{ctx}{key} names {bad[0]!r}, not an arch ({', '.join(keys)})")
        return dict(v)

    known = {"name", "source", "build", "tests", "unsupported"}
    extra = sorted(set(data) - known)
    if extra:
        raise fail(f"unknown key {extra[0]!r} (known: {', '.join(sorted(known))})")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not _NAME.match(name) or name != path.stem:
        raise fail(f"name must be the file's stem {path.stem!r}")
    source = table(data, "source")
    package = source.get("package")
    version = source.get("version")
    local_dir = None
    if "dir" in source:
        local_dir = (path.parent / string(source, "dir", "source.")).resolve()
    elif package is not None or version is not None:
        package, version = string(source, "package", "source."), string(source, "version", "source.")
    else:
        raise fail("[source] needs package and version (a Debian source package), or dir")
    build = table(data, "build")
    unknown = sorted(set(build) - {"configure", "build", "cflags", "reference_opt", "env", "budget"})
    if unknown:
        raise fail(f"unknown key build.{unknown[0]}")
    budget = seconds(build, "budget", "build.", None)
    tests_data = data.get("tests")
    if not isinstance(tests_data, list) or not tests_data or not all(isinstance(t, dict) for t in tests_data):
        raise fail("[[tests]] is missing: a recipe needs at least one test")
    tests, seen = [], set()
    for i, t in enumerate(tests_data):
        ctx = f"tests[{i}]."
        unknown = sorted(set(t) - {"name", "run", "timeout", "unsupported"})
        if unknown:
            raise fail(f"unknown key {ctx}{unknown[0]}")
        tname = string(t, "name", ctx)
        if not _NAME.match(tname) or tname in seen:
            raise fail(f"{ctx}name {tname!r} must be unique and made of letters, digits, '.', '_', '-'")
        seen.add(tname)
        timeout = seconds(t, "timeout", ctx, 30.0)
        tests.append(Test(tname, string(t, "run", ctx), timeout, str_map(t, "unsupported", ctx, ARCHES)))
    return Recipe(name, path, package, version, string(build, "configure", "build.", ""),
                  string(build, "build", "build."), string(build, "cflags", "build.", ""),
                  string(build, "reference_opt", "build.", "-O2"), str_map(build, "env", "build."),
                  str_map(data, "unsupported", "", ARCHES), tuple(tests), local_dir, budget)
