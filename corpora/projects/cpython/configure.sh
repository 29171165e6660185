#!/bin/sh
set -e
# Configure CPython 3.11 for oracle: a static interpreter (--disable-shared) with every stdlib
# extension module that needs no library outside the source built into ./python (Setup.stdlib's
# static part as Modules/Setup.local, as Debian's static build and the WASM ports do), and none
# that needs one (zlib, bz2, lzma, ssl/hashlib, sqlite3, dbm, gdbm, uuid, tkinter, crypt, nis):
# the same modules natively and cross. pyexpat uses the bundled expat, _decimal the bundled
# libmpdec, hashlib the built-in md5/sha1/sha2/sha3/blake2. OPT without -g and -O3: the case's
# opt level (in CFLAGS, after OPT) decides. Cross builds (HOST set) use the build machine's
# python3.11 for freezing and sysconfig.
autoconf    # as debian/rules does: Debian's patches change configure.ac
set -- --disable-shared --without-ensurepip --with-pkg-config=no \
    OPT='-DNDEBUG -fwrapv -Wall' MODULE_BUILDTYPE=static ac_cv_header_zlib_h=no
for m in _bz2 _lzma zlib _gdbm _dbm _sqlite3 _ssl _hashlib _uuid _tkinter _crypt nis; do
    set -- "$@" py_cv_module_$m=n/a
done
if [ -n "$HOST" ]; then
    cat > config.site <<EOS
ac_cv_file__dev_ptmx=no
ac_cv_file__dev_ptc=no
EOS
    set -- "$@" --host=$HOST --build=$(./config.guess) --with-build-python=/usr/bin/python3.11
    export CONFIG_SITE=$PWD/config.site
fi
./configure "$@" > configure.log 2>&1 || { tail -40 configure.log; exit 1; }
grep 'stdlib extension module' configure.log | grep -v ' yes$' || true
# Setup.stdlib's static modules built into ./python (its *shared* part, test modules that must
# be shared, left out), but _testinternalcapi as a shared module (Modules/*.so, linked into
# build/lib.*/ by the oldsharedmods target): _freeze_module links every built-in module and
# has no getpath.o, which it needs.
{ sed -e '/^\*shared\*/,$d' -e '/^_testinternalcapi /d' Modules/Setup.stdlib
  echo '*shared*'
  grep '^_testinternalcapi ' Modules/Setup.stdlib; } > Modules/Setup.local
make Makefile >/dev/null
