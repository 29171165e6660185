#!/bin/sh
# Trim an image's root folder: docs, man pages, locales, apt's caches, and the qemu
# binaries of arches oracle does not test. Usage: trim.sh ROOT ARCH
set -eu
root=${1:?root folder}; arch=${2:?arch}
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
       "$root"/usr/share/locale/* "$root"/usr/share/lintian "$root"/var/cache/apt/*.bin \
       "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
for q in "$root"/usr/bin/qemu-*; do
  [ -e "$q" ] || continue
  case "$(basename "$q")" in qemu-"$arch") ;; *) rm -f "$q" ;; esac
done
# Jobs run as nobody and see host folders mounted at their own paths (a corpus under
# /root/.cache, say): the folders above a mount must be traversable.
chmod 755 "$root/root"
