"""`oracle`: the command line, wiring only: parser.py builds the parser, commands.py holds one
function per command; `main` applies the settings file, dispatches, and turns errors into one line.

Exit status of `oracle run`: 0 no candidate failures, 1 candidate failures,
2 usage or configuration error, 3 the run could not complete (or some cases could not be judged).
"""

from __future__ import annotations


import argparse
import os
import sqlite3
import sys

from oracle.model.errors import EXIT_INCOMPLETE, EXIT_USAGE, OracleError
from oracle.cli import commands
from oracle.cli.parser import glue_free_values, make_parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:  # [tool.oracle] in pyproject.toml, or oracle.toml: the team's defaults (oracle/config/settings.py)
        from oracle.config.settings import apply

        repeated = apply(parser, say=lambda line: print(f"oracle: {line}", file=sys.stderr))
    except OracleError as exc:
        print(f"oracle: error: {exc}", file=sys.stderr)
        return exc.exit_code
    args = parser.parse_args(glue_free_values(sys.argv[1:] if argv is None else list(argv)))
    for dest, value in repeated.items():
        if getattr(args, dest, ()) is None:  # not given on the command line
            setattr(args, dest, value)
    try:
        code = _dispatch(args, parser)
        sys.stdout.flush()  # here, not at exit: a reader that left early is one line, not a traceback
        return code
    except OracleError as exc:
        print(f"oracle: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("oracle: interrupted", file=sys.stderr)
        return EXIT_INCOMPLETE
    except BrokenPipeError:
        # `oracle run … | head -1`: the reader is gone. Whatever is still buffered goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("oracle: error: standard output was closed early (broken pipe): the output is cut short",
              file=sys.stderr)
        return EXIT_INCOMPLETE
    except (OSError, sqlite3.Error) as exc:  # a file oracle needs and cannot use: one line, not a traceback
        where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
        print(f"oracle: error: {where}{getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return EXIT_INCOMPLETE


def _dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command in ("run", "tasks", "repro", "check", "done", "release", "gate", "reduce"):
        commands.touch_claims(args)  # an agent's claims: renewed, or a lost one said on one line
    if args.command == "run":
        return commands.cmd_run(args)
    if args.command == "fuzz":
        return commands.cmd_fuzz(args)
    if args.command == "corpus":
        return commands.cmd_corpus(args, parser)
    if args.command in ("tasks", "reduce", "gate", "merge", "repro", "check", "bisect", "claim", "release", "done"):
        return getattr(commands, f"cmd_{args.command}")(args)
    if args.command == "compare":
        return commands.cmd_compare(args)
    if args.command == "cache":
        return commands.cmd_cache(args)
    if args.command in ("history", "report"):
        return commands.cmd_history(args)
    if args.command == "images":
        return commands.cmd_images(args, parser)
    if args.command == "completion":
        import shtab  # generated from this parser: every command and option, nothing to keep in step

        print(shtab.complete(parser, shell=args.shell))
        return 0
    parser.print_help(sys.stderr)  # no command: a usage error, so the usage goes to stderr
    return EXIT_USAGE
