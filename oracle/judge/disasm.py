"""The disassembly of a failing program's own functions, by the candidate and by the reference.

A case folder holds `candidate.disasm` and `reference.disasm`: `objdump -d` (the arch's binutils)
of the functions the test's sources define, in address order, so that a person can read side by
side what each compiler made of them (report.html shows them so). Which one function makes the
outputs differ is not known from a single program: every function the test defines is shown (a
torture test defines a few), each cut at MAX_LINES.

The candidate's side is taken from its executable while it exists (the judge removes it with the
case's scratch) and stored with its judgement, so a reused judgement has it without a compile; the
reference's, when a case folder is written, from the cache or one more build of the test at the
case's options (its own builds were cached or long gone), stored then under reuse.disasm_key. objdump reads a file the
candidate wrote: it runs with a deadline and limits, never in the program's sandbox (it runs
nothing of the file).
"""

from __future__ import annotations

import re
import shutil

from oracle.config.targets import TARGETS
from oracle.infra import proc

MAX_LINES = 300  # of one function
MAX_BYTES = 96 * 1024  # of one side's text
TIMEOUT = 20.0

_HEAD = re.compile(rb"^([0-9a-f]+) <([^>\s]+)>:$")
_IDENT = re.compile(rb"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def objdump(arch: str) -> str | None:
    """The arch's objdump, or None when it is not installed."""
    target = TARGETS.get(arch)
    if target is None:
        return None
    return shutil.which("objdump" if target.native else f"{target.cross_prefix}objdump")


def defined_names(sources) -> set[bytes]:
    """Every identifier the sources write before a '(': the functions they define are among them
    (calls too, which the executable's own symbols then select)."""
    names: set[bytes] = set()
    for path in sources:
        try:
            with open(path, "rb") as f:
                names.update(_IDENT.findall(f.read(1 << 20)))
        except OSError:
            continue
    return names


def split(text: bytes) -> list[tuple[str, bytes]]:
    """objdump -d's text as (function, its lines) in address order."""
    out: list[tuple[str, list[bytes]]] = []
    for line in text.split(b"\n"):
        head = _HEAD.match(line)
        if head:
            out.append((head.group(2).decode("ascii", "replace"), [line]))
        elif out and line.strip():
            out[-1][1].append(line)
    return [(name, b"\n".join(lines)) for name, lines in out]


def disassemble(exe: str, arch: str, sources) -> str | None:
    """The functions of exe that the sources name, as objdump shows them; None when there is no
    objdump for the arch, it fails, or none of the test's functions is in exe."""
    tool = objdump(arch)
    if tool is None:
        return None
    res = proc.run([tool, "-d", "--no-show-raw-insn", "-j", ".text", exe], timeout=TIMEOUT,
                   stdout_limit=16 * 1024 * 1024, limits=proc.Limits(file_size=0, cpu_s=int(TIMEOUT), address_space=2 << 30))
    if not res.status.ok or res.stdout_truncated:
        return None
    names = {n.decode("ascii", "replace") for n in defined_names(sources)}
    parts: list[bytes] = []
    size = 0
    for name, body in split(res.stdout):
        if name not in names:
            continue
        lines = body.split(b"\n")
        if len(lines) > MAX_LINES:
            lines = lines[:MAX_LINES] + [b"\t... (%d more lines)" % (len(lines) - MAX_LINES)]
        chunk = b"\n".join(lines) + b"\n"
        if size + len(chunk) > MAX_BYTES:
            parts.append(b"... (more functions: cut)\n")
            break
        parts.append(chunk)
        size += len(chunk)
    return b"\n".join(parts).decode("utf-8", "backslashreplace") if parts else None
