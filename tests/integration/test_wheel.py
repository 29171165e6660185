"""The built wheel, installed in a fresh virtualenv, is a working oracle: everything read at run time
(the smoke corpus, project recipes, container definitions) ships as package data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from ..conftest import needs_tcc

REPO = Path(__file__).resolve().parents[2]


def _copy_tree(dest: Path) -> None:
    """The files of the working tree git would see (tracked or not ignored): no build/, no .venv, so the
    wheel is built from the sources alone and this tree is left untouched."""
    names = subprocess.run(["git", "-C", str(REPO), "ls-files", "-co", "--exclude-standard", "-z"],
                           capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, names):
        src, dst = REPO / os.fsdecode(name), dest / os.fsdecode(name)
        if not src.is_symlink() and not src.exists():
            continue  # deleted but not yet committed
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    _copy_tree(tmp / "src")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
                            str(tmp / "src")], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp / "dist").glob("oracle-*.whl")
    venv.create(tmp / "venv", with_pip=True)
    pip = subprocess.run([str(tmp / "venv" / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True,
                         text=True, timeout=600)
    assert pip.returncode == 0, pip.stderr
    return tmp


def test_the_wheel_holds_the_run_time_files(installed):
    [wheel] = (installed / "dist").glob("oracle-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    smoke = {p.relative_to(REPO / "corpora").as_posix() for p in (REPO / "corpora" / "smoke").rglob("*") if p.is_file()}
    assert smoke and {f"oracle/_data/corpora/{n}" for n in smoke} <= names
    assert "oracle/_data/containers/x86_64/packages" in names and "oracle/_data/containers/build-rootfs.sh" in names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = [ln for ln in metadata.splitlines() if ln.startswith("Requires-Dist:")]
    assert len(requires) == len(set(ln.split(";")[0].split(">")[0] for ln in requires))  # no package twice


@needs_tcc
def test_a_fresh_virtualenv_runs_the_smoke_suite(installed, tmp_path):
    bin_dir = installed / "venv" / "bin"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run([str(bin_dir / "python"), "-c", "import oracle, oracle.infra.images as i, oracle.discover.corpus as c; "
                            "print(oracle.__file__); print(i.CONTAINERS); print(c.REPO_CORPORA)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    pkg, containers, corpora = where.stdout.split()
    assert str(installed / "venv") in pkg and not pkg.startswith(str(REPO))  # the wheel's copy, not this tree
    assert Path(containers, "x86_64", "packages").is_file() and Path(corpora, "smoke").is_dir()
    res = subprocess.run([str(bin_dir / "oracle"), "run", "--compiler", "tcc", "--suite", "smoke", "-j", "2",
                          "--out", str(tmp_path / "out"), "--no-history", "--no-cache"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=900, stdin=subprocess.DEVNULL)
    assert res.returncode in (0, 1), res.stdout + res.stderr
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert len(doc["cases"]) > 10 and {c["suite"] for c in doc["cases"]} == {"smoke"}
    assert all(c["verdict"] != "infra-error" for c in doc["cases"]), res.stdout
