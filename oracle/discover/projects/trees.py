"""What a source (or recipe data) tree is for oracle: its files' bytes, less oracle's own folders.

A run's --out, the history, scratch folders or the cache may sit inside a recipe's source.dir:
what oracle writes there must not make the tree a new one (a new reference build per case)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from oracle.discover.corpus import cache_root

# Folders oracle writes (a run's --out holds its lock, scratch folders theirs, `.oracle/` holds
# runs and history): a source.dir that holds one is not a new tree each time oracle writes there.
OWN_DIRS = (".oracle",)
OWN_MARKS = (".oracle-run.lock", ".oracle-lock")


def own_folder(path: str | Path) -> bool:
    """True when path is a folder oracle writes (a run's output, scratch, the cache)."""
    path = Path(path)
    if path.name in OWN_DIRS or any((path / m).exists() for m in OWN_MARKS):
        return True
    try:
        return path.resolve() == cache_root().resolve()
    except OSError:
        return False


def ignore_own(folder: str, names: list[str]) -> set[str]:
    """shutil.copytree's ignore: leave oracle's own folders out of a copy of a source tree."""
    return {n for n in names if own_folder(os.path.join(folder, n)) and not os.path.islink(os.path.join(folder, n))}


def tree_hash(tree: Path) -> str:
    h = hashlib.sha256()
    files = []
    for dirpath, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if not own_folder(os.path.join(dirpath, d))]
        files += [os.path.join(dirpath, n) for n in names]
    for f in sorted(files):
        if os.path.isfile(f) and not os.path.islink(f):
            with open(f, "rb") as fh:
                h.update(os.path.relpath(f, tree).encode() + b"\0" + fh.read())
    return h.hexdigest()
