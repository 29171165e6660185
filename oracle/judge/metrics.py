"""What a case measured besides its verdict (results.json's `metrics`): the candidate's compile
time, its executable's run time, and the executable's code size, the bytes of its executable
sections (what `size` calls text, read from the ELF section headers here: no process started).

An instruction count is left out: qemu's plugins (libinsn) are not in Debian's qemu-user build and
`perf stat` needs a PMU the machine may not expose, so no count could be had cheaply everywhere.
"""

from __future__ import annotations

import struct

SHF_EXECINSTR = 0x4
SHT_NOBITS = 8
_LIMIT = 1 << 16  # section headers read at most


def text_bytes(path: str) -> int | None:
    """The bytes of the ELF file's executable sections; None when it is no ELF file or cannot be read."""
    try:
        with open(path, "rb") as f:
            ident = f.read(16)
            if len(ident) < 16 or ident[:4] != b"\x7fELF" or ident[4] not in (1, 2) or ident[5] not in (1, 2):
                return None
            wide, end = ident[4] == 2, "<" if ident[5] == 1 else ">"
            head = f.read(48 if wide else 36)
            if wide:
                shoff, = struct.unpack_from(end + "Q", head, 24)
                shentsize, shnum = struct.unpack_from(end + "HH", head, 42)
            else:
                shoff, = struct.unpack_from(end + "I", head, 16)
                shentsize, shnum = struct.unpack_from(end + "HH", head, 30)
            if not shoff or not shnum or shnum > _LIMIT or shentsize < (64 if wide else 40):
                return None
            f.seek(shoff)
            table = f.read(shentsize * shnum)
    except (OSError, struct.error):
        return None
    if len(table) < shentsize * shnum:
        return None
    total = 0
    for i in range(shnum):
        at = i * shentsize
        if wide:
            kind, flags = struct.unpack_from(end + "IQ", table, at + 4)
            size, = struct.unpack_from(end + "Q", table, at + 32)
        else:
            kind, flags = struct.unpack_from(end + "II", table, at + 4)
            size, = struct.unpack_from(end + "I", table, at + 20)
        if flags & SHF_EXECINSTR and kind != SHT_NOBITS:
            total += size
    return total
