"""Task files in `current_tasks/`: one plain-text file per failure cluster, for agents.

The folder is shared by oracle and the agents that work from it, and often committed to git
and shared by agents in separate clones. So the rules are:

* a task is `<slug>--<cluster-id>.txt` plus its state `.<cluster-id>.json` (every case it
  holds, each `fails` or what it does now, and the representative's details). The text is
  rendered from the state alone: no absolute paths, run folders or time stamps, so the same
  failures give the same bytes in every clone and every run;
* a run only adds: failures it saw are added to their task, cases it saw passing (or failing
  another way) are marked so; a case it did not judge (`--fast`, `--ratio`, `-k`, `--shard`,
  other arches) is left as it was. A task goes only once none of its cases fails its way any
  more, whichever runs judged them;
* a task is *claimed* when `<cluster-id>.claim` exists (`oracle claim`, see oracle/feed/claim.py), or
  (the older protocol) its file holds a `Claimed-by:` line or was renamed. oracle never writes,
  moves or deletes a claimed task's files (an old-style claimed file gets one `Resolved:` line
  once all its cases pass);
* clusters beyond `--max-tasks` go to one low-priority file, `ideas.txt`;
* every write is a temp file plus a rename, under an exclusive `flock` on `.lock`, so
  two oracle processes never interleave and readers never see half a file.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shlex
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from oracle.model import verdict as V
from oracle.feed import done as done_records
from oracle.feed import regression
from oracle.feed.cluster import ID_LEN, Cluster, clusters, key, symbol_family
from oracle.feed.folder import entry, read_small
from oracle.model.errors import FeedError
from oracle.judge.evidence import code_only, features, gcc_only
from oracle.model import preprocessing
from oracle.model.record import CaseRecord
from oracle.report import atomic_write, refuse_special
from oracle.report.results import Run
from oracle.config.targets import HOST_ARCH
from oracle.model.text import clean
from oracle.judge.kinds import kind_of
from oracle.discover.suites.projects import recipe_of

DEFAULT_DIR = "current_tasks"
FORMAT = "oracle-task/1"
MAX_IDS = 20
MAX_PROGRAM_LINES = 150
MAX_OUTPUT_LINES = 8
LOCK = ".lock"
IDEAS = "ideas.txt"
CLAIM_SUFFIX = ".claim"
MAX_CLAIM_BYTES = 64 << 10  # a claim is a few lines: anything bigger was not written by oracle
MAX_TASK_BYTES = 1 << 20  # a task file (a few hundred lines), ideas.txt, an older format's id list
MAX_STATE_BYTES = 64 << 20  # a task's state: every case it holds
FAILS = "fails"
PASSES = "passes"
_CID = re.compile(rf"(?:--|^)([0-9a-f]{{{ID_LEN}}})(?![0-9a-f])")
_TASK_NAME = re.compile(rf"^[a-z0-9-]+--([0-9a-f]{{{ID_LEN}}})\.txt$")
_STATE_NAME = re.compile(rf"^\.([0-9a-f]{{{ID_LEN}}})\.(?:json|cases|done)$")
_CLAIM = re.compile(r"^Claimed-by:", re.M)
_RESOLVED = re.compile(r"^Resolved:", re.M)
# An absolute path's folders ("/root/.cache/oracle/corpora/torture/", "/dev/shm/oracle-x/7/src/"):
# they belong to one machine and one run, so a task keeps only the file name.
_ABS_DIRS = re.compile(r"(?<![\w.~-])/(?:[^\s/:'\"`]+/)+")
@dataclass(slots=True)
class SyncReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    claimed: list[str] = field(default_factory=list)
    ideas: int = 0
    clusters: int = 0
    failures: int = 0
    open_tasks: int = 0  # the folder's own count after the update: unclaimed task files
    kept_done: list[str] = field(default_factory=list)  # done tasks this run fails and may not re-open
    regressions: list[str] = field(default_factory=list)  # done tasks re-opened as regressions

    def line(self, folder: Path) -> str:
        ideas = f", {self.ideas} more in {IDEAS}" if self.ideas else ""
        done = f", {len(self.kept_done)} done ones left closed (the run predates their fix)" if self.kept_done else ""
        back = f", {len(self.regressions)} done ones re-opened as regressions" if self.regressions else ""
        return (f"tasks: {folder}/ holds {self.open_tasks} open task files and {len(self.claimed)} claimed "
                f"({self.failures} failing cases of this run in {self.clusters} clusters; {len(self.written)} "
                f"written, {len(self.removed)} removed, {len(self.resolved)} claimed ones now pass{done}{back}"
                f"{ideas})")


def slugify(text: str, limit: int = 60) -> str:
    """Lower-case words joined by '-': safe in any file system, whatever the test was called."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-") or "task"


