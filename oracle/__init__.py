"""oracle: a differential-testing oracle for C compilers (GCC is the reference)."""

__version__ = "0.1.0"

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # oracle's own folder: its data, and the code a container mounts
