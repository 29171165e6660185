"""Where test corpora live, and fetching GCC's torture tests from a source tree or tarball."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from oracle import PACKAGE
from oracle.model.errors import CorpusMissing, UsageError

TORTURE_REL = "gcc/testsuite/gcc.c-torture/execute"
# The corpora shipped with oracle: in a source tree oracle/_data/corpora links to ./corpora, in a wheel
# it is that folder's copy (package data).
REPO_CORPORA = (PACKAGE / "_data" / "corpora").resolve()


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "oracle"


def torture_dir() -> Path:
    """The fetched torture tests (the folder holding the .c files, builtins/ and ieee/)."""
    return Path(os.environ.get("ORACLE_TORTURE_DIR") or cache_root() / "corpora" / "torture")


def require_torture() -> Path:
    d = torture_dir()
    if not (d / "builtins").is_dir():
        raise CorpusMissing(f"the torture suite is not fetched into {d}: run 'oracle corpus fetch torture' "
                            "(make setup does it)")
    return d


def find_tarball() -> Path | None:
    """Debian's gcc-N-source ships the GCC source as /usr/src/gcc-N/gcc-*.tar.xz; the newest wins."""
    found = sorted(glob.glob("/usr/src/gcc-*/gcc-*.tar.*"), key=lambda p: [int(x) if x.isdigit() else 0
                   for x in Path(p).parent.name.split("-")[1:]])
    return Path(found[-1]) if found else None


def fetch_torture(source: Path | None = None, force: bool = False) -> tuple[Path, str]:
    """Put the torture tests in torture_dir(); returns (where, a line saying what happened)."""
    dest = torture_dir()
    if (dest / "builtins").is_dir() and not force:
        return dest, f"torture suite already in {dest} ({_origin(dest)})"
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".torture-", dir=dest.parent))
    try:
        if source is not None:
            origin = _copy_tree(source, staging)
        else:
            origin = _extract_tarball(staging)
        (staging / "ORIGIN").write_text(origin + "\n")
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)  # atomic: a half-fetched corpus is never seen
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    n = sum(1 for _ in dest.rglob("*.c"))
    return dest, f"torture suite fetched into {dest}: {n} .c files from {origin}"


def _origin(dest: Path) -> str:
    try:
        return (dest / "ORIGIN").read_text().strip()
    except OSError:
        return "origin unknown"


def _copy_tree(source: Path, staging: Path) -> str:
    source = source.resolve()
    for cand in (source / TORTURE_REL, source / "gcc.c-torture" / "execute", source):
        if (cand / "builtins").is_dir() and any(cand.glob("*.c")):
            shutil.copytree(cand, staging, dirs_exist_ok=True)
            return str(cand)
    raise UsageError(f"no gcc.c-torture/execute folder in {source}: pass --from a GCC source tree")


def _extract_tarball(staging: Path) -> str:
    tarball = find_tarball()
    if tarball is None:
        raise CorpusMissing("no GCC source tarball under /usr/src: apt-get install gcc-12-source "
                            "(make setup does it), or pass --from DIR with a GCC source tree")
    with tempfile.TemporaryDirectory(dir=staging.parent) as tmp:
        res = subprocess.run(["tar", "-xf", str(tarball), "-C", tmp, "--wildcards", f"*/{TORTURE_REL}/*"],
                             capture_output=True)
        found = list(Path(tmp).glob(f"*/{TORTURE_REL}"))
        if res.returncode != 0 or not found:
            err = res.stderr.decode(errors="replace").strip().splitlines()
            raise CorpusMissing(f"could not extract the torture tests from {tarball}: {err[-1] if err else res.returncode}")
        shutil.copytree(found[0], staging, dirs_exist_ok=True)
    return str(tarball)
