"""GCC's gcc.c-torture/execute tests, with the flags GCC's own .exp drivers use."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from oracle.discover.corpus import torture_dir
from oracle.discover.suites.files import FileSuite, Program

# builtins.exp: every builtins/X.c links with X-lib.c and lib/main.c, with these flags.
BUILTINS_FLAGS = ("-fno-tree-dse", "-fno-tree-loop-distribute-patterns", "-fno-tracer",
                  "-fno-ipa-ra", "-fno-inline-functions")
# ieee.exp adds -fno-inline, and -ffloat-store on ia32 (x87 excess precision): its own Tcl.
IEEE_FLAGS = ("-fno-inline",)
IEEE_PRELUDE = """
if { [istarget "i?86-*-*"] && [check_effective_target_ia32]
     || [istarget "x86_64-*-*"] && [check_effective_target_ia32] } {
  lappend additional_flags "-ffloat-store"
}
"""
# execute.exp and c-torture-execute both compile with -w unless dg-options says otherwise.
DEFAULT_FLAGS = ("-w",)


class TortureSuite(FileSuite):
    def __init__(self, root: Path | None = None):
        super().__init__("torture", root or torture_dir(), DEFAULT_FLAGS)

    def programs(self) -> Iterator[Program]:
        root = self.root
        for path in sorted(root.glob("*.[cS]")):
            yield Program(path.name, path, default_flags=DEFAULT_FLAGS, x_script=path.with_suffix(".x"))
        bdir = root / "builtins"
        for path in sorted(bdir.glob("*.c")):
            if path.name.endswith("-lib.c"):
                continue
            lib = path.with_name(path.stem + "-lib.c")
            extra = tuple(p for p in (lib, bdir / "lib" / "main.c") if p.exists())
            yield Program(f"builtins/{path.name}", path, extra, DEFAULT_FLAGS, BUILTINS_FLAGS,
                          path.with_suffix(".x"))
        for path in sorted((root / "ieee").glob("*.c")):
            yield Program(f"ieee/{path.name}", path, (), DEFAULT_FLAGS, IEEE_FLAGS, path.with_suffix(".x"),
                          IEEE_PRELUDE)
