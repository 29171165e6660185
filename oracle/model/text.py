"""Turning untrusted bytes into short, printable, XML- and JSON-safe text (for display only)."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str, limit: int = 300) -> str:
    """One line of text with control characters escaped, cut to limit."""
    text = _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text.replace("\r", "\\r").replace("\n", "\\n"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(data: bytes, limit: int = 80) -> str:
    """Bytes as a quoted, escaped one-line snippet."""
    return '"' + clean(data.decode("utf-8", "backslashreplace"), limit) + '"'


def block(data: bytes) -> str:
    """Bytes as multi-line text safe for XML and JSON (newlines kept)."""
    text = data.decode("utf-8", "backslashreplace")
    return "\n".join(clean(line, 10_000) for line in text.split("\n"))


def describe_diff(expected: bytes, got: bytes) -> str:
    """Where two outputs first differ, in one line."""
    n = next((i for i, (a, b) in enumerate(zip(expected, got)) if a != b), min(len(expected), len(got)))
    line_no = expected.count(b"\n", 0, n) + 1
    start = expected.rfind(b"\n", 0, n) + 1
    exp_line = expected[start:].split(b"\n", 1)[0]
    got_line = got[start:].split(b"\n", 1)[0]
    if n == len(expected):
        return f"stdout has {len(got) - n} extra bytes after the reference's {len(expected)}: {show(got[n:], 60)}"
    if n == len(got):
        return f"stdout stops at byte {n} of the reference's {len(expected)} (line {line_no}: expected {show(exp_line, 60)})"
    return f"stdout differs at line {line_no}: expected {show(exp_line, 60)}, got {show(got_line, 60)}"
