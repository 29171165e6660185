"""Done stays done: what `oracle done` leaves behind, and whether a later run may re-open a task.

`oracle done TASK` removes the task's files and writes `.<task-id>.done` (committed and pushed
with the removal in a git clone): who, when, the case ids, and the commit that fixed it (`--fix`,
default the HEAD of the clone the task folder is in). A run that fails the task's cases again
re-opens it only when it proves the fix did not hold:

* the run's candidate revision is known (`--candidate-rev`, or the git checkout its compiler lives
  in) and the fix is known: the task re-opens, as a regression, only if the candidate contains the
  fix (`git merge-base --is-ancestor FIX REV`); a candidate that predates the fix re-opens nothing;
* otherwise, by time: only a run that started after the done re-opens it.

A re-opened task says it is a regression of the done one (when, by whom, which fix), and the done
record goes. The record is plain JSON, the same bytes in every clone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from oracle.feed.folder import read_small
from oracle.report import atomic_write

FORMAT = "oracle-done/1"
SUFFIX = ".done"
MAX_BYTES = 4 << 20
_HEX = re.compile(r"^[0-9a-f]{7,40}$")


def path_of(folder: Path, cid: str) -> Path:
    return folder / f".{cid}{SUFFIX}"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _git(where: Path, *args: str) -> str | None:
    try:
        res = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() if res.returncode == 0 else None


def head_of(folder: Path) -> str | None:
    """The commit the clone holding `folder` is at (the fix, by default)."""
    probe = next((p for p in (folder, *folder.parents) if p.is_dir()), folder)
    return _git(probe, "rev-parse", "HEAD")


def resolve_fix(folder: Path, fix: str | None) -> str | None:
    """--fix REV as a full commit id (in the clone holding folder), or HEAD when not given."""
    if not fix:
        return head_of(folder)
    probe = next((p for p in (folder, *folder.parents) if p.is_dir()), folder)
    full = _git(probe, "rev-parse", "--verify", "--quiet", f"{fix}^{{commit}}")
    return full or (fix if _HEX.match(fix) else None)


@dataclass(frozen=True)
class Done:
    cid: str
    agent: str
    at: str  # UTC, ISO 8601
    fix: str | None
    cases: tuple[str, ...]
    cause: str = ""
    checked: str = ""  # what `oracle check` said when it was marked done ("not checked (--force)")

    def to_json(self) -> dict:
        return {"format": FORMAT, "id": self.cid, "agent": self.agent, "at": self.at, "fix": self.fix,
                "cases": list(self.cases), "cause": self.cause, "checked": self.checked}

    def describe(self) -> str:
        fix = f" (fix {self.fix[:12]})" if self.fix else ""
        return f"done by {self.agent} at {self.at}{fix}"


def write(folder: Path, done: Done) -> Path:
    path = path_of(folder, done.cid)
    atomic_write(path, json.dumps(done.to_json(), indent=1, sort_keys=True) + "\n")
    return path


def read(folder: Path, cid: str) -> Done | None:
    try:
        text = read_small(path_of(folder, cid), MAX_BYTES, "a done record")
    except OSError:
        return None
    if text is None:
        return None
    try:
        d = json.loads(text)
        if d.get("format") != FORMAT:
            return None
        return Done(str(d["id"]), str(d["agent"]), str(d["at"]), d.get("fix") or None,
                    tuple(str(c) for c in d.get("cases") or ()), str(d.get("cause") or ""),
                    str(d.get("checked") or ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def all_in(folder: Path) -> dict[str, Done]:
    out = {}
    for p in sorted(folder.glob(f".*{SUFFIX}")):
        cid = p.name[1: -len(SUFFIX)]
        d = read(folder, cid)
        if d is not None:
            out[cid] = d
    return out


def _stamp(text: str) -> dt.datetime | None:
    """A time stamp of results.json (`2026-12-06T19:21:20+0000`) or of a done record, as UTC."""
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            t = dt.datetime.strptime(text, fmt)
            return t.replace(tzinfo=dt.timezone.utc) if t.tzinfo is None else t.astimezone(dt.timezone.utc)
        except (ValueError, TypeError):
            continue
    return None


def _contains(repo: Path, fix: str, rev: str) -> bool | None:
    """Whether commit rev contains commit fix, by the clone at repo; None when it cannot tell."""
    if _git(repo, "cat-file", "-e", f"{fix}^{{commit}}") is None or _git(repo, "cat-file", "-e", f"{rev}^{{commit}}") is None:
        return None
    try:
        res = subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", fix, rev], capture_output=True,
                             timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return {0: True, 1: False}.get(res.returncode)


def reopens(done: Done, run_started: str, candidate_rev: str | None, repos: list[Path],
            built: str = "") -> tuple[bool, str]:
    """(whether a run that fails the task's cases again re-opens it, why). `candidate_rev`: the
    run's candidate commit, when known; `repos`: clones where both commits may be found; `built`:
    when the candidate was built (a build older than the done predates the fix, whenever it ran)."""
    rev = (candidate_rev or "").split("+", 1)[0] or None  # "+dirty-…": the commit it is based on
    if rev and done.fix:
        for repo in repos:
            contains = _contains(repo, done.fix, rev)
            if contains:
                return True, (f"regression: the candidate at {rev[:12]} contains the fix {done.fix[:12]} "
                              f"({done.describe()}) and fails again")
            if contains is False:
                return False, f"the candidate at {rev[:12]} predates the fix {done.fix[:12]} ({done.describe()})"
    started, at, made = _stamp(run_started), _stamp(done.at), _stamp(built)
    if made is not None and at is not None and made <= at:
        return False, f"the candidate was built at {built}, before it was {done.describe()}"
    if started is not None and at is not None and started > at:
        return True, f"regression: a run started at {run_started}, after it was {done.describe()}, fails again"
    return False, f"the run started at {run_started or 'an unknown time'}, before it was {done.describe()}"
