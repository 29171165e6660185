"""Task files in `current_tasks/`: one plain-text file per failure cluster, for agents.

The folder is shared by oracle and the agents that work from it, so the rules are:

* oracle owns `<slug>--<cluster-id>.txt` files that hold no `Claimed-by:` line;
* a file is *claimed* once it holds a `Claimed-by:` line or was renamed (any name that
  still holds `--<cluster-id>`, e.g. `….txt.claimed`); oracle never rewrites, moves or
  deletes a claimed file, and only appends one `Resolved:` line once all its cases pass;
* every write is a temp file plus a rename, under an exclusive `flock` on `.lock`, so
  two oracle processes never interleave and readers never see half a file;
* nothing time-dependent is written, so the same results give the same bytes.
"""

from __future__ import annotations

import fcntl
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import verdict as V
from .cluster import ID_LEN, Cluster, clusters
from .record import CaseRecord
from .reports import atomic_write
from .results import Run
from .text import clean

DEFAULT_DIR = "current_tasks"
MAX_IDS = 20
MAX_PROGRAM_LINES = 150
MAX_OUTPUT_LINES = 8
LOCK = ".lock"
_CID = re.compile(rf"--([0-9a-f]{{{ID_LEN}}})(?![0-9a-f])")
_CLAIM = re.compile(r"^Claimed-by:", re.M)
_RESOLVED = re.compile(r"^Resolved:", re.M)


@dataclass(slots=True)
class SyncReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    claimed: list[str] = field(default_factory=list)
    clusters: int = 0
    failures: int = 0

    @property
    def open_tasks(self) -> int:
        return len(self.written) + len(self.unchanged)

    def line(self, folder: Path) -> str:
        return (f"tasks: {folder}/ holds {self.open_tasks} open task files ({self.failures} failing cases in "
                f"{self.clusters} clusters; {len(self.claimed)} claimed, {len(self.removed)} removed, "
                f"{len(self.resolved)} newly resolved)")


