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

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
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


DIRTY_FILE_LIMIT = 1 << 20  # untracked files larger than this count by name and size only
DIRTY_FILES_READ = 2000  # untracked files past this many count by name and size only (a build tree)


def _git_run(d: str, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", d, *args], capture_output=True, timeout=timeout)


def _dirty_hash(d: str) -> str | None:
    """A hash of a checkout's uncommitted changes (tracked edits and untracked files); None when clean."""
    diff = _git_run(d, "diff", "HEAD", "--binary", "--no-color", "--no-ext-diff")
    untracked = _git_run(d, "ls-files", "--others", "--exclude-standard", "-z")
    if diff.returncode != 0 or untracked.returncode != 0:
        return "unknown"
    if not diff.stdout and not untracked.stdout:
        return None
    top = _git_run(d, "rev-parse", "--show-toplevel").stdout.decode().strip() or d
    h = hashlib.sha256(diff.stdout)
    for i, name in enumerate(sorted(n for n in untracked.stdout.split(b"\0") if n)):
        path = os.path.join(top, os.fsdecode(name))
        h.update(b"\0" + name + b"\0")
        with contextlib.suppress(OSError):
            if i < DIRTY_FILES_READ and os.path.getsize(path) <= DIRTY_FILE_LIMIT:
                with open(path, "rb") as f:
                    h.update(f.read())
            else:
                h.update(str(os.path.getsize(path)).encode())
    return h.hexdigest()[:12]


def candidate_commit(argv0: str) -> str | None:
    """The git commit of the checkout the candidate lives in, if any; a checkout with uncommitted
    changes gets `+dirty-<hash of the changes>`, so an edit that is not committed yet is another
    candidate (its fix reads as fixed, not flaky)."""
    d = os.path.dirname(os.path.realpath(argv0))
    try:
        head = _git_run(d, "rev-parse", "HEAD", timeout=10)
        if head.returncode != 0:
            return None
        dirty = _dirty_hash(d)
        return head.stdout.decode().strip() + (f"+dirty-{dirty}" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


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


@dataclass(frozen=True)
class Identity:
    """What identity() found: the hash ("" when unknown), the commit the candidate is built from
    (--candidate-rev resolved, else its checkout's HEAD when the build is not older than it; ""
    when unknown), and when it was built (the newest file of its own it runs or reads, UTC)."""

    hash: str
    commit: str
    built: str


def _utc(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity(argv: tuple[str, ...], version: str, rev: str | None, confine: bool,
             timeout: float, warnings: list[str], trace: bool = True) -> Identity:
    """The candidate's identity; UsageError when `rev` is no commit of the repository the compiler
    lives in. `trace` False: no hash (judgements are not reused), only the commit and build time."""
    root = _root_of(argv[0])
    exe = os.path.realpath(argv[0])
    head = _git(root, "rev-parse", "HEAD")
    vouched = False  # the files under root are the revision's, so not hashed
    if rev:
        if head is not None:
            wanted = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
            if wanted is None:
                raise UsageError(f"--candidate-rev {rev}: no such commit in the compiler's repository {root}: "
                                 "give the commit it was built from, or leave --candidate-rev out")
            dirty = bool(_git(root, "status", "--porcelain", "--untracked-files=no"))
            if wanted != head or dirty:
                warnings.append(f"--candidate-rev {rev}: its checkout {root} is at {head[:12]}"
                                f"{' with uncommitted changes' if dirty else ''}, so the files the compiler reads "
                                "there are hashed, not vouched for by the revision")
            vouched = wanted == head and not dirty
            rev = wanted
    files = traced_files(argv, confine, timeout) if trace else None
    mine = [f for f in (files or [exe]) if f == root or f.startswith(root.rstrip("/") + "/")] or [exe]
    built = max((st.st_mtime for f in mine if (st := _stat(f)) is not None), default=0.0)
    commit = rev or candidate_commit(argv[0]) or ""
    if commit and not rev and head is not None and built and _tracked(root, exe) is False:
        when = _git(root, "log", "-1", "--format=%ct", "HEAD")
        if when and when.isdigit() and built < int(when):
            warnings.append(f"the candidate {exe} was built before its checkout's HEAD ({head[:12]}): which commit "
                            "it is built from is unknown (pass --candidate-rev), so done tasks are judged by time")
            commit = ""
    if files is None:
        if trace:
            warnings.append("the candidate's identity is unknown (strace is missing or its compile failed under "
                            "it): every case is compiled (make setup installs strace)")
        return Identity("", commit, _utc(built) if built else "")
    extra = {i for f in files if (i := _interpreter(f)) and os.path.isfile(i)}
    h = hashlib.sha256(f"{FORMAT}\0{version}\0".encode())
    h.update("\0".join((os.path.relpath(exe, root), *argv[1:])).encode())
    h.update(f"\0rev={rev if vouched else ''}\0".encode())
    for f in sorted(set(files) | extra):
        inside = f == root or f.startswith(root.rstrip("/") + "/")
        name = os.path.relpath(f, root) if inside else f
        h.update(f"\0{name}\0".encode())
        h.update(("rev" if vouched and inside else _digest(f)).encode())
    return Identity(h.hexdigest(), commit, _utc(built) if built else "")


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _tracked(root: str, path: str) -> bool | None:
    """Whether git tracks path in the checkout at root (None: no checkout there)."""
    if _git(root, "rev-parse", "--is-inside-work-tree") != "true":
        return None
    try:
        res = subprocess.run(["git", "-C", root, "ls-files", "--error-unmatch", "--", path], capture_output=True,
                             timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.returncode == 0
