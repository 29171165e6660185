"""`oracle`: argument parsing and wiring only.

Exit status of `oracle run`: 0 no candidate failures, 1 candidate failures,
2 usage or configuration error, 3 the run could not complete.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from . import __version__
from .config import OPTIONS, build
from .errors import OracleError, UsageError
from .run import EXIT_INCOMPLETE, EXIT_USAGE, execute

EPILOG = """\
examples:
  oracle run --compiler tcc --suite smoke
  oracle run --compiler ./ccc --compiler aarch64=./ccc-arm --suite torture
  oracle run --compiler 'aarch64=clang --target=aarch64-linux-gnu' --suite torture --fast
  oracle corpus fetch torture

exit status: 0 no candidate failures, 1 candidate failures, 2 usage error, 3 run not completed.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line and exit 2, like every other usage error
        self.exit(EXIT_USAGE, f"oracle: error: {message} (see '{self.prog} --help')\n")


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="oracle", description="Differential testing of a candidate C compiler against GCC, "
                "on x86-64 and on AArch64 under qemu-user.", epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"oracle {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="build and run a suite with the candidate and with GCC, compare",
                         description="Build every case with the reference (GCC, at -O0 and -O2) and the "
                         "candidate, run both, compare exit status and stdout as bytes.", epilog=EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    for opt in OPTIONS:
        names = [f"--{opt.name}"] + (["-k"] if opt.name == "filter" else [])
        kwargs: dict = {"dest": opt.dest, "help": opt.help}
        if opt.flag:
            kwargs["action"] = "store_true"
        else:
            kwargs.update(action="append" if opt.append else "store", metavar=opt.metavar,
                          default=None if opt.append else opt.default)
            if opt.type is not str:
                kwargs["type"] = opt.type
        run.add_argument(*names, **kwargs)
    run.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                     help="parallel workers (pytest-xdist); default: all cores")
    run.add_argument("--no-progress", action="store_true", help="no progress bar (it is shown only on a terminal)")

    corpus = sub.add_parser("corpus", help="manage test corpora")
    csub = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", parser_class=_Parser)
    fetch = csub.add_parser("fetch", help="fetch a corpus: 'torture' extracts GCC's gcc.c-torture/execute")
    fetch.add_argument("name", choices=["torture"])
    fetch.add_argument("--from", dest="source", metavar="DIR", help="a GCC source tree instead of Debian's tarball")
    fetch.add_argument("--force", action="store_true", help="fetch again even if present")
    fetch.add_argument("--quiet", action="store_true", help="print nothing when the corpus is already there")
    csub.add_parser("where", help="print where the torture corpus lives")

    images = sub.add_parser("images", help="the container images of --backend docker (containers/)")
    isub = images.add_subparsers(dest="images_command", metavar="ACTION", parser_class=_Parser)
    ibuild = isub.add_parser("build", help="build the image of each arch that is missing")
    ibuild.add_argument("--offline", action="store_true",
                        help="debootstrap + docker import, for engines that cannot pull (default: docker build)")
    ibuild.add_argument("--arch", default="x86_64,aarch64", metavar="ARCH[,ARCH]", help="default: both")
    ibuild.add_argument("--force", action="store_true", help="build again even if the tag exists")
    isub.add_parser("list", help="list oracle's images, their toolchain versions, which are current")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "corpus":
            return cmd_corpus(args, parser)
        if args.command == "images":
            return cmd_images(args, parser)
    except OracleError as exc:
        print(f"oracle: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("oracle: interrupted", file=sys.stderr)
        return EXIT_INCOMPLETE
    parser.print_help()
    return EXIT_USAGE


def cmd_run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    values = {opt.dest: getattr(args, opt.dest) for opt in OPTIONS}
    cfg = build(values)
    # SIGTERM ends the run like Ctrl-C: children killed, finished results still written.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    recorder = execute(cfg, args.jobs, progress=sys.stderr.isatty() and not args.no_progress)
    for line in recorder.summary_lines():
        print(line)
    return recorder.exit_code


def _interrupt(signum, frame):
    # Workers stop at once too (a terminal's Ctrl-C reaches them, a `kill` does not).
    for pid in _children(os.getpid()):
        try:
            os.kill(pid, signal.SIGINT)
        except OSError:
            pass
    raise KeyboardInterrupt


def _children(ppid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == ppid:
                    out.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return out


def cmd_corpus(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .corpus import fetch_torture, torture_dir

    if args.corpus_command == "fetch":
        where, line = fetch_torture(Path(args.source) if args.source else None, force=args.force)
        if not (args.quiet and "already" in line):
            print(line)
        return 0
    if args.corpus_command == "where":
        print(torture_dir())
        return 0
    parser.parse_args(["corpus", "--help"])
    return EXIT_USAGE


def cmd_images(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from . import images
    from .backends.engine import EngineError
    from .targets import normalise_arch

    try:
        if args.images_command == "build":
            for arch in dict.fromkeys(normalise_arch(a) for a in args.arch.split(",") if a.strip()):
                images.build(arch, offline=args.offline, force=args.force)
            return 0
        if args.images_command == "list":
            for row in images.listing():
                versions = " ".join(f"{k}={v}" for k, v in sorted(row["versions"].items()))
                print(f"{row['tag']:32} {row['arch']:8} {row['size']:>8} "
                      f"{'current' if row['current'] else 'stale':8} {versions}")
            return 0
    except EngineError as exc:
        print(f"oracle: error: {exc}", file=sys.stderr)
        return 1
    parser.parse_args(["images", "--help"])
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
