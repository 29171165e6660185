#!/usr/bin/env bash
# Idempotent: give apt a deb-src entry mirroring the machine's deb entries, so that
# `apt-get source NAME` works (oracle's project recipes fetch their sources that way).
# The deb stanzas of /etc/apt/sources.list.d/debian.sources are copied with
# `Types: deb-src` into oracle-deb-src.sources; apt-get update runs only when the file changes
# (ORACLE_APT_UPDATE=0: not at all; the tests use it). Arguments: the sources file, the file to write.
set -euo pipefail
src=${1:-/etc/apt/sources.list.d/debian.sources}
dst=${2:-/etc/apt/sources.list.d/oracle-deb-src.sources}
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ! -f "$src" ]; then
  echo "setup: no $src; add a deb-src line to your apt sources by hand for project recipes" >&2
  exit 0
fi
want=$(awk 'BEGIN{RS=""; ORS="\n\n"} /(^|\n)Types:[^\n]*(^| )deb( |\n|$)/ {sub(/Types:[^\n]*/, "Types: deb-src"); print}' "$src")
if [ -z "$want" ]; then
  echo "setup: no deb stanza in $src; cannot add deb-src" >&2
  exit 0
fi
if [ -f "$dst" ] && [ "$(cat "$dst")" = "$want" ]; then
  exit 0
fi
echo "setup: adding deb-src entries ($dst)"
printf '%s\n' "$want" | $SUDO tee "$dst.tmp" >/dev/null
$SUDO mv "$dst.tmp" "$dst"
[ "${ORACLE_APT_UPDATE:-1}" = 0 ] || $SUDO apt-get update -qq
