"""Fetching a project's source once: a pinned Debian source package (`apt-get source`, then
`dpkg-source -x`, which checks the files against the .dsc's checksums) or a local tree
(`--from DIR`), unpacked into `$XDG_CACHE_HOME/oracle/projects/src/<name>/`. Runs work offline
after that: they only read the cached tree (each build copies it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from oracle.discover.corpus import cache_root
from oracle.model.errors import CorpusMissing, UsageError
from oracle.discover.projects.recipe import Recipe, load, names
from oracle.discover.projects.trees import ignore_own, tree_hash


def src_root() -> Path:
    return cache_root() / "projects" / "src"


def tree_of(recipe: Recipe) -> Path:
    return src_root() / recipe.name / "tree"


def wanted_origin(recipe: Recipe) -> str | None:
    return f"debian {recipe.package}={recipe.version}" if recipe.package else None


def origin(recipe: Recipe) -> str | None:
    try:
        return (src_root() / recipe.name / "ORIGIN").read_text().strip()
    except OSError:
        return None


def require(recipe: Recipe) -> tuple[Path, str]:
    """(the unpacked tree, its origin line: part of every build's key); CorpusMissing if not fetched."""
    if recipe.local_dir is not None:
        if not recipe.local_dir.is_dir():
            raise CorpusMissing(f"{recipe.path}: source.dir {recipe.local_dir} is not a folder")
        return recipe.local_dir, f"dir {recipe.local_dir} {tree_hash(recipe.local_dir)[:16]}"
    got = origin(recipe)
    want = wanted_origin(recipe)
    fix = f"run 'oracle corpus fetch project {recipe.name}'"
    if got is None or not tree_of(recipe).is_dir():
        raise CorpusMissing(f"project {recipe.name} is not fetched: {fix} (make setup does it)")
    if want is not None and got != want and not got.startswith("local "):
        raise CorpusMissing(f"project {recipe.name}: the cache holds {got}, the recipe wants {want}: {fix} --force")
    return tree_of(recipe), got


def fetch(recipe: Recipe, from_dir: Path | None = None, force: bool = False) -> str:
    """Put recipe's source in the cache; returns a line saying what happened."""
    if recipe.local_dir is not None and from_dir is None:
        return f"project {recipe.name} builds from {recipe.local_dir} (source.dir): nothing to fetch"
    dest = src_root() / recipe.name
    want = wanted_origin(recipe)
    got = origin(recipe)
    if not force and from_dir is None and got is not None and (got == want or want is None):
        return f"project {recipe.name} already in {dest} ({got})"
    if from_dir is None and want is None:
        raise UsageError(f"{recipe.path} names no Debian package: fetch it with --from DIR")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{recipe.name}-", dir=dest.parent))
    try:
        if from_dir is not None:
            line = _copy(from_dir, staging / "tree")
        else:
            line = _apt_source(recipe, staging)
        (staging / "ORIGIN").write_text(line + "\n")
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)  # a half-fetched tree is never seen
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return f"project {recipe.name} fetched into {dest} ({line})"


def _copy(source: Path, tree: Path) -> str:
    source = source.resolve()
    if not source.is_dir():
        raise UsageError(f"--from {source}: not a folder; pass the project's source tree")
    shutil.copytree(source, tree, symlinks=True, ignore=ignore_own)
    return f"local {source} sha256:{tree_hash(tree)[:16]}"


def _apt_source(recipe: Recipe, staging: Path) -> str:
    dl = staging / "download"
    dl.mkdir()
    spec = f"{recipe.package}={recipe.version}"
    res = subprocess.run(["apt-get", "source", "--download-only", "-qq", spec], cwd=dl, capture_output=True,
                         timeout=600, env={**os.environ, "LC_ALL": "C"})
    dscs = list(dl.glob("*.dsc"))
    if res.returncode != 0 or len(dscs) != 1:
        err = [line for line in res.stderr.decode(errors="replace").splitlines() if line.startswith("E:")]
        hint = "make setup adds the deb-src entry apt needs" if any("deb-src" in e or "source" in e.lower()
                                                                    for e in err) else "check the version pin"
        raise CorpusMissing(f"apt-get source {spec} failed: {err[-1] if err else res.returncode} ({hint})")
    # dpkg-source -x checks every file against the .dsc's checksums (sizes, SHA-256): a wrong or
    # truncated download fails here.
    res = subprocess.run(["dpkg-source", "-x", str(dscs[0]), str(staging / "tree")],
                         cwd=dl, capture_output=True, timeout=600)
    if res.returncode != 0:
        err = res.stderr.decode(errors="replace").strip().splitlines()
        raise CorpusMissing(f"dpkg-source -x {dscs[0].name} failed: {err[-1] if err else res.returncode}")
    shutil.rmtree(dl)
    return wanted_origin(recipe)


def fetch_projects(name: str | None, from_dir: Path | None, force: bool):
    """`oracle corpus fetch project NAME|all`: a line per project."""
    if not name:
        raise UsageError("oracle corpus fetch project needs a NAME or all: " + ", ".join(names()))
    if name == "all" and from_dir is not None:
        raise UsageError("--from DIR fetches one project: name it instead of 'all'")
    for n in names() if name == "all" else [name]:
        yield fetch(load(n), from_dir, force)
