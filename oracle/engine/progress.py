"""The progress bar of a run (tqdm, on stderr, only on a terminal): one place decides its shape."""

from __future__ import annotations

import os
import sys

FIXED_WIDTH = 80  # columns, when the terminal reports none (a pty with no size: CI, `script`, some IDEs)
FIXED_ROWS = 24


def terminal_size(stream=None) -> tuple[int, int]:
    """The terminal's (columns, rows); (0, 0) when it reports none."""
    try:
        size = os.get_terminal_size((stream or sys.stderr).fileno())
        return size.columns, size.lines
    except (OSError, ValueError, AttributeError):
        return 0, 0


def bar(total: int | None, unit: str = "case", stream=None):
    """A tqdm bar with the total, as wide as the terminal, or FIXED_WIDTH when it reports 0 columns.
    A terminal that reports 0 rows would make tqdm hide the bar altogether (it takes the bar's
    line to be below the screen): then FIXED_ROWS."""
    from tqdm import tqdm

    stream = stream or sys.stderr
    cols, rows = terminal_size(stream)
    fixed = cols <= 0
    return tqdm(total=total, unit=unit, file=stream, leave=False, dynamic_ncols=not fixed,
                ncols=FIXED_WIDTH if fixed else None, nrows=rows if rows > 0 else FIXED_ROWS)
