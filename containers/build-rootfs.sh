#!/usr/bin/env bash
# The offline route to an image, for engines that cannot pull from a registry: debootstrap
# a minimal Debian bookworm with the arch's packages into a folder, and trim it. Then
#   tar -C DIR -c . | docker import - TAG        (what `oracle images build --offline` does)
# Usage: build-rootfs.sh ARCH DIR   (needs root and a Debian mirror: ORACLE_DEBIAN_MIRROR)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
arch=${1:?arch: x86_64, aarch64, riscv64 or i686}; dir=${2:?target folder}
mirror=${ORACLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${ORACLE_DEBOOTSTRAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oracle/debootstrap}
packages=$(grep -v '^#' "$here/$arch/packages" | paste -sd, -)
mkdir -p "$cache" "$dir"
# debootstrap mounts /proc and /sys inside the folder; a failed run can leave them there.
cleanup() { for m in proc sys dev/pts; do mountpoint -q "$dir/$m" 2>/dev/null && umount -l "$dir/$m"; done; true; }
trap cleanup EXIT
# The host's arch (amd64): the other arches' images hold x86-64 cross tools (and qemu), not native ones.
debootstrap --variant=minbase --arch=amd64 --cache-dir="$cache" --include="$packages" \
  bookworm "$dir" "$mirror" >"$dir.log" 2>&1 || { tail -n 20 "$dir.log" >&2; exit 1; }
rm -f "$dir.log"
sh "$here/trim.sh" "$dir" "$arch"