def file_name(state: dict) -> str:
    return f"{slugify(state['cause'])}--{state['id']}.txt"


def claim_path(folder: Path, cid: str) -> Path:
    return folder / f"{cid}{CLAIM_SUFFIX}"


def task_id(text: str) -> str | None:
    """The cluster id a task name, file name or path holds."""
    m = _CID.search(Path(text).name)
    return m.group(1) if m else None


def is_claimed(folder: Path, cid: str, files: list[Path] | None = None) -> bool:
    """Whether task cid is claimed: its claim file, or (the older protocol) a Claimed-by: line in
    or a rename of one of its files (`files`: found in the folder when not given)."""
    if entry(claim_path(folder, cid)) is not None:
        return True
    if files is None:
        files = [p for p in folder.glob(f"*--{cid}*") if not p.name.startswith(".")]
    return any(_old_style_claim(p) for p in files)


def written_by_oracle(folder: Path, name: str, exists: bool) -> bool:
    """Whether this task-folder entry is one oracle's update writes or deletes (so `tasks --commit`
    may commit or reset it): ideas.txt, the files of unclaimed tasks by the names their states
    give. Never a claim, the flock, a claimed task's files or anything an agent made."""
    if name == IDEAS:
        return True
    m = _STATE_NAME.match(name) or _TASK_NAME.match(name)
    if not m or is_claimed(folder, m.group(1)):
        return False
    if name.startswith("."):
        return True
    state = _load_state(folder, m.group(1))
    if state is None:
        return not exists  # a task oracle removed (its state went with it); else an older or an agent's file
    return name == file_name(state)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


# ---------------------------------------------------------------- the update

