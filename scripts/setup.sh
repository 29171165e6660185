#!/usr/bin/env bash
# Idempotent machine setup: Debian packages, the .venv, and the torture corpus.
# (The Docker engine and the images: `make images`.)
# Safe to run again: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  gcc make python3-venv dpkg-dev git
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  gcc-i686-linux-gnu libc6-dev-i386-cross
  redis-server
  tcc gcc-12-source bubblewrap chromium
  csmith libcsmith-dev
  cvise
  clang   # a runtime failure's third opinion (does clang build it like the candidate?)
  strace  # the candidate compiler's identity: the files one compile runs and reads
  docker.io cgroupfs-mount debootstrap
  tcl8.6 tcl8.6-dev  # sqlite (tclsh writes its sources, testfixture links Tcl), redis (its test suite)
  autoconf automake libtool patch  # recipes whose Debian source has configure.ac only (libsodium, libyaml, doom, cpython)
  cmake  # json-c, cjson (CMake builds)
  libsdl2-dev freedoom  # doom: chocolate-doom's one build dependency, and the WADs whose demos it plays
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# deb-src entries, so `apt-get source` works for the project recipes (corpora/projects/).
bash scripts/deb-src.sh

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.oracle-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing oracle into .venv"
  .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
  touch "$stamp"
fi

.venv/bin/oracle corpus fetch torture --quiet
.venv/bin/oracle corpus fetch project all --quiet
echo "setup: done"
