"""The progress bar on a terminal: a tqdm bar with the total for generated runs too, drawn at a
fixed width when the terminal reports 0 columns (a fresh pty has no size, as under CI or `script`)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time

from oracle.engine.progress import FIXED_WIDTH

from ..conftest import ORACLE


def _run_on_a_pty(args: list[str], timeout: float = 300) -> tuple[int, str]:
    master, slave = pty.openpty()
    assert os.get_terminal_size(slave).columns == 0  # the case under test: a terminal with no size
    p = subprocess.Popen([*ORACLE, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    out, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other end closed: the run is over
                break
            if not data:
                break
            out += data
        elif p.poll() is not None:
            break
    os.close(master)
    return p.wait(timeout=30), out.decode("utf-8", "replace")


def test_a_generated_run_shows_a_bar_with_its_total_at_a_fixed_width(tmp_path):
    code, out = _run_on_a_pty(["run", "--compiler", "gcc", "--suite", "hypothesis", "--count", "3", "-j", "1",
                               "--no-history", "--no-cache", "--out", str(tmp_path / "out")])
    assert code == 0, out
    bars = [seg for seg in re.split(r"[\r\n]", out) if re.search(r"\d+/3 \[", seg)]
    assert any(" 0/3 [" in b for b in bars) and any(" 3/3 [" in b for b in bars), out
    assert all(len(b) <= FIXED_WIDTH for b in bars) and max(len(b) for b in bars) >= FIXED_WIDTH - 10
    assert "x86_64: 3/3 passed" in out  # the summary after the bar