def sync(run: Run, folder: str | Path, max_tasks: int | None = None,
         reduced: dict[str, Path] | None = None) -> SyncReport:
    """Merge `run`'s failures into the task folder: add what it saw, never drop what it did not judge."""
    folder = Path(folder)
    reg = regression.regressed(run)
    rep = SyncReport()
    ctx = _Context(run, folder, reduced or {})
    by_case = {r.id: r for r in run.cases}
    with locked(folder):
        ignore = folder / ".gitignore"
        if not ignore.exists():  # the flock file and temp files are no part of a committed folder
            atomic_write(ignore, f"{LOCK}\n.*.tmp\n.*.old\n")
        existing = _scan(folder)
        claimed = {cid for cid, files in existing.items() if is_claimed(folder, cid, files)}
        claimed |= {p.name[: -len(CLAIM_SUFFIX)] for p in folder.glob(f"*{CLAIM_SUFFIX}")}
        states = {cid: s for cid in existing if cid not in claimed and (s := _load_state(folder, cid))}
        # A regression task holds its cases while they fail (claimed or not): they join no cause task.
        held = {i for cid in set(states) | claimed if (st := states.get(cid) or _load_state(folder, cid))
                and st["signature"].startswith(regression.PREFIX) for i, c in st["cases"].items()}
        taken = held | ({r.id for r in reg[0]} if reg else set())
        cls = clusters([r for r in run.cases if r.id not in taken], run.arches)
        if reg:
            cls.insert(0, regression.cluster_of(reg, run.arches))
        rep.clusters, rep.failures = len(cls), sum(len(c.records) for c in cls)
        new = [c for c in cls if c.id not in states and c.id not in claimed]
        new, back = _done_stays_done(folder, run, new, rep)
        room = None if max_tasks is None else max(0, max_tasks - len(states))
        ideas = new[room:] if room is not None else []
        new = new[:room] if room is not None else new
        for cl in cls:
            if cl.id in states:
                _merge(states[cl.id], cl, ctx)
        for cl in new:
            states[cl.id] = _merge(_fresh(cl), cl, ctx)
            if cl.id in back:
                states[cl.id]["regression"] = back[cl.id]
            if reg and cl.signature == reg[1]:
                states[cl.id]["revisions"] = reg[3]
        for state in states.values():
            _mark(state, by_case)
        _legacy(folder, existing, set(states) | claimed, by_case, rep)
        # Related: lines may name claimed tasks too (read, never written): a claim changes no other file.
        neighbours = {**{c: s for c in claimed if (s := _load_state(folder, c))}, **states}
        for cid, state in sorted(states.items()):
            if not any(c["state"] == FAILS for c in state["cases"].values()):
                for p in existing.get(cid, []):
                    p.unlink(missing_ok=True)
                    rep.removed.append(p.name)
                (folder / f".{cid}.json").unlink(missing_ok=True)
                (folder / f".{cid}.cases").unlink(missing_ok=True)
                continue
            name = file_name(state)
            _write_if_changed(folder / name, render(state, neighbours), rep)
            _write_if_changed(folder / f".{cid}.json", _dump(state), None)
            (folder / f".{cid}.cases").unlink(missing_ok=True)  # the older format's list of ids
            for p in existing.get(cid, []):
                if p.name != name:  # an older name of this task
                    p.unlink(missing_ok=True)
        verdicts = {r.id: r.verdict for r in run.cases}
        for cid in sorted(claimed):
            files = existing.get(cid, [])
            ids = _claimed_case_ids(folder, cid)
            if ids and all(verdicts.get(i) is V.PASS for i in ids):
                rep.resolved.append(cid)
                for p in files:
                    if _old_style_claim(p):
                        _mark_resolved(p, len(ids))
        rep.claimed = sorted(claimed)
        rep.ideas = _update_ideas(folder, ideas, set(states) | claimed)
        rep.open_tasks = sum(1 for cid in states if (folder / file_name(states[cid])).exists())
    return rep


def _done_stays_done(folder: Path, run: Run, new: list[Cluster], rep: SyncReport):
    """The new clusters a done task's record lets this run open, and those of them re-opened as
    regressions (cid -> why); a done task the run may not re-open stays closed (feed/done.py)."""
    records = done_records.all_in(folder)
    if not records:
        return new, {}
    started = str(run.doc.get("started") or "")
    cands = run.config_dict.get("candidates") or {}
    rev = next((c.get("commit") for c in cands.values() if isinstance(c, dict) and c.get("commit")), None)
    argv0 = next((c.get("path") for c in cands.values() if isinstance(c, dict) and c.get("path")), None)
    built = next((c.get("built") for c in cands.values() if isinstance(c, dict) and c.get("built")), "")
    repos = [repo_root(folder)] + ([Path(os.path.dirname(argv0))] if argv0 else [])
    keep, back = [], {}
    for cl in new:
        done = records.get(cl.id)
        if done is None:
            keep.append(cl)
            continue
        reopen, why = done_records.reopens(done, started, rev, repos, built)
        if reopen:
            back[cl.id] = why
            keep.append(cl)
            done_records.path_of(folder, cl.id).unlink(missing_ok=True)
            rep.regressions.append(cl.id)
        else:
            rep.kept_done.append(cl.id)
    return keep, back


def _legacy(folder: Path, existing: dict[str, list[Path]], known: set[str], by_case: dict[str, CaseRecord],
            rep: SyncReport) -> None:
    """Unclaimed task files of an older oracle (no state): removed once this run judged all their
    cases (their failures are in this run's own tasks then); else left as they are."""
    for cid, files in existing.items():
        if cid in known:
            continue
        ids = (read_small(folder / f".{cid}.cases", MAX_TASK_BYTES, "a list of case ids") or "").split()
        if ids and all(i in by_case and by_case[i].verdict.counted for i in ids):
            for p in files:
                p.unlink(missing_ok=True)
                rep.removed.append(p.name)
            (folder / f".{cid}.cases").unlink(missing_ok=True)


