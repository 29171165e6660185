"""A run's records as they come, kept durably, and the output folder's lock: nothing else.

Each record is appended to `journal.jsonl` in the output folder the moment it arrives,
so a run killed outright (or out of disk) keeps every case it judged, and `--resume`
carries on from there whatever the suite kind. A stream of generated programs is read
back from the journal (constant memory); a finite run also keeps its records in memory,
to be reported sorted. The reports, the history and the exit status are the run's end's
(engine/ending.py); the journal goes once results.json holds every record.

The recorder never discovers the suite: the scheduler tells it which cases were
selected (`expect`) or which were never judged (`add_missing`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Container, Iterable, Iterator

from oracle.feed import xfail
from oracle.model import verdict as V
from oracle.config.options import RESUME_KEYS, RunConfig
from oracle.config.recorded import full_config
from oracle.model.errors import UsageError
from oracle.model.case import Case
from oracle.model.record import CaseRecord, missing
from oracle.report import atomic_file, summary
from oracle.report.casedir import slug
from oracle.engine.progress import Progress

JOURNAL = "journal.jsonl"
# Verdicts --resume judges again: the case was not (fully) judged.
RETRIED_ON_RESUME = (V.NOT_RUN, V.INFRA_ERROR)


LOCK = ".oracle-run.lock"


def _results_doc(out: Path) -> dict:
    try:
        doc = json.loads((out / "results.json").read_text())
        return doc if isinstance(doc, dict) else {}
    except (OSError, ValueError):
        return {}


def previous_records(out_dir: str | Path) -> dict[str, CaseRecord]:
    """What an earlier run into out_dir judged (its results.json, then its journal), less what
    --resume judges again: cases not (fully) judged, and failures whose folder is missing (a
    full disk): never lose a judged case's folder."""
    out = Path(out_dir)
    found: dict[str, CaseRecord] = {}
    rows = _results_doc(out).get("cases")
    for row in rows if isinstance(rows, list) else ():
        with contextlib.suppress(ValueError, AttributeError):
            rec = CaseRecord.from_json(row)
            found[rec.id] = rec
    for rec in _read_journal(out / JOURNAL):
        found[rec.id] = rec
    return {k: r for k, r in found.items() if r.verdict not in RETRIED_ON_RESUME
            and not (r.verdict.is_failure and not (out / "cases" / slug(k)).is_dir())}


def recorded_config(out_dir: str | Path) -> dict | None:
    """The configuration an earlier run into out_dir recorded (results.json, else its journal)."""
    out = Path(out_dir)
    cfg = full_config(_results_doc(out))
    if cfg is not None:
        return cfg
    try:
        with open(out / JOURNAL, "rb") as f:
            first = json.loads(f.readline())
        return first["run"] if isinstance(first.get("run"), dict) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def resume_difference(cfg: RunConfig, recorded: dict) -> str | None:
    """The first setting a --resume changes from the run it finishes, in words; None if none."""
    now = json.loads(json.dumps(cfg.to_dict()))  # the same JSON shapes as recorded
    for key in RESUME_KEYS:
        if now.get(key) != recorded.get(key):
            return f"{key.replace('_', '-')} was {recorded.get(key)!r}, now {now.get(key)!r}"
    return None


def _read_journal(path: Path) -> Iterator[CaseRecord]:
    try:
        f = open(path, "rb")
    except OSError:
        return
    with f:
        for line in f:
            try:
                yield CaseRecord.from_json(json.loads(line))
            except ValueError:
                continue  # the run's configuration (first line), or a line cut short by a kill or a full disk