def slugify(text: str, limit: int = 60) -> str:
    """Lower-case words joined by '-': safe in any file system, whatever the test was called."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-") or "task"


def file_name(cl: Cluster) -> str:
    return f"{slugify(cl.title)}--{cl.id}.txt"


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def sync(run: Run, folder: str | Path, max_tasks: int | None = None,
         reduced: dict[str, Path] | None = None) -> SyncReport:
    """Make `folder` hold one task file per open cluster of `run`, respecting claims."""
    folder = Path(folder)
    cls = clusters(run.cases, run.arches)
    rep = SyncReport(clusters=len(cls), failures=sum(len(c.records) for c in cls))
    with locked(folder):
        existing = _scan(folder)
        claimed = {cid for cid, files in existing.items() if any(_is_claimed(p) for p in files)}
        rep.claimed = sorted(claimed)
        chosen = [c for c in cls if c.id not in claimed]
        if max_tasks is not None:
            chosen = chosen[:max_tasks]
        for cl in chosen:
            text = render(cl, run, (reduced or {}).get(cl.id))
            _write_if_changed(folder / file_name(cl), text, rep)
            _write_if_changed(folder / f".{cl.id}.cases", "".join(i + "\n" for i in cl.case_ids), None)
        chosen_ids = {c.id for c in chosen}
        current_ids = {c.id for c in cls}
        verdicts = {r.id: r.verdict for r in run.cases}
        for cid, files in sorted(existing.items()):
            if cid in chosen_ids:
                for p in files:  # an old name of a task now written under another one
                    if p.name != file_name(next(c for c in chosen if c.id == cid)):
                        p.unlink(missing_ok=True)
                continue
            ids = _case_ids(folder, cid)
            if cid in claimed:
                if cid not in current_ids and _all_pass(ids, verdicts):
                    for p in files:
                        if _is_claimed(p) and _mark_resolved(p, len(ids), run):
                            rep.resolved.append(p.name)
                continue
            # Unclaimed and not chosen: dropped by --max-tasks, or stale. A stale task is removed
            # only when this run judged all its cases (a --filter run says nothing about others).
            if cid in current_ids or (ids and all(i in verdicts for i in ids)):
                for p in files:
                    p.unlink(missing_ok=True)
                    rep.removed.append(p.name)
                (folder / f".{cid}.cases").unlink(missing_ok=True)
    return rep


def _scan(folder: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or not p.is_file():
            continue
        m = _CID.search(p.name)
        if m:
            out.setdefault(m.group(1), []).append(p)
    return out


def _is_claimed(path: Path) -> bool:
    if not path.name.endswith(".txt"):
        return True  # renamed by an agent
    try:
        return bool(_CLAIM.search(path.read_text(errors="replace")))
    except OSError:
        return True  # unreadable: not ours to touch


def _case_ids(folder: Path, cid: str) -> list[str]:
    try:
        return (folder / f".{cid}.cases").read_text().split()
    except OSError:
        return []


def _all_pass(ids: list[str], verdicts: dict[str, V.Verdict]) -> bool:
    return bool(ids) and all(verdicts.get(i) is V.PASS for i in ids)


def _mark_resolved(path: Path, n: int, run: Run) -> bool:
    text = path.read_text(errors="replace")
    if _RESOLVED.search(text):
        return False
    # Appended in place rather than replaced: the agent may hold the file open.
    with open(path, "a") as f:
        f.write(("" if text.endswith("\n") else "\n") + f"Resolved: all {n} cases pass in {run.path}\n")
    return True


def _write_if_changed(path: Path, text: str, rep: SyncReport | None) -> None:
    try:
        same = path.read_text() == text
    except OSError:
        same = False
    if not same:
        atomic_write(path, text)
    if rep is not None:
        (rep.unchanged if same else rep.written).append(path.name)


# ---------------------------------------------------------------- one task file

def render(cl: Cluster, run: Run, reduced: Path | None = None) -> str:
    rep = representative(cl, run)
    n = len(cl.records)
    arches = ", ".join(cl.arches) + (" (every tested arch)" if cl.all_arches else " (not every tested arch)")
    opts = ", ".join(sorted({r.opt for r in cl.records}))
    lines = [
        f"{cl.title} [{n} case{'s' * (n != 1)}]",
        "",
        f"Task: {cl.id}",
        f"Verdict: {cl.verdict} ({cl.verdict.label})",
        f"Arches: {arches}",
        f"Opt levels: {opts}",
        f"Signature: {clean(cl.signature, 300)}",
        f"Cases: {n}",
    ]
    lines += [f"  {i}" for i in cl.case_ids[:MAX_IDS]]
    if n > MAX_IDS:
        lines.append(f"  ... and {n - MAX_IDS} more (all of them: .{cl.id}.cases next to this file)")
    lines += ["", f"Representative: {rep.id}", f"Reason: {clean(rep.reason, 400)}"]
    case_dir = run.case_dir(rep.id)
    if case_dir and (case_dir / "repro.sh").exists():
        lines.append(f"Reproduce: sh {case_dir / 'repro.sh'}   (exit 1: still fails, 0: fixed)")
        lines += [""] + _expected_actual(cl.verdict, case_dir)
    lines += [""] + _program(cl, run, reduced)
    lines += ["", "To claim this task: add a line 'Claimed-by: <your name>' or rename this file to end in "
              ".claimed; oracle then leaves it alone."]
    return "\n".join(lines) + "\n"


def representative(cl: Cluster, run: Run) -> CaseRecord:
    """The case whose program is smallest (ties broken by id), so it is the quickest to study."""
    return min(cl.records, key=lambda r: (_program_lines(run, r), r.id))


def _source(run: Run, record: CaseRecord) -> Path | None:
    d = run.case_dir(record.id)
    if d is None:
        return None
    p = d / "src" / Path(record.test).name
    return p if p.is_file() else None


def _program_lines(run: Run, record: CaseRecord) -> int:
    p = _source(run, record)
    return len(p.read_bytes().splitlines()) if p else 1 << 30


def _program(cl: Cluster, run: Run, reduced: Path | None) -> list[str]:
    rep = representative(cl, run)
    src = _source(run, rep)
    if reduced is None:
        from .reduce import verified

        reduced = verified(run, rep.id)
    if reduced is not None and reduced.is_file():
        head = f"Smallest known program (reduced by oracle reduce from {rep.id}; {reduced}):"
        path = reduced
    elif src is not None:
        head = f"Smallest known program ({src}):"
        path = src
    else:
        return ["Smallest known program: none (no case folder was written)"]
    text = path.read_text(errors="replace").splitlines()
    body = [clean(ln, 300) for ln in text[:MAX_PROGRAM_LINES]]
    if len(text) > MAX_PROGRAM_LINES:
        body.append(f"... ({len(text) - MAX_PROGRAM_LINES} more lines in {path})")
    return [head, "-----", *body, "-----"]


def _expected_actual(verdict: V.Verdict, d: Path) -> list[str]:
    if verdict in (V.COMPILE_ERROR, V.COMPILER_CRASH, V.COMPILE_TIMEOUT):
        return ["Expected: the program builds (the reference builds and runs it)",
                "Actual (candidate compile log, trimmed):", *_trimmed(d / "candidate.compile.log")]
    out = [f"Expected: {_status(d / 'reference.status')}, stdout:", *_trimmed(d / "reference.stdout"),
           f"Actual: {_status(d / 'candidate.status')}, stdout:", *_trimmed(d / "candidate.stdout")]
    if (d / "candidate.stderr").is_file() and (d / "candidate.stderr").stat().st_size:
        out += ["Actual stderr:", *_trimmed(d / "candidate.stderr")]
    return out


def _status(path: Path) -> str:
    try:
        return path.read_text().strip() or "?"
    except OSError:
        return "?"


def _trimmed(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError:
        return ["  (missing)"]
    lines = data.decode("utf-8", "backslashreplace").splitlines()
    out = [f"  | {clean(ln, 160)}" for ln in lines[:MAX_OUTPUT_LINES]]
    if len(lines) > MAX_OUTPUT_LINES:
        out.append(f"  | ... ({len(lines) - MAX_OUTPUT_LINES} more lines in {path})")
    return out or ["  (empty)"]
