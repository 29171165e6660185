"""A run's end, after its last record: the reports and the history written from the records the
recorder holds, the journal dropped, the folder unlocked; the summary lines; and the exit status,
decided here and nowhere else.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path

from oracle.infra import cache_redis
from oracle.model import verdict as V
from oracle.model.errors import EXIT_FAILURES, EXIT_INCOMPLETE, EXIT_OK
from oracle.model.text import clean
from oracle.report import errors_log, history, json_report, junit, run_page
from oracle.engine.journal import Recorder

# Verdicts that judge nothing about the candidate.
UNJUDGED = (V.REF_INVALID, V.UNSUPPORTED, V.INFRA_ERROR)


def finish(recorder: Recorder, interrupted: bool = False) -> None:
    """Reports, then history, from the records: results.json, junit.xml and errors.log (and the
    --json / --junit copies), the `latest` link, the run added to the history; then the journal
    goes (results.json holds every record) and the folder is unlocked. Once per run: a second
    call does nothing. `interrupted` counts only if the recorder was still open."""
    if recorder.finished:
        return
    recorder.finished = True
    recorder.close(interrupted)
    cfg, out = recorder.cfg, recorder.out
    records = recorder.ordered()
    complete = not (recorder.interrupted or recorder.stopped_early)
    try:
        json_report.write(out / "results.json", cfg, records, complete)
        wall = time.monotonic() - recorder.started  # junit's total: the run's wall time
        junit.write(out / "junit.xml", records, wall_s=wall)
        errors_log.write(out / "errors.log", records)
        run_page.write(out / "report.html", cfg, records)
        if cfg.json_copy:
            json_report.write(cfg.json_copy, cfg, records, complete)
        if cfg.junit_copy:
            junit.write(cfg.junit_copy, records, cases_root=out, wall_s=wall)
        _link_latest(out)
    except OSError as exc:
        recorder.disk_error(exc)
    if cfg.cache_path and cache_redis.is_url(cfg.cache_path):
        lost = cache_redis.run_warning(out)  # the workers' cache.log, as one line
        if lost:
            recorder.warnings.append(lost)
    if cfg.history_path and not recorder.write_error:
        try:
            history.record_run(cfg.history_path, cfg, records, complete, recorder.selection_extra)
        except (OSError, sqlite3.Error) as exc:
            recorder.warnings.append(f"the run was not added to the history {cfg.history_path}: {exc}")
    if not recorder.write_error:
        recorder.drop_journal()
    recorder.release()


def exit_status(recorder: Recorder, gate: int | None = None, tasks: int | None = None) -> int:
    """The run's exit status: 3 when it was cut short or could not write its results; the task
    folder's error when the tasks could not be written; else the gate's verdict when there is a
    baseline, or 1 for any candidate failure; and never 0 for a run with cases oracle could not
    judge (3)."""
    if recorder.write_error or recorder.interrupted:
        return EXIT_INCOMPLETE
    if tasks is not None:
        return tasks
    if gate is None:
        # --xfail: expected failures do not fail the run; an unexpected pass does (the list is wrong)
        gate = EXIT_FAILURES if recorder.unexpected or recorder.xpassed else EXIT_OK
    return EXIT_INCOMPLETE if gate == EXIT_OK and incomplete(recorder) else gate


def incomplete(recorder: Recorder) -> bool:
    """The run cannot exit 0: oracle failed on some case, or could judge none."""
    return bool(infra_errors(recorder)) or bool(recorder.count) and unjudged(recorder) == recorder.count


def infra_errors(recorder: Recorder) -> int:
    """How many cases oracle could not judge (infra-error)."""
    return recorder.verdicts[V.INFRA_ERROR.name]


def unjudged(recorder: Recorder) -> int:
    """Cases no verdict was reached on: the reference could not say, or oracle could not."""
    return sum(recorder.verdicts[v.name] for v in UNJUDGED)


def summary_lines(recorder: Recorder) -> list[str]:
    """The few lines a finished run prints: warnings, pass rates, where the reports are, and what
    it could not judge last."""
    cfg = recorder.cfg
    lines = [f"warning: {w}" for w in (*cfg.warnings, *recorder.warnings)]
    if not recorder.count:
        lines.append("no case selected: check --suite, --filter, --shard and --ratio")
    lines += recorder.tally.lines(cfg.arches)
    if recorder.interrupted:
        lines.append("interrupted: reports hold the cases finished so far (the rest are not-run)")
    elif recorder.stopped_early:
        lines.append(recorder.stopped_early)
    if recorder.write_error:
        lines.append(f"error: {recorder.write_error}")
    else:
        out = cfg.out_dir
        lines.append(f"reports: {out}/results.json · {out}/junit.xml · {out}/errors.log · {out}/report.html")
    last = closing_line(recorder)
    if last:
        lines.append(last)
    return lines


def closing_line(recorder: Recorder) -> str | None:
    """The summary's last line when the run judged less than it seems: infra-errors (with their
    usual cause), no case judged at all, or mostly ref-invalid."""
    verdicts, count = recorder.verdicts, recorder.count
    n_infra = infra_errors(recorder)
    if n_infra:
        why, n = recorder.infra_why.most_common(1)[0] if recorder.infra_why else ("", 0)
        return infra_line(n_infra, why if n * 2 > n_infra else "")
    if count and unjudged(recorder) == count:
        parts = ", ".join(f"{verdicts[v.name]} {v.name}" for v in UNJUDGED if verdicts[v.name])
        return (f"error: no case could be judged ({parts}): see errors.log; "
                "a reference that cannot build or run anything is the machine's or the toolchain's problem")
    ref_invalid = verdicts[V.REF_INVALID.name]
    if ref_invalid * 2 > count:
        return (f"warning: {ref_invalid} of {count} cases are ref-invalid (the reference cannot build "
                "or run them here): check the reference toolchain and errors.log")
    return None


def infra_line(n: int, why: str = "") -> str:
    """The summary's last line when oracle could not judge some cases (`why`: their usual cause)."""
    cause = f"; {clean(why, 200)}" if why else ""
    return f"{n} infra-error case{'s' if n != 1 else ''}: oracle could not judge them{cause} (see errors.log INFRA lines)"


def _link_latest(out: Path) -> None:
    if out.parent.name != "runs":
        return
    link = out.parent / "latest"
    if os.path.lexists(link) and not os.path.islink(link):
        return  # not oracle's link: never renamed over
    tmp = out.parent / f".latest-{os.getpid()}"
    with contextlib.suppress(OSError):
        tmp.unlink()
    os.symlink(out.name, tmp)
    os.replace(tmp, link)
