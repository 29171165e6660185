"""A candidate compiler's identity: what decides whether two runs used the same compiler.

A judgement (test, flags, arch, reference outcome) is reused without compiling only for the same
compiler, so the identity must change whenever the compiler could: a wrapper script whose binary
was swapped, a compiler whose own headers or runtime library changed. It is found by watching the
compiler work: one compile of a program that includes the common C headers runs under strace,
and every file it executes or opens for reading (the driver, the binaries it starts, the
interpreter of a script, its headers and libraries) is hashed by content. A file under the
compiler's own root (the git checkout holding it, else its folder) is named relative to that root,
so clones at different paths have the same identity.

`--candidate-rev REV` says the compiler is built from commit REV of its repository: the files under
its root are then vouched for by REV (two agents' builds of one commit need not be byte-identical)
and only the others are hashed. It is refused when the repository holding the compiler is at
another commit, and ignored (with a warning) when its tracked files have changes.

No strace, or a compile that fails under it: no identity, and nothing is reused without compiling
(a byte-identical executable's judgement still is).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from oracle.infra import proc
from oracle.infra.backends.sandbox import confined
from oracle.model.errors import UsageError

FORMAT = "identity-v1"
# The headers a test includes most: the compiler's own copies (a candidate often ships some) are
# opened, so hashed. One the compiler cannot compile is left out (the probe falls back to none).
HEADERS = ("stdio.h", "stdlib.h", "string.h", "stdint.h", "stddef.h", "stdarg.h", "limits.h",
           "float.h", "stdbool.h", "math.h", "setjmp.h", "signal.h", "ctype.h", "errno.h",
           "assert.h", "inttypes.h", "time.h", "alloca.h", "complex.h", "stdalign.h", "stdnoreturn.h")
_CALL = re.compile(r'^\d+\s+(execve|execveat|open|openat|openat2)\((AT_FDCWD, |\d+, )?"((?:[^"\\]|\\.)*)"(.*)$')
_SKIP = ("/proc/", "/sys/", "/dev/", "/newroot/", "/run/")


def _unescape(s: str) -> str:
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1").decode(
        "utf-8", "surrogateescape")


def _root_of(exe: str) -> str:
    folder = os.path.dirname(os.path.realpath(exe))
    try:
        res = subprocess.run(["git", "-C", folder, "rev-parse", "--show-toplevel"], capture_output=True,
                             timeout=10, text=True)
    except (OSError, subprocess.SubprocessError):
        return folder
    top = res.stdout.strip()
    return top if res.returncode == 0 and top else folder


def _git(root: str, *args: str) -> str | None:
    try:
        res = subprocess.run(["git", "-C", root, *args], capture_output=True, timeout=20, text=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() if res.returncode == 0 else None


def traced_files(argv: tuple[str, ...], confine: bool, timeout: float) -> list[str] | None:
    """Every file one compile of the header program executes or reads (absolute, sorted); None
    when it cannot be watched (no strace, or no header set compiles)."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    with tempfile.TemporaryDirectory(prefix="oracle-identity-") as tmp:
        def jail(cmd: list) -> list:
            return confined(cmd, writable=tmp) if confine else cmd
        for headers in (HEADERS, ()):
            src = Path(tmp, "identity.c")
            src.write_text("".join(f"#include <{h}>\n" for h in headers) + "int main(void){return 0;}\n")
            log = Path(tmp, "trace.log")
            log.unlink(missing_ok=True)
            cmd = [strace, "-f", "-qq", "-z", "-e", "trace=execve,execveat,open,openat,openat2", "-o", str(log),
                   *jail([*argv, str(src), "-o", str(Path(tmp, "identity"))])]
            res = proc.run(cmd, timeout=timeout, cwd=tmp, env=proc.child_env(TMPDIR=tmp))
            if res.status.ok and Path(tmp, "identity").exists():
                return _parse(log.read_text(errors="replace"), argv[0], tmp)
    return None


def _parse(trace: str, exe: str, cwd: str) -> list[str]:
    started = False  # the sandbox's own setup comes before the compiler's execve
    targets = {exe, os.path.realpath(exe)}
    files: set[str] = set()
    for line in trace.splitlines():
        m = _CALL.match(line)
        if not m:
            continue
        call, dirfd, raw, rest = m.groups()
        path = _unescape(raw)
        if call.startswith("execve"):
            if path in targets:
                started = True
            if started:
                files.add(os.path.normpath(os.path.join(cwd, path)))
            continue
        if not started or (dirfd and not dirfd.startswith("AT_FDCWD")):
            continue
        if any(flag in rest for flag in ("O_WRONLY", "O_CREAT", "O_PATH", "O_DIRECTORY")):
            continue
        full = os.path.normpath(os.path.join(cwd, path))
        if full.startswith(cwd + os.sep) or full.startswith(_SKIP):
            continue
        files.add(full)
    return sorted(f for f in files if os.path.isfile(f) and not f.startswith(cwd + os.sep))


def _interpreter(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError:
        return None
    if not head.startswith(b"#!"):
        return None
    words = head[2:].split(b"\n", 1)[0].split()
    return os.fsdecode(words[0]) if words else None


def _digest(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return "unreadable"


def identity(argv: tuple[str, ...], version: str, rev: str | None, confine: bool,
             timeout: float, warnings: list[str]) -> str:
    """The candidate's identity ("" when it cannot be known); UsageError when `rev` contradicts
    the repository the compiler lives in."""
    root = _root_of(argv[0])
    if rev:
        head = _git(root, "rev-parse", "HEAD")
        if head is not None:
            wanted = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
            if wanted != head:
                raise UsageError(f"--candidate-rev {rev}: the compiler's repository {root} is at {head[:12]} "
                                 f"({'another commit' if wanted else 'which has no such commit'}): rebuild "
                                 "the compiler at that commit, or leave --candidate-rev out")
            if _git(root, "status", "--porcelain", "--untracked-files=no"):
                warnings.append(f"--candidate-rev {rev}: {root} has uncommitted changes, so the revision does "
                                "not say which compiler this is: its files are hashed instead")
                rev = None
            else:
                rev = head
    files = traced_files(argv, confine, timeout)
    if files is None:
        warnings.append("the candidate's identity is unknown (strace is missing or its compile failed under "
                        "it): every case is compiled (make setup installs strace)")
        return ""
    extra = {i for f in files if (i := _interpreter(f)) and os.path.isfile(i)}
    h = hashlib.sha256(f"{FORMAT}\0{version}\0".encode())
    h.update("\0".join((os.path.relpath(os.path.realpath(argv[0]), root), *argv[1:])).encode())
    h.update(f"\0rev={rev or ''}\0".encode())
    for f in sorted(set(files) | extra):
        inside = f == root or f.startswith(root.rstrip("/") + "/")
        name = os.path.relpath(f, root) if inside else f
        h.update(f"\0{name}\0".encode())
        h.update(("rev" if rev and inside else _digest(f)).encode())
    return h.hexdigest()
