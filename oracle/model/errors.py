"""oracle's errors: one tree, each kind with its exit status and a one-line message a
person can act on.

Exit statuses, for every command:
  0  EXIT_OK          done; every case judged, no candidate failure (gate: no regression)
  1  EXIT_FAILURES    candidate failures (gate: regressions; a required pass that could not be
                      judged is one): the candidate's fault, never oracle's; `oracle claim`:
                      another agent holds the task (ClaimRefused)
  2  EXIT_USAGE       usage or configuration error, found before any case was judged (UsageError):
                      bad options, an opt level the reference rejects, an empty suite folder, an
                      --out that is a file, unwritable or inside the suite, a cache or history that
                      cannot be opened
  3  EXIT_INCOMPLETE  the run could not complete (interrupted, disk full, oracle's own failure:
                      OracleError, stdout closed early); what was judged is kept, `--resume`
                      carries on. Also a complete run with no candidate failure but with
                      infra-error cases: oracle could not judge them, so it never exits 0; the
                      last line says "N infra-error cases: …" and errors.log has an INFRA line each
Status 1 is never used for oracle's own problems; candidate failures win over infra-errors (1).

    OracleError (3)
    ├── UsageError (2): ToolMissing, CorpusMissing, SuiteError, RecipeError, FeedError
    ├── InfraError (3): oracle could not do its job (the case becomes infra-error)
    │   ├── BackendError: the backend could not run a job
    │   │   ├── EngineError: the container engine failed
    │   │   └── SandboxLost: the sandbox server died or broke protocol (not killed by the job's
    │   │                        binary: that is the binary's crash, "killed its supervisor")
    │   └── ProtocolError: a job stream's other side broke the protocol
    ├── GenerationFailed: a generator made no program for a seed (the case is ref-invalid)
    ├── Cancelled: the run was stopped while a case was judged (its result is dropped)
    └── ClaimRefused (1): `oracle claim`/`release`: another agent holds the task
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


class OracleError(Exception):
    """Base of oracle's own errors."""

    exit_code = EXIT_INCOMPLETE


class UsageError(OracleError):
    """Bad command line or configuration: exit 2 with one line."""

    exit_code = EXIT_USAGE


class ToolMissing(UsageError):
    """A compiler, emulator or sysroot that is not installed."""


class CorpusMissing(UsageError):
    """A suite whose files are not there yet."""


class SuiteError(UsageError):
    """A suite that cannot be discovered."""


class RecipeError(UsageError):
    """A project recipe that is missing or not valid (corpora/projects/NAME.toml)."""


class FeedError(UsageError):
    """The task folder holds an entry oracle never reads, writes or deletes: a symlink, a special
    file, a claim too big to be one; or the clone is not in a state a claim can be pushed from."""


class InfraError(OracleError):
    """oracle could not do its job for this case (the case becomes infra-error)."""


class BackendError(InfraError):
    """The backend could not run a job (not the job's own failure): the case is infra-error."""


class EngineError(BackendError):
    """The container engine did not do what was asked."""


class SandboxLost(BackendError):
    """The sandbox server died or broke protocol."""


class ProtocolError(InfraError):
    """The other side of a job stream broke the protocol, closed the stream, or did not answer in time."""


class GenerationFailed(OracleError):
    """The generator could not produce the program for a seed."""


class Cancelled(OracleError):
    """The judge was cancelled while judging (the case's result is not to be kept)."""


class ClaimRefused(OracleError):
    """Another agent holds the task (`oracle claim`, `release`, `done`): exit 1, pick another task."""

    exit_code = EXIT_FAILURES
