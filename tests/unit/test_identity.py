"""Reading a compile's strace log into the files that make the compiler's identity."""

from __future__ import annotations

import os

from oracle.config.identity import _parse
from oracle.judge import reuse
from oracle.infra.proc import EXIT, SIGNAL, ProcResult, Status
from oracle.model import verdict as V


def test_only_what_the_compiler_runs_and_reads_after_it_starts(tmp_path):
    tools = tmp_path / "tools"
    tools.mkdir()
    for name in ("cc", "cc1", "my header.h", "lib.so"):
        (tools / name).write_text(name)
    work = tmp_path / "work"
    work.mkdir()
    (work / "identity.c").write_text("x")
    t = str(tools)
    trace = "\n".join([
        f'10 openat(AT_FDCWD, "{t}/lib.so", O_RDONLY|O_CLOEXEC) = 3',  # the sandbox's, before the compiler
        f'11 execve("{t}/cc", ["cc", "identity.c"], 0x7ff /* 3 vars */) = 0',
        f'11 openat(AT_FDCWD, "{t}/my\\x20header.h", O_RDONLY|O_NOCTTY) = 3',
        '11 openat(AT_FDCWD, "identity.c", O_RDONLY|O_NOCTTY) = 3',  # the probe's own input
        '11 openat(AT_FDCWD, "./ccAbc.s", O_RDWR|O_CREAT|O_EXCL, 0600) = 4',
        f'11 openat(AT_FDCWD, "{t}", O_RDONLY|O_DIRECTORY) = 5',
        '11 openat(AT_FDCWD, "/proc/self/maps", O_RDONLY) = 6',
        '11 openat(3, "relative/to/a/dir", O_RDONLY) = 7',
        f'12 execve("{t}/cc1", ["cc1"], 0x7ff /* 3 vars */) = 0',
        '12 +++ exited with 0 +++',
    ])
    files = _parse(trace, f"{t}/cc", str(work))
    assert files == sorted(os.path.join(t, n) for n in ("cc", "cc1", "my header.h"))


def test_what_a_case_judgement_stores():
    ok = ProcResult(("cc",), Status(EXIT, 0))
    killed = ProcResult(("cc",), Status(SIGNAL, 9))
    err = ProcResult(("cc",), Status(EXIT, 1), stderr=b"a.c:1: error: x")
    assert reuse.case_storable(V.PASS, ok, ok) and reuse.case_storable(V.COMPILE_ERROR, err, None)
    assert not reuse.case_storable(V.COMPILER_CRASH, killed, None)  # a signal may not come again
    assert not reuse.case_storable(V.TIMEOUT, ok, ok) and not reuse.case_storable(V.UNSTABLE, ok, ok)
    stored = reuse.case_to_json(V.COMPILE_ERROR, "error: x", err, None)
    verdict, reason, build, run, opinion, disasm = reuse.case_from_json(stored)
    assert (verdict, reason, build.stderr, run, opinion, disasm) == (V.COMPILE_ERROR, "error: x", err.stderr, None,
                                                                     ("", ""), "")
    crash = reuse.case_to_json(V.CRASH, "SIGSEGV", ok, ok, ("candidate", "runtime error: x"), "0000 <main>:\n ret")
    assert reuse.case_from_json(crash)[4:] == (("candidate", "runtime error: x"), "0000 <main>:\n ret")
    assert reuse.case_from_json({**stored, "verdict": "timeout"}) is None
    assert reuse.case_from_json({**stored, "format": "judgement-v1"}) is None
