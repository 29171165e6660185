"""The container images, one per arch: their definition in containers/, tag, build and list.

A tag carries a hash of its definition (`oracle-aarch64:3f9c0a1b2c4d`): change a package
list and the next run asks for a new image. Toolchain versions are image labels, copied
into results.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from oracle import PACKAGE
from oracle.infra.backends.engine import EngineError, docker, require_engine
from oracle.model.errors import UsageError
from oracle.config.targets import TARGETS

CONTAINERS = (PACKAGE / "_data" / "containers").resolve()  # ./containers, or a wheel's copy
SHARED = ("trim.sh", "build-rootfs.sh")
BUILD_HINT = "oracle images build --offline"
LABEL_PREFIX = "org.oracle."
# The package whose version each label records, per arch.
VERSION_PACKAGES = {
    "x86_64": {"gcc": "gcc-12", "libc": "libc6-dev", "tcc": "tcc", "python": "python3-minimal"},
    "aarch64": {"gcc": "gcc-12-aarch64-linux-gnu", "libc": "libc6-dev-arm64-cross", "qemu": "qemu-user",
                "python": "python3-minimal"},
    "riscv64": {"gcc": "gcc-12-riscv64-linux-gnu", "libc": "libc6-dev-riscv64-cross", "qemu": "qemu-user",
                "python": "python3-minimal"},
    "i686": {"gcc": "gcc-12-i686-linux-gnu", "libc": "libc6-dev-i386-cross", "python": "python3-minimal"},
}


def defined_arches() -> list[str]:
    """The arches with an image definition (containers/ARCH/), in TARGETS order."""
    return [a for a in TARGETS if (CONTAINERS / a / "packages").is_file()]


def definition(arch: str) -> list[Path]:
    d = CONTAINERS / arch
    if not d.is_dir():
        raise UsageError(f"no image definition for {arch} in {CONTAINERS}: oracle must run from its source tree")
    return sorted(p for p in d.iterdir() if p.is_file()) + [CONTAINERS / f for f in SHARED]


def definition_hash(arch: str) -> str:
    h = hashlib.sha256()
    for path in definition(arch):
        h.update(path.relative_to(CONTAINERS).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def tag(arch: str) -> str:
    repo = os.environ.get("ORACLE_IMAGE_REPO", "oracle")
    return f"{repo}-{arch}:{definition_hash(arch)}"


def inspect(ref: str) -> dict | None:
    try:
        data = json.loads(docker("image", "inspect", ref, timeout=30))
    except (EngineError, ValueError):
        return None
    return data[0] if data else None


def record(arch: str) -> dict:
    """What results.json says about an arch's image; UsageError when it is not built."""
    ref = tag(arch)
    info = inspect(ref)
    if info is None:
        raise UsageError(f"no image {ref} for {arch}: run '{BUILD_HINT}'")
    labels = (info.get("Config") or {}).get("Labels") or {}
    return {"tag": ref, "id": info["Id"], "created": info.get("Created", ""),
            "versions": {k[len(LABEL_PREFIX):]: v for k, v in sorted(labels.items())
                         if k.startswith(LABEL_PREFIX) and k != LABEL_PREFIX + "definition"}}


def build(arch: str, offline: bool, force: bool = False, log=print) -> str:
    require_engine()
    ref = tag(arch)
    if not force and inspect(ref) is not None:
        log(f"{ref}: already built")
        return ref
    if arch not in TARGETS:
        raise UsageError(f"unknown arch {arch!r}: known arches are {', '.join(TARGETS)}")
    (_build_offline if offline else _build_dockerfile)(arch, ref, log)
    log(f"{ref}: built")
    return ref


def _labels(arch: str, versions: dict[str, str]) -> dict[str, str]:
    return {LABEL_PREFIX + "definition": definition_hash(arch), LABEL_PREFIX + "arch": arch,
            **{LABEL_PREFIX + k: v for k, v in versions.items()}}


