"""Defaults for oracle's options from a file a team commits once: `[tool.oracle]` in pyproject.toml,
or oracle.toml (its top level, or its own `[tool.oracle]`), in the current folder or the nearest
folder above it that has either file. Keys are the options' names (`run-timeout` or `run_timeout`);
the command line wins over the file.

A settings file can name the reference compiler and turn the sandbox off, so only one its reader
could have written applies: owned by the user or root and not writable by everyone (as git's
safe.directory; a /tmp/oracle.toml would otherwise apply to everything under /tmp). Any other is
ignored with one warning line saying why; the file that applied is named on stderr.

    [tool.oracle]
    compiler = ["./ccc", "aarch64=./ccc-arm"]
    suite = "torture"
    arch = ["x86_64", "aarch64"]
    run-timeout = 20
"""

from __future__ import annotations

import argparse
import math
import os
import tomllib
from typing import Callable
from pathlib import Path

from oracle.config.options import OPTIONS, Option
from oracle.model.errors import UsageError

FILES = ("oracle.toml", "pyproject.toml")
LISTS = ("arch", "opt")  # comma lists on the command line; a TOML list is joined


def find(start: Path | None = None, warn: Callable[[str], None] | None = None) -> Path | None:
    """The settings file that applies from `start` (default: the current folder); a file another
    user could have written is skipped, `warn` told why."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in FILES:
            path = folder / name
            if not path.is_file():
                continue
            why = untrusted(path)
            if why is None:
                return path
            if warn is not None:
                warn(f"warning: ignoring the settings in {path}: {why}")
    return None


def untrusted(path: Path) -> str | None:
    """Why `path` is not to be applied (None: it is): it, or the link to it, is owned by another
    user than this one or root, or anyone may write it."""
    try:
        stats = (os.lstat(path), os.stat(path))
    except OSError as exc:
        return f"cannot inspect it ({exc.strerror or exc})"
    for st in stats:
        if st.st_uid not in (os.geteuid(), 0):
            return (f"it is owned by uid {st.st_uid}, not by you or root (like git's safe.directory): "
                    "chown it, or remove it")
    if stats[1].st_mode & 0o002:
        return f"anyone can write it (mode {stats[1].st_mode & 0o7777:04o}): chmod o-w it"
    return None


def _table(path: Path) -> dict:
    try:
        doc = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read the settings in {path}: {exc}: fix the file or remove it") from None
    table = doc.get("tool", {}).get("oracle")
    if table is None and path.name == "oracle.toml":
        table = {k: v for k, v in doc.items() if k != "tool"}
    if table is not None and not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.oracle] must be a table of option = value")
    return table or {}


def _value(path: Path, opt: Option, value):
    where = f"{path}: [tool.oracle] {opt.name}"
    if opt.flag:
        if not isinstance(value, bool):
            raise UsageError(f"{where} must be true or false")
        return value
    if opt.append:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise UsageError(f"{where} must be a string or a list of strings")
        return values
    if opt.name in LISTS and isinstance(value, list):
        value = ",".join(str(v) for v in value)
    if isinstance(value, (dict, list)) or isinstance(value, bool):
        raise UsageError(f"{where} must be a single value")
    try:
        value = opt.type(value) if opt.type is not str else str(value)
    except (TypeError, ValueError):
        raise UsageError(f"{where} = {value!r} is not a valid value") from None
    if isinstance(value, float) and not math.isfinite(value):  # TOML has inf and nan; no option takes them
        raise UsageError(f"{where} = {value} is not a finite number")
    return value


def defaults(start: Path | None = None, warn: Callable[[str], None] | None = None
             ) -> tuple[dict[str, object], Path | None]:
    """The file's settings as {dest: value}, and the file; ({}, None) when none applies."""
    path = find(start, warn)
    if path is None:
        return {}, None
    by_name = {opt.dest: opt for opt in OPTIONS}
    out = {}
    for key, value in _table(path).items():
        if str(key).replace("_", "-") == "lease-hours":  # the task feed's one setting: claims' lease
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
                raise UsageError(f"{path}: lease-hours = {value!r} must be a positive number of hours")
            out["stale_after"] = float(value)
            continue
        if str(key) == "build":  # oracle bisect's build command
            if not isinstance(value, str) or not value.strip():
                raise UsageError(f"{path}: build = {value!r} must be a shell command (a string)")
            out["build"] = value
            continue
        opt = by_name.get(str(key).replace("-", "_"))
        if opt is None:
            raise UsageError(f"{path}: [tool.oracle] has no setting {key!r}: use the name of an 'oracle run' "
                             "option without its dashes, e.g. run-timeout = 20")
        out[opt.dest] = _value(path, opt, value)
    return out, path


def apply(parser: argparse.ArgumentParser, start: Path | None = None,
          say: Callable[[str], None] | None = None) -> dict[str, list[str]]:
    """Make the file's settings the defaults of every subcommand that has those options. Returns the
    repeatable options' values (compiler, reference): argparse would add the command line's to a
    default list, so the caller sets them only when the command line gave none. `say` hears a
    line per ignored file and one naming the file that applied."""
    values, path = defaults(start, say)
    if not values:
        return {}
    if say is not None:
        say(f"settings from {path}")
    append = {o.dest for o in OPTIONS if o.append}
    for sub in _subparsers(parser):
        dests = {a.dest for a in sub._actions}
        sub.set_defaults(**{d: v for d, v in values.items() if d in dests and d not in append})
    return {d: v for d, v in values.items() if d in append}


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield sub
                yield from _subparsers(sub)
