"""The progress of a run (a tqdm bar on stderr, only on a terminal): one place decides its shape."""

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


class Progress:
    """A run's progress, as its scheduler sees it: a bar once the total is known (on a terminal
    only; `on` False draws nothing), advanced per record, with the scheduler's own counts beside it."""

    def __init__(self, on: bool):
        self.on = on
        self._bar = None

    @property
    def drawn(self) -> bool:
        return self._bar is not None

    def expect(self, total: int | None) -> None:
        if self.on and self._bar is None and total is not None:
            self._bar = bar(total)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def note(self, **counts) -> None:
        """Counts shown beside the bar (failures=3), at its next redraw."""
        if self._bar is not None:
            self._bar.set_postfix(refresh=False, **counts)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