def _lock(out: Path) -> int:
    """Hold out_dir for this run: a second run into the same folder would mix or lose results."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    for _ in range(20):
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise UsageError(f"another oracle run is writing into {out}: wait for it to end, or pass another --out")
        # A run that ends removes the lock file while it holds it: a file locked here after that is
        # not the folder's lock any more; open the new one.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(out / LOCK, follow_symlinks=False))
        except OSError:
            same = False
        if same:
            return fd
        os.close(fd)
    raise UsageError(f"the lock file {out / LOCK} keeps changing: another oracle run is starting there; pass another --out")


class Recorder:
    """Collects case records on the controller: journalled as they come, counted, kept in order."""

    def __init__(self, cfg: RunConfig, progress: Progress | None = None, stream: bool = False,
                 to_terminal: bool = False, still: Container[str] | None = None):
        self.cfg = cfg
        self.progress = progress or Progress(False)  # told of each record; draws nothing off a terminal
        self.to_terminal = to_terminal  # under plain pytest: the summary goes to pytest's terminal
        self.stream = stream  # records read back from the journal, not held in memory
        self.out = Path(cfg.out_dir)
        self.records: dict[str, CaseRecord] = {}
        self.verdicts: Counter = Counter()
        self.started = time.monotonic()  # the run's wall time (junit.xml's) counts from here
        self.failed_by_arch: Counter = Counter()
        # --xfail: the list, and the failures it does not expect, those it does, its cases that pass
        self.xfail = tuple(xfail.Entry.from_json(e) for e in cfg.xfail)
        self.unexpected = self.xfailed = self.xpassed = 0
        self.infra_why: Counter = Counter()  # infra-error reasons: the closing line names the usual one
        self.count = 0
        self.expected: list[Case] | None = None
        self.lost: dict[str, str] = {}
        self.added = 0  # results received in this run (a resumed run starts with the earlier ones)
        self.write_error: str | None = None
        self.interrupted = False
        # Why the run stopped before its end on purpose (--max-failures); None: it did not.
        self.stopped_early: str | None = None
        self.failures = 0  # candidate failures recorded in this run
        self.warnings: list[str] = []
        self.closed = False
        self.finished = False  # the run's end is written (engine/ending.py)
        self.selection_extra: dict = {}  # what else narrowed the selection (pytest's -k), for the history
        self._overflow: list[CaseRecord] = []  # a stream's records the journal could not take
        self._journal_path: Path | None = None
        self.tally = summary.Tally()
        self._held = self._hold()
        earlier = list(previous_records(self.out).values()) if cfg.resume else []
        if still is not None:  # the suite lost cases since the interrupted run: not this run's
            gone = [r for r in earlier if r.id not in still]
            earlier = [r for r in earlier if r.id in still]
            if gone:
                self.warnings.append(f"--resume: {len(gone)} case(s) the interrupted run judged are no longer "
                                     f"in the suite (e.g. {gone[0].id}): left out of this run's results")
        self._journal = self._open_journal(earlier)  # the earlier records first, so the journal is whole
        if self._journal is None and stream:
            self._overflow.extend(earlier)
        for rec in earlier:
            self._count(rec)

    # ---------------------------------------------------------------- the journal

    def _hold(self) -> int | None:
        """Lock the output folder; with --resume, check the run it finishes was this one; without,
        clear an earlier run's case folders (a case folder exists iff its latest verdict failed)."""
        try:
            fd = _lock(self.out)
        except OSError as exc:
            self.disk_error(exc)
            return None
        if self.cfg.resume:
            recorded = recorded_config(self.out)
            why = resume_difference(self.cfg, recorded) if recorded is not None else None
            if why:
                os.close(fd)
                raise UsageError(f"--resume would mix two runs in {self.out}: {why}; give the interrupted run's "
                                 "arguments, or run without --resume")
        elif (self.out / "results.json").exists() or (self.out / JOURNAL).exists():
            shutil.rmtree(self.out / "cases", ignore_errors=True)
        return fd

    def _open_journal(self, earlier: list[CaseRecord]):
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            with atomic_file(self.out / JOURNAL) as f:
                f.write(json.dumps({"run": self.cfg.to_dict()}, ensure_ascii=True).encode() + b"\n")
                for rec in earlier:
                    f.write(rec.line().encode() + b"\n")
            self._journal_path = self.out / JOURNAL
            return open(self._journal_path, "ab", buffering=0)
        except OSError as exc:
            self.disk_error(exc)
            return None

    def disk_error(self, exc: OSError) -> None:
        """Something of the run could not be written: it ends incomplete (exit 3), saying so."""
        if self.write_error is None:
            self.write_error = (f"could not write in {exc.filename or self.out}: {exc.strerror or exc}; "
                                "free some space or pass --out elsewhere, then run again with --resume")

    def _keep(self, rec: CaseRecord) -> None:
        if self._journal is not None:
            try:
                self._journal.write(rec.line().encode() + b"\n")
            except OSError as exc:  # a full disk: the run goes on, and ends incomplete (exit 3)
                self.disk_error(exc)
                with contextlib.suppress(OSError):
                    self._journal.close()
                self._journal = None
        if self.stream and self._journal is None:
            self._overflow.append(rec)
        self._count(rec)

    def _count(self, rec: CaseRecord) -> None:
        if not self.stream:
            self.records[rec.id] = rec
        self.verdicts[rec.verdict.name] += 1
        self.unexpected += rec.unexpected_failure
        self.xfailed += rec.is_xfail
        self.xpassed += rec.is_xpass
        if rec.verdict is V.INFRA_ERROR and len(self.infra_why) < 1000:
            self.infra_why[rec.reason] += 1
        self.tally.add(rec)
        self.count += 1

    # ---------------------------------------------------------------- what the schedulers call

    def expect(self, cases: list[Case] | None = None, total: int | None = None) -> None:
        """The cases this run selected (a finite run), or just how many (xdist's workers)."""
        if cases is not None and self.expected is None:
            self.expected = cases
        self.progress.expect(len(cases) if cases is not None else total)

    def add(self, rec: CaseRecord) -> None:
        rec = xfail.apply(self.xfail, rec)  # --xfail: an expected failure is marked, and counted apart
        self._keep(rec)
        self.added += 1
        self.progress.advance()
        if rec.unexpected_failure:
            self.failures += 1
            self.failed_by_arch[rec.arch] += 1  # beside the progress bar: failures so far by arch
            self.progress.note(**{f"{arch} failing": n for arch, n in sorted(self.failed_by_arch.items())})
            limit = self.cfg.max_failures
            if limit and self.failures >= limit and self.stopped_early is None:
                self.stopped_early = (f"stopped after {limit} candidate failure{'s' if limit > 1 else ''} "
                                      "(--max-failures): the cases not judged yet are not-run; no gate, no tasks")

    def add_lost(self, case_id: str, why: str) -> None:
        """A case whose worker died before it could send a record."""
        if case_id not in self.records:
            self.lost[case_id] = why
            self.added += 1
            self.progress.advance()

    def add_missing(self, cases: Iterable[Case]) -> None:
        """Cases the run selected and never judged (a stream stopped early)."""
        for case in cases:
            self._keep(missing(case, V.NOT_RUN, "the run stopped before this case"))

    def close(self, interrupted: bool = False) -> None:
        """No more records: every selected case not judged gets its record (not-run; infra-error
        when its worker died), and the journal file is closed. The scheduler calls it as it ends;
        a second call does nothing."""
        if self.closed:
            return
        self.closed = True
        self.progress.close()
        self.interrupted = interrupted
        for case in self.expected or ():
            if case.id in self.records:
                continue
            if case.id in self.lost and not interrupted:
                self._keep(missing(case, V.INFRA_ERROR, f"worker lost: {self.lost[case.id]}"))
            else:
                self._keep(missing(case, V.NOT_RUN, "the run stopped before this case"))
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.close()
            self._journal = None

    def drop_journal(self) -> None:
        """results.json holds every record now: the journal goes."""
        with contextlib.suppress(OSError):
            (self.out / JOURNAL).unlink()

    def release(self) -> None:
        """Unlock the output folder (the run is over): the lock file goes first, while still held,
        so a finished run folder holds only its results (a run locking the old file sees it gone)."""
        if self._held is not None:
            with contextlib.suppress(OSError):
                (self.out / LOCK).unlink()
            os.close(self._held)
            self._held = None

    def ordered(self) -> Iterable[CaseRecord]:
        """Every record, for the reports: sorted (a finite run), or in the order judged (a stream)."""
        if not self.stream:
            return [self.records[k] for k in sorted(self.records)]
        return _Replay(self._journal_path, self._overflow)


class _Replay:
    """A stream's records, re-iterable: the journal's, then those it could not take."""

    def __init__(self, journal: Path | None, overflow: list[CaseRecord]):
        self.journal = journal
        self.overflow = overflow

    def __iter__(self) -> Iterator[CaseRecord]:
        if self.journal is not None:
            yield from _read_journal(self.journal)
        yield from self.overflow
