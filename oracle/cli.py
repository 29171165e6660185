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
from .run import EXIT_INCOMPLETE, EXIT_USAGE, child_pids, execute
from .suites import is_generated

EPILOG = """\
examples:
  oracle run --compiler tcc --suite smoke
  oracle run --compiler ./ccc --compiler aarch64=./ccc-arm --suite torture
  oracle run --compiler 'aarch64=clang --target=aarch64-linux-gnu' --suite torture --fast
  oracle run --compiler ./ccc --suite csmith --count 1000 --seed 1 --csmith-args '--max-funcs 4'
  oracle run --compiler ./ccc --suite hypothesis --count 500
  oracle fuzz --compiler ./ccc --budget 10m
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
    _add_options(run)
    run.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                     help="parallel workers (pytest-xdist); default: all cores")
    run.add_argument("--no-progress", action="store_true", help="no progress bar (it is shown only on a terminal)")

    fuzz = sub.add_parser("fuzz", help="generate programs (csmith, hypothesis) and judge them until a time budget "
                          "is spent", description="Generate and judge programs from seed --seed upwards until "
                          "--budget is spent; each failure is written as it is found. Ctrl-C stops cleanly.",
                          epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_options(fuzz, skip=("suite", "count", "ratio", "fast", "shard", "filter"))
    fuzz.add_argument("--budget", required=True, metavar="TIME", help="how long to fuzz: 90s, 10m, 2h")
    fuzz.add_argument("--generator", default="csmith,hypothesis", metavar="G[,G]",
                      help="generators to alternate: csmith, hypothesis (default: both)")
    fuzz.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                      help="cases judged at once; default: all cores")

    corpus = sub.add_parser("corpus", help="manage test corpora")
    csub = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", parser_class=_Parser)
    fetch = csub.add_parser("fetch", help="fetch a corpus: 'torture' extracts GCC's gcc.c-torture/execute")
    fetch.add_argument("name", choices=["torture"])
    fetch.add_argument("--from", dest="source", metavar="DIR", help="a GCC source tree instead of Debian's tarball")
    fetch.add_argument("--force", action="store_true", help="fetch again even if present")
    fetch.add_argument("--quiet", action="store_true", help="print nothing when the corpus is already there")
    csub.add_parser("where", help="print where the torture corpus lives")

    hist = sub.add_parser("history", help="pass rate per suite and arch over the last runs")
    hist.add_argument("--history", metavar="FILE", default=".oracle/history.db")
    hist.add_argument("--last", type=int, default=10, metavar="N", help="how many runs (default 10)")

    report = sub.add_parser("report", help="write the run history as one self-contained HTML page")
    report.add_argument("--html", metavar="FILE", required=True)
    report.add_argument("--history", metavar="FILE", default=".oracle/history.db")

    cache = sub.add_parser("cache", help="the reference cache: stats or clear")
    cache.add_argument("action", choices=["stats", "clear"])
    cache.add_argument("--cache", metavar="DIR", help="cache folder (default: $XDG_CACHE_HOME/oracle)")
    return p


def _add_options(parser: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    for opt in OPTIONS:
        if opt.name in skip:
            continue
        names = [f"--{opt.name}"] + (["-k"] if opt.name == "filter" else [])
        kwargs: dict = {"dest": opt.dest, "help": opt.help}
        if opt.flag:
            kwargs["action"] = "store_true"
        else:
            kwargs.update(action="append" if opt.append else "store", metavar=opt.metavar,
                          default=None if opt.append else opt.default)
            if opt.type is not str:
                kwargs["type"] = opt.type
        parser.add_argument(*names, **kwargs)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "fuzz":
            return cmd_fuzz(args)
        if args.command == "corpus":
            return cmd_corpus(args, parser)
        if args.command == "cache":
            return cmd_cache(args)
        if args.command in ("history", "report"):
            return cmd_history(args)
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
    progress = sys.stderr.isatty() and not args.no_progress
    if is_generated(cfg.suite) and not cfg.resume:
        recorder = _run_stream(cfg, args.jobs, progress)
    else:
        recorder = execute(cfg, args.jobs, progress=progress)
    for line in recorder.summary_lines():
        print(line)
    return recorder.exit_code


def cmd_history(args: argparse.Namespace) -> int:
    from . import history
    from .reports import atomic_write
    from .reports.html import render

    if not Path(args.history).exists():
        raise UsageError(f"no run history at {args.history}: run 'oracle run' first, or pass --history FILE")
    db = history.open_history(args.history)
    try:
        if args.command == "report":
            atomic_write(args.html, render(db))
            print(f"wrote {args.html}")
            return 0
        for r in history.pass_rates(db, last=args.last):
            print(f"#{r.run:<4} {r.started[:19]}  {r.suite:<10} {r.arch:<8} {r.passed:>6}/{r.counted:<6} "
                  f"{r.rate:5.1f}%  {r.failures} failing  {r.candidate}")
    finally:
        db.close()
    return 0


def cmd_cache(args: argparse.Namespace) -> int:
    from .cache import Cache, resolve_path

    c = Cache(resolve_path(args.cache))
    try:
        if args.action == "stats":
            st = c.stats()
            print(f"{st['path']}: {st['entries']} reference outcomes, {st['file_bytes'] / 1e6:.1f} MB on disk")
        else:
            print(f"removed {c.clear()} reference outcomes from {c.path}")
    finally:
        c.close()
    return 0


def _run_stream(cfg, jobs: int, progress: bool):
    """Generated suites stream: programs are made as they are judged, in constant memory."""
    from .fuzz import Fuzzer
    from .select import select_stream
    from .suites import open_suite

    cases = select_stream(open_suite(cfg.suite, cfg.gen).cases(cfg.arches, cfg.opts), seed=cfg.seed,
                          ratio=cfg.ratio, at_least_one=cfg.at_least_one, shard=cfg.shard, pattern=cfg.filter)
    fuzzer = Fuzzer(cfg, (cfg.suite,), None, jobs, progress=progress, cases=cases, echo_failures=False)
    recorder = fuzzer.run()
    if progress:
        sys.stderr.write("\r\033[K")
    return recorder


def cmd_fuzz(args: argparse.Namespace) -> int:
    from .fuzz import Fuzzer, parse_budget
    from .suites.generated import GENERATORS

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    budget = parse_budget(args.budget)
    gens = tuple(dict.fromkeys(g.strip() for g in args.generator.split(",") if g.strip()))
    if not gens or any(g not in GENERATORS for g in gens):
        raise UsageError(f"bad --generator {args.generator!r}: give csmith, hypothesis or csmith,hypothesis")
    values = {opt.dest: getattr(args, opt.dest, None) for opt in OPTIONS}
    values["suite"] = gens[0]
    cfg = build(values)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    fuzzer = Fuzzer(cfg, gens, budget, args.jobs, progress=sys.stderr.isatty())
    recorder = fuzzer.run()
    for line in recorder.summary_lines():
        print(line)
    if fuzzer.interrupted:
        print("interrupted: every failure found so far is kept")
    return recorder.exit_code


def _interrupt(signum, frame):
    # Workers stop at once too (a terminal's Ctrl-C reaches them, a `kill` does not).
    for pid in child_pids():
        try:
            os.kill(pid, signal.SIGINT)
        except OSError:
            pass
    raise KeyboardInterrupt




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


if __name__ == "__main__":
    sys.exit(main())