def _build_offline(arch: str, ref: str, log) -> None:
    for tool in ("debootstrap", "tar"):
        if shutil.which(tool) is None:
            raise UsageError(f"no {tool}: run 'make setup' (apt-get install {tool})")
    if os.geteuid() != 0:
        raise UsageError("the offline image build runs debootstrap, which needs root: run it with sudo")
    work = Path(tempfile.mkdtemp(prefix=f"oracle-image-{arch}-", dir=os.environ.get("ORACLE_IMAGE_TMP", "/var/tmp")))
    root = work / "root"
    try:
        log(f"{ref}: debootstrap into {root} (about a minute)")
        subprocess.run(["bash", str(CONTAINERS / "build-rootfs.sh"), arch, str(root)], check=True)
        versions = {k: _dpkg_version(root, pkg) for k, pkg in VERSION_PACKAGES[arch].items()}
        changes = [f"LABEL {k}={json.dumps(v)}" for k, v in _labels(arch, versions).items()]
        changes += ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["sleep", "infinity"]']
        log(f"{ref}: docker import")
        tar = subprocess.Popen(["tar", "-C", str(root), "--numeric-owner", "-c", "."], stdout=subprocess.PIPE)
        args = ["docker", "import", *(x for c in changes for x in ("--change", c)), "-", ref]
        imp = subprocess.run(args, stdin=tar.stdout, capture_output=True)
        tar.stdout.close()
        if tar.wait() != 0 or imp.returncode != 0:
            raise EngineError(f"docker import failed: {imp.stderr.decode(errors='replace').strip()[-300:]}")
    except subprocess.CalledProcessError as exc:
        raise EngineError(f"building the {arch} root folder failed ({exc})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _dpkg_version(root: Path, package: str) -> str:
    res = subprocess.run(["dpkg-query", f"--admindir={root}/var/lib/dpkg", "-W", "-f", "${Version}", package],
                         capture_output=True, text=True)
    return res.stdout.strip() or "?"


def _build_dockerfile(arch: str, ref: str, log) -> None:
    """The registry route: `docker build` from debian:bookworm-slim, then the version labels on top."""
    log(f"{ref}: docker build -f containers/{arch}/Dockerfile")
    plain = f"{ref}-unlabelled"
    # Host networking for apt-get in the build: engines started with --bridge=none (like
    # containers/start-dockerd.sh's) have no other network to give a build step.
    subprocess.run(["docker", "build", "-q", "--network", "host", "-t", plain, "-f",
                    str(CONTAINERS / arch / "Dockerfile"), str(CONTAINERS)], check=True)
    pkgs = list(VERSION_PACKAGES[arch].values())
    out = docker("run", "--rm", "--network", "none", plain, "dpkg-query", "-W", "-f", "${Package} ${Version}\n",
                 *pkgs, check=False)
    found = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    versions = {k: found.get(p, "?") for k, p in VERSION_PACKAGES[arch].items()}
    labels = "".join(f" {k}={json.dumps(v)}" for k, v in _labels(arch, versions).items())
    docker("build", "-q", "-t", ref, "-", input=f"FROM {plain}\nLABEL{labels}\n".encode(), timeout=300)
    docker("rmi", plain, check=False)


def listing() -> list[dict]:
    """Every oracle image the engine holds, current or not."""
    require_engine()
    out = docker("images", "--format", "{{json .}}", "--filter", "label=" + LABEL_PREFIX + "arch", timeout=30)
    rows = []
    for line in out.splitlines():
        img = json.loads(line)
        ref = f"{img['Repository']}:{img['Tag']}"
        info = inspect(ref) or {}
        labels = (info.get("Config") or {}).get("Labels") or {}
        arch = labels.get(LABEL_PREFIX + "arch", "?")
        current = arch in TARGETS and ref == tag(arch)
        rows.append({"tag": ref, "arch": arch, "size": img.get("Size", "?"), "current": current,
                     "versions": {k[len(LABEL_PREFIX):]: v for k, v in labels.items()
                                  if k.startswith(LABEL_PREFIX) and k not in (LABEL_PREFIX + "arch",)}})
    return rows