def _scan(folder: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or p.name.endswith(CLAIM_SUFFIX) or p.name == IDEAS:
            continue
        m = _CID.search(p.name)
        if m and "--" in p.name:
            if p.is_dir() and not p.is_symlink():
                continue  # an agent's folder
            entry(p)
            out.setdefault(m.group(1), []).append(p)
    return out


def _old_style_claim(path: Path) -> bool:
    if not path.name.endswith(".txt"):
        return True  # renamed by an agent
    try:
        return bool(_CLAIM.search(read_small(path, MAX_TASK_BYTES, "a task file") or ""))
    except OSError:
        return True  # unreadable: not ours to touch


def _load_state(folder: Path, cid: str) -> dict | None:
    text = read_small(folder / f".{cid}.json", MAX_STATE_BYTES, "a task's state")
    if text is None:
        return None
    try:
        state = json.loads(text)
        if isinstance(state, dict) and state.get("format") == FORMAT and isinstance(state.get("cases"), dict):
            return state
    except (OSError, ValueError):
        pass
    return None


def _claimed_case_ids(folder: Path, cid: str) -> list[str]:
    state = _load_state(folder, cid)
    if state is not None:
        return sorted(i for i, c in state["cases"].items() if c["state"] == FAILS)
    return (read_small(folder / f".{cid}.cases", MAX_TASK_BYTES, "a list of case ids") or "").split()


def _dump(state: dict) -> str:
    return json.dumps(state, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def _fresh(cl: Cluster) -> dict:
    return {"format": FORMAT, "id": cl.id, "verdict": cl.verdict.name, "cause": cl.cause or cl.title,
            "signature": cl.signature, "cases": {}, "symbols": [], "rep": None}


def _mark(state: dict, by_case: dict[str, CaseRecord]) -> None:
    """Cases this run judged that no longer fail this task's way: passing, or failing otherwise."""
    for cid, case in state["cases"].items():
        r = by_case.get(cid)
        if r is None or not r.verdict.counted:
            continue  # not judged here (sampled out, filtered, another shard or arch): unchanged
        if r.verdict is V.PASS:
            case["state"] = PASSES
        elif key(r)[0] == state["signature"] or state["signature"].startswith(regression.PREFIX):
            case["state"] = FAILS
        else:
            case["state"] = f"now {r.verdict.name}"


def _merge(state: dict, cl: Cluster, ctx: "_Context") -> dict:
    for r in cl.records:
        state["cases"].setdefault(r.id, {"arch": r.arch, "opt": r.opt})["state"] = FAILS
    # A link error's symbols of this task's family; one a case also misses of another family is a
    # second bug, named apart (never listed as if the same mechanism provided it).
    family = cl.signature.split("|link|", 1)[1] if "|link|" in cl.signature else None
    seen = {s for r in cl.records for s in r.evidence.missing_symbols}
    mine = {s for s in seen if family is None or symbol_family(s)[0] == family}
    state["symbols"] = sorted(set(state["symbols"]) | mine)
    other = sorted(set(state.get("other_symbols", ())) | (seen - mine))
    if other:
        state["other_symbols"] = other
    seen = [r for r in cl.records if ctx.run.case_dir(r.id)] or cl.records  # folders hold the details
    best = min(seen, key=ctx.rep_key, default=None)
    old = state.get("rep")
    if best is not None and (old is None or ctx.rep_key(best) < tuple(old["key"])
                             or state["cases"].get(old["id"], {}).get("state") != FAILS):
        state["rep"] = ctx.details(best)
    elif old is not None and best is not None and best.id == old["id"] and not old.get("reduced"):
        better = ctx.reduced_program(best)
        if better is not None:  # the same representative, now reduced
            old["program"], old["program_note"], old["reduced"] = better[0], better[1], True
    return state


def _write_if_changed(path: Path, text: str, rep: SyncReport | None) -> None:
    refuse_special(path)  # a FIFO would block the read; a link or a device is never replaced
    try:
        same = read_small(path, len(text.encode()) + 1) == text
    except FeedError:
        same = False  # bigger than what replaces it
    except OSError:
        same = False
    if not same:
        atomic_write(path, text)
    if rep is not None:
        (rep.unchanged if same else rep.written).append(path.name)


def _mark_resolved(path: Path, n: int) -> bool:
    text = read_small(path, MAX_TASK_BYTES, "a task file") or ""
    if _RESOLVED.search(text):
        return False
    # Appended in place rather than replaced: the agent may hold the file open.
    with open(path, "a") as f:
        f.write(("" if text.endswith("\n") else "\n") + f"Resolved: all {n} cases pass\n")
    return True


def _update_ideas(folder: Path, extra: list[Cluster], tasks: set[str]) -> int:
    """ideas.txt: one line per cluster beyond --max-tasks; lines are only added or, once the
    cluster is a task, removed: a partial run never drops one."""
    path = folder / IDEAS
    lines: dict[str, str] = {}
    for ln in (read_small(path, MAX_TASK_BYTES, IDEAS) or "").splitlines():
        m = _CID.match(ln)
        if m:
            lines[m.group(1)] = ln
    for cl in extra:
        lines.setdefault(cl.id, f"{cl.id}  {cl.verdict}  {clean(cl.cause or cl.title, 200)}  e.g. {cl.case_ids[0]}")
    lines = {cid: ln for cid, ln in lines.items() if cid not in tasks}
    if not lines:
        if path.exists():
            path.unlink()
        return 0
    head = ("# Low-priority clusters beyond --max-tasks: one line each (id, verdict, cause, one case).\n"
            "# A run with a larger --max-tasks makes them tasks.\n")
    _write_if_changed(path, head + "".join(lines[c] + "\n" for c in sorted(lines)), None)
    return len(lines)


# ---------------------------------------------------------------- what a run knows of a case

class _Context:
    """Reads one run's case folders into the self-contained details a task keeps."""

    def __init__(self, run: Run, folder: Path, reduced: dict[str, Path]):
        self.run = run
        self.reduced = reduced
        self.root = repo_root(folder)
        self._lines: dict[str, int] = {}
        try:
            self.cfg = run.config_dict
        except AttributeError:
            self.cfg = {}

    def rep_key(self, r: CaseRecord) -> tuple:
        """The host arch first (no emulator to debug under), then the smallest program, then the id."""
        return (r.arch != HOST_ARCH, self.lines(r), r.id)

    def source(self, r: CaseRecord) -> Path | None:
        d = self.run.case_dir(r.id)
        if d is None:
            return None
        p = d / "src" / Path(r.test).name
        if p.is_file():
            return p
        made = sorted((d / "src").glob("*.c"))  # a generated program: named after its generator and seed
        return made[0] if made and not r.case.sources else None

    def lines(self, r: CaseRecord) -> int:
        """The program's size: lines of code (comments and blank lines aside) in the test and every
        file linked in with it, so an example is the smallest program, not the smallest file."""
        if r.id not in self._lines:
            p = self.source(r)
            if p is None:
                self._lines[r.id] = 1 << 30
            else:
                files = [p, *(p.parent / Path(s).name for s in r.case.sources[1:])]
                self._lines[r.id] = sum(sum(1 for ln in code_only(f.read_text(errors="replace")).splitlines()
                                            if ln.strip()) for f in files if f.is_file())
        return self._lines[r.id]

    def reduced_program(self, r: CaseRecord) -> tuple[list[str], str] | None:
        path = self.reduced.get(r.id)
        if path is None:
            from oracle.feed.reduce import verified

            path = verified(self.run, r.id)
        if path is None or not path.is_file():
            return None
        return _program_lines(path), f"reduced by oracle reduce from {r.id}"

    def details(self, r: CaseRecord) -> dict:
        d = self.run.case_dir(r.id)
        src = self.source(r)
        program, note, reduced = [], "", False
        if (red := self.reduced_program(r)) is not None:
            (program, note), reduced = red, True
        elif src is not None:
            program, note = _program_lines(src), f"the test as run, {Path(r.test).name}"
        case = r.case
        return {
            "id": r.id, "key": list(self.rep_key(r)), "suite": r.suite, "test": r.test, "arch": r.arch,
            "opt": r.opt, "flags": list(case.flags), "ref_opts": list(case.ref_opts),
            "extra": [Path(s).name for s in case.sources[1:]],
            "reason": _reason(r),
            "expected_actual": _expected_actual(r.verdict, d) if d else ["Expected vs actual: not known here "
                                                                         "(the run wrote no case folder): run the "
                                                                         "reproduction below"],
            "program": program, "program_note": note, "reduced": reduced,
            "gcc_only": gcc_only(case.flags, src.read_bytes() if src else b""),
            "clang": r.evidence.clang, "ub": clean(r.evidence.ub, 200),
            "preprocessor": [clean(x, 700) for x in r.evidence.preprocessor],
            "features": features(src.read_bytes() if src else b""),
            "where": self.where(r), "repro": self.repro(r),
            **(self.project_details(r, d) if kind_of(r.suite).project else {}),
        }

    def project_details(self, r: CaseRecord, d: Path | None) -> dict:
        """A project task's own facts: where the project's source comes from (package, version,
        the fetch command) and which TUs the candidate compiled, so the task stands alone."""
        out: dict = {}
        try:
            recipe, _ = recipe_of(r.case)
        except Exception:  # the recipe is gone or changed: the task still names the test
            recipe = None
        if recipe is not None:
            if recipe.package:
                out["source"] = (f"Debian source package {recipe.package} {recipe.version or ''}".rstrip()
                                 + f" (fetched and checksummed by: oracle corpus fetch project {recipe.name})")
            else:
                out["source"] = f"the tree next to its recipe ({recipe.name}.toml's source.dir)"
        try:
            info = json.loads((d / "project.json").read_text()) if d else {}
        except (OSError, ValueError):
            info = {}
        if isinstance(info, dict) and info.get("candidate_tus"):
            tus = info["candidate_tus"]
            out["tus"] = (f"{len(tus)} TUs compiled by the candidate"
                          + (f", {len(info.get('rejected_tus') or [])} it rejected (GCC compiled them): "
                             + ", ".join(info["rejected_tus"][:10]) if info.get("rejected_tus") else "")
                          + f"; e.g. {', '.join(tus[:8])}{' …' if len(tus) > 8 else ''}")
        return out

    def where(self, r: CaseRecord) -> str:
        return kind_of(r.suite).where(r.suite, r.test, self._suite_folder())

    def _suite_folder(self) -> str | None:
        spec = str(self.cfg.get("suite") or "")
        if not spec or kind_of(spec).named or "/" not in spec:
            return None
        return self._rel(spec)

    def _rel(self, path: str) -> str:
        try:
            rel = os.path.relpath(path, self.root)
        except ValueError:
            return path
        return path if rel.startswith("..") else rel

    def compiler(self, arch: str) -> str | None:
        cand = (self.cfg.get("candidates") or {}).get(arch)
        if not cand:
            return None
        argv = list(cand["argv"])
        exe = argv[0]
        rel = self._rel(exe)
        if rel != exe:
            argv[0] = rel if "/" in rel else "./" + rel
        elif shutil.which(os.path.basename(exe)) and os.path.realpath(shutil.which(os.path.basename(exe)) or "") \
                == os.path.realpath(exe):
            argv[0] = os.path.basename(exe)  # on PATH: the name works in any clone
        return shlex.join(argv)

    def repro(self, r: CaseRecord) -> str:
        argv = ["oracle", "repro", r.id]
        comp = self.compiler(r.arch)
        if comp is not None:
            argv += ["--compiler", comp if r.arch == HOST_ARCH else f"{r.arch}={comp}"]
        folder = self._suite_folder()
        if folder is not None:
            argv += ["--suite", folder]
        for option in kind_of(r.suite).options:
            if self.cfg.get(option):
                argv += ["--" + option.replace("_", "-"), self.cfg[option]]
        return shlex.join(argv)


def repo_root(folder: Path) -> Path:
    """Where paths in task files are relative to: the git work tree holding the folder, else its parent."""
    folder = folder.resolve()
    try:
        out = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=30)
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return folder.parent


def scrub(text: str) -> str:
    """Text without the folders of absolute paths (they name one machine's run)."""
    return _ABS_DIRS.sub("", text)


def _reason(r: CaseRecord) -> str:
    return scrub(clean(r.reason, 400))


def _program_lines(path: Path) -> list[str]:
    text = path.read_text(errors="replace").splitlines()
    body = [clean(ln, 300) for ln in text[:MAX_PROGRAM_LINES]]
    if len(text) > MAX_PROGRAM_LINES:
        body.append(f"... ({len(text) - MAX_PROGRAM_LINES} more lines: see the test itself)")
    return body


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
    out = [f"  | {scrub(clean(ln, 160))}" for ln in lines[:MAX_OUTPUT_LINES]]
    if len(lines) > MAX_OUTPUT_LINES:
        out.append(f"  | ... ({len(lines) - MAX_OUTPUT_LINES} more lines)")
    return out or ["  (empty)"]


# ---------------------------------------------------------------- one task file

def render(state: dict, others: dict[str, dict] | None = None) -> str:
    """The task file: from its state alone (and its open neighbours, for Related: lines)."""
    cases = state["cases"]
    failing = sorted(i for i, c in cases.items() if c["state"] == FAILS)
    settled = sorted(i for i, c in cases.items() if c["state"] != FAILS)
    n = len(failing)
    verdict = V.by_name(state["verdict"])
    rep = state.get("rep") or {}
    doubt = " (likely relies on GCC's choices: see Third opinion)" if rep.get("clang") == "candidate" else \
        " (the sanitizers see undefined behaviour)" if rep.get("ub") else ""
    lines = [
        f"{'REGRESSION of a done task: ' if state.get('regression') else ''}{state['cause']} "
        f"[{n} failing case{'s' * (n != 1)}]{doubt}",
        "",
        f"Task: {state['id']}",
        *([f"Regression: {state['regression']}"] if state.get("regression") else []),
        f"Verdict: {verdict} ({verdict.label})",
        f"Arches: {', '.join(sorted({cases[i]['arch'] for i in failing}))}",
        f"Opt levels: {', '.join(sorted({cases[i]['opt'] for i in failing}))}",
        f"Signature: {clean(state['signature'], 300)}",
    ]
    revs = state.get("revisions")
    if revs:
        good = revs.get("good") or f"the candidate of the run of {revs.get('good_run')}"
        bad = revs.get("bad") or f"the candidate of the run of {revs.get('bad_run')}"
        lines.append(f"Regression: these tests passed with {good} and fail with {bad}: one change broke them")
        if revs.get("good") and revs.get("bad"):
            lines.append(f"First bad commit: {state['first_bad']}" if state.get("first_bad") else
                         f"Find the first bad commit: oracle bisect {state['id']} --build 'CMD' --compiler ./cc "
                         f"(between {revs['good'][:12]} and {revs['bad'][:12]})")
    if state["symbols"]:
        lines.append(f"Missing symbols seen: {', '.join(state['symbols'][:30])}")
    if state.get("other_symbols"):
        lines.append(f"Also missing, another cause (its own task where a test misses only it): "
                     f"{', '.join(state['other_symbols'][:30])}")
    lines.append(f"Cases: {n} failing" + (f", {len(settled)} no longer failing this way" if settled else ""))
    shown = [f"  {i}" for i in failing] + [f"  {i}  ({cases[i]['state'].replace('passes', 'passes now')})"
                                           for i in settled]
    lines += shown[:MAX_IDS]
    if len(shown) > MAX_IDS:
        lines.append(f"  ... and {len(shown) - MAX_IDS} more (all of them: .{state['id']}.json next to this file)")
    lines += [f"Related: {r}" for r in related(state, others or {})]
    rep = state.get("rep")
    if rep:
        lines += ["", f"Representative: {rep['id']}", f"Test: {rep['where']}"]
        lines.append(f"Flags: {' '.join([rep['opt'], *rep['flags']])} (reference: {', '.join(rep['ref_opts'])})")
        if rep["extra"]:
            lines.append(f"Extra sources linked in: {', '.join(rep['extra'])}")
        if rep["gcc_only"]:
            lines.append(f"Needs GCC-only features: {'; '.join(rep['gcc_only'])} (a candidate may lack them "
                         "on purpose)")
        if rep.get("clang") == "candidate":
            lines.append("Third opinion: clang's build behaves like the candidate's, not GCC's: the test likely "
                         "relies on behaviour GCC chooses (implementation-defined or undefined); fix real bugs "
                         "first")
        elif rep.get("clang") == "reference":
            lines.append("Third opinion: clang's build behaves like GCC's: the candidate is the odd one out")
        if rep.get("ub"):
            lines.append(f"Undefined behaviour: the sanitizers report it in this test: {rep['ub']}")
        pp = rep.get("preprocessor") or []
        if len(pp) == 3 and pp[0] in preprocessing.BUGS:
            lines.append(f"Preprocessor: the candidate's -E of a culprit TU differs from GCC's with the same macro "
                         f"definitions, at {pp[2]}")
        elif len(pp) == 3 and pp[0]:
            lines.append(f"Preprocessing differs, not by a preprocessor bug ({preprocessing.WORDS.get(pp[0], pp[0])}"
                         f"{': ' + pp[1] if pp[1] else ''}), at {pp[2]}")
        if rep.get("source"):
            lines.append(f"Project source: {rep['source']}")
        if rep.get("tus"):
            lines.append(f"Built: {rep['tus']}")
        lines += [f"Reason: {rep['reason']}", "",
                  "Reproduce (from the repository root, in any clone with oracle installed; exit 1 while "
                  "it fails, 0 once fixed; oracle not on PATH: use its venv's, e.g. .venv/bin/oracle):",
                  f"  {rep['repro']}"]
        if rep["expected_actual"]:
            lines += ["", *rep["expected_actual"]]
        if rep["program"]:
            lines += ["", f"Smallest known program ({rep['program_note']}):", "-----", *rep["program"], "-----"]
        elif kind_of(rep["suite"]).project:  # a whole project: the culprit TUs are the smallest known part
            lines += ["", "Program: the whole project, built from its recipe (no single program to show; a "
                      "bisected failure names its culprit TUs in the title or the reason)"]
        else:
            lines += ["", "Smallest known program: none here (the run wrote no case folder); the test is "
                      "named above"]
    lines += ["", f"To claim this task: oracle claim {state['id']} --agent NAME; when fixed: oracle done "
              f"{state['id']}; to give it up: oracle release {state['id']}."]
    return "\n".join(lines) + "\n"


def related(state: dict, others: dict[str, dict]) -> list[str]:
    """Open tasks with evidence of one cause too weak to merge them: the same test failing another
    way, or (runtime failures) programs sharing a construct that often carries a back-end bug."""
    mine = {c.split("@", 1)[0] for c in state["cases"]}
    runtime = state["verdict"] not in ("compile-error", "compiler-crash", "compile-timeout")
    feats = set((state.get("rep") or {}).get("features", ())) if runtime else set()
    out = []
    for cid, other in sorted(others.items()):
        if cid == state["id"] or not any(c["state"] == FAILS for c in other["cases"].values()):
            continue
        tests = {c.split("@", 1)[0] for c in other["cases"]}
        shared = [f for f in (other.get("rep") or {}).get("features", ()) if f in feats]
        if mine & tests:
            out.append(f"{file_name(other)} (the same test fails there: {sorted(mine & tests)[0]})")
        elif shared and other["verdict"] not in ("compile-error", "compiler-crash", "compile-timeout"):
            out.append(f"{file_name(other)} (both programs use {', '.join(shared)})")
    return out[:8]


def representative(cl: Cluster, run: Run) -> CaseRecord:
    """The case a task shows: on the host arch when it fails there, then the smallest program."""
    ctx = _Context(run, Path(DEFAULT_DIR), {})
    return min(cl.records, key=ctx.rep_key)
