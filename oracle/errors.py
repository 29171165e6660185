"""Typed errors, each with a one-line message a person can act on."""

from __future__ import annotations


class OracleError(Exception):
    """Base of oracle's own errors."""

    exit_code = 3


class UsageError(OracleError):
    """Bad command line or configuration: exit 2 with one line."""

    exit_code = 2


class ToolMissing(UsageError):
    """A compiler, emulator or sysroot that is not installed."""


class CorpusMissing(UsageError):
    """A suite whose files are not there yet."""


class SuiteError(UsageError):
    """A suite that cannot be discovered."""
