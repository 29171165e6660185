"""The projects suite: each named test of each recipe (corpora/projects/*.toml) is one case per
arch and candidate opt level (`project/zlib/minigzip-roundtrip@x86_64-O0`). `--suite projects`
runs every recipe, `--suite project:zlib,lua` some. The source must be fetched first
(`oracle corpus fetch project NAME|all`): opening the suite checks it, so runs work offline."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from oracle.model.errors import SuiteError
from oracle.model.case import Case, case_id
from oracle.discover.projects import recipe as R
from oracle.discover.projects import sources

PROJECT = "project"  # the suite name every project case carries


class ProjectSuite:
    def __init__(self, names: list[str], root: Path = R.RECIPES):
        self.name = "projects"
        recipes = {}  # by file: one recipe named twice (zlib, corpora/projects/zlib.toml) is one
        for n in names:
            r = R.load(n, root)
            recipes.setdefault(r.path.resolve(), r)
        self.recipes = list(recipes.values())
        by_name: dict[str, R.Recipe] = {}
        for r in self.recipes:
            other = by_name.setdefault(r.name, r)
            if other is not r:  # their cases would have one id: one of them would vanish from the run
                raise SuiteError(f"two recipes are named {r.name!r} ({other.path} and {r.path}): "
                                 "rename one (a recipe's name is its file's stem)")
        for r in self.recipes:
            sources.require(r)

    @classmethod
    def open(cls, spec: str) -> "ProjectSuite":
        if spec == "projects":
            names = R.names()
            if not names:
                raise SuiteError(f"no recipes in {R.RECIPES}")
        else:
            names = [n.strip() for n in spec.partition(":")[2].split(",") if n.strip()]
            if not names:
                raise SuiteError("--suite project:NAME[,NAME] needs at least one project name")
        return cls(list(dict.fromkeys(names)))

    def cases(self, arches: tuple[str, ...], opts: tuple[str, ...]) -> Iterator[Case]:
        for recipe in self.recipes:
            for test in recipe.tests:
                name = f"{recipe.name}/{test.name}"
                for arch in arches:
                    why = recipe.unsupported.get(arch) or test.unsupported.get(arch)
                    for opt in opts:
                        yield Case(case_id(PROJECT, name, arch, opt), PROJECT, name, arch, opt, (str(recipe.path),),
                                   ref_opts=(recipe.reference_opt,), unsupported=why)


def canonical(spec: str) -> str:
    """The spec with recipe file paths made absolute (a run is re-judged from anywhere)."""
    if spec == "projects":
        return spec
    names = [n.strip() for n in spec.partition(":")[2].split(",") if n.strip()]
    return "project:" + ",".join(str(Path(n).resolve()) if n.endswith(".toml") else n for n in names)


def is_projects(spec: str) -> bool:
    return spec == "projects" or spec.startswith("project:")


def recipe_of(case: Case) -> tuple[R.Recipe, R.Test]:
    """The recipe and test a project case names (its recipe file is its one source)."""
    recipe = R.load_path(Path(case.sources[0]))
    return recipe, recipe.test(case.test.partition("/")[2])
