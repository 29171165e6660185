"""Building a project tree with a compiler wrapper, and running one of its tests.

A build copies the fetched source, configures it (the wrapper passes every configure probe
through to the compiler that configures), then builds it with the wrapper recording every TU
(`tus.jsonl`) and routing each to the candidate or the reference. A build folder holds `tree/`,
`configured/` (the tree just after configure: mixed builds start from it), `store/` (each TU's
object per compiler), `build.log` and `outcome.json`. A folder is built once, under its lock,
whoever asks first; everyone else reads `outcome.json`.

No verdicts here: judge/judging.py decides them from what these functions return.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from oracle.infra import proc
from oracle.config.targets import HOST_ARCH, TARGETS
from oracle.discover.projects.recipe import Recipe, Test
from oracle.discover.projects.trees import ignore_own

WRAPPER = Path(__file__).resolve().parent / "ccwrap.py"
JOBS = "2"
GiB = 1 << 30


@dataclass(slots=True)
class Toolset:
    """What a build needs to know about the compilers and where binaries run."""

    arch: str
    cand: tuple[str, ...]
    ref: tuple[str, ...]
    emulator: tuple[str, ...] = ()
    compile_timeout: float = 60.0  # per TU
    build_timeout: float = 1800.0  # the whole configure + build
    # Builds and tests in a one-shot bwrap sandbox (sandbox.confined): the host read-only but the
    # project's own folder and a private /tmp, no network, their own PID namespace, no capabilities.
    confine: bool = False
    # The candidate's objects kept across runs: a folder per (candidate identity, reference,
    # arch, recipe) that a build's store/ links to; "" (every run compiles its own) when the
    # candidate's identity is unknown or caching is off.
    shared_store: str = ""

    def jail(self, argv: list[str], writable: Path) -> list[str]:
        if not self.confine:
            return argv
        from oracle.infra.backends.sandbox import confined

        return confined(argv, str(writable), *([self.shared_store] if self.shared_store else []), private_tmp=True)


@dataclass(slots=True)
class BuildOutcome:
    ok: bool
    stage: str = ""  # where it stopped: "configure", "build"
    status: list = field(default_factory=lambda: ["exit", 0])  # proc.Status as JSON
    failed_tu: dict | None = None  # the first TU whose compile failed (a ccwrap log line)
    log_tail: str = ""
    duration_s: float = 0.0
    tus: int = 0
    rejected: list = field(default_factory=list)  # every TU the candidate rejected (keep-going builds)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> "BuildOutcome":
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@contextmanager
def locked(folder: Path, name: str = ".lock"):
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / name, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def build_once(folder: Path, recipe: Recipe, src: Path, tools: Toolset, cflags: str, *, compile: str,
               link: str, run_id: str | None = None) -> BuildOutcome:
    """The build in folder, made now if no one made it yet (under the folder's lock). A build that
    timed out is never stored (a timeout may not happen again), but within one run (`run_id`) it
    is not tried again either: every worker's next test of it gets the same timeout at once."""
    with locked(folder):
        done = folder / "outcome.json"
        marks = [done, folder / f"timed-out-{run_id}.json"] if run_id else [done]
        for mark in marks:
            if mark.is_file():
                try:
                    return BuildOutcome.from_json(json.loads(mark.read_text()))
                except (ValueError, TypeError, KeyError):
                    pass
        for sub in ("tree", "configured", "store"):
            shutil.rmtree(folder / sub, ignore_errors=True)
        outcome = build(folder, recipe, src, tools, cflags, compile=compile, link=link, snapshot=True)
        if not timed_out(outcome):
            write_json(done, outcome.to_json())
        elif run_id:
            _forget_old_timeouts(folder)
            write_json(marks[1], outcome.to_json())
        return outcome


def _forget_old_timeouts(folder: Path, age_s: float = 86400) -> None:
    """Remove the timeout marks of runs long over (a cached folder is shared by many runs)."""
    for old in folder.glob("timed-out-*.json"):
        try:
            if time.time() - old.stat().st_mtime > age_s:
                old.unlink()
        except OSError:
            pass


def timed_out(outcome: BuildOutcome) -> bool:
    return outcome.status[0] == proc.TIMEOUT or any(e.get("status") == "timeout"
                                                    for e in [outcome.failed_tu or {}, *outcome.rejected])


def build(folder: Path, recipe: Recipe, src: Path, tools: Toolset, cflags: str, *, compile: str, link: str,
          route: list[str] | None = None, snapshot: bool = False, configured: Path | None = None,
          configure_only: bool = False) -> BuildOutcome:
    """Configure (unless `configured`, a tree configured before, is given) and build into folder/tree."""
    start = time.monotonic()
    tree, store = folder / "tree", folder / "store"
    if tools.shared_store and not configured and not store.is_symlink() and not store.exists():
        Path(tools.shared_store).mkdir(parents=True, exist_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        store.symlink_to(tools.shared_store)  # the same compiler's objects of earlier runs
    store.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(configured or src, tree, symlinks=True, ignore=None if configured else ignore_own)
    if configured:  # configure wrote its tree's absolute path into Makefiles (abs_builddir, ...)
        relocate(tree, _configured_root(configured), str(tree.resolve()))
    settings = {"compilers": {"cand": list(tools.cand), "ref": list(tools.ref)}, "compile": compile, "link": link,
                "route": route, "store": str(store), "log": str(folder / "tus.jsonl"), "root": str(tree),
                "timeout": tools.compile_timeout, "phase": "configure",
                # files configure wrote may name the tree it ran in: the same TU, whatever the copy
                "aliases": [_configured_root(configured)] if configured else [],
                "link_extra": ["-no-pie"] if route is not None else [],
                # the candidate's own build: a TU it rejects goes to the reference, the build goes on
                "keep_going": compile == "cand" and route is None}
    env = build_env(folder, recipe, tools, cflags)
    log = folder / "build.log"
    log.write_bytes(b"")
    stages = [("build", recipe.build)] if configured else [("configure", recipe.configure), ("build", recipe.build)]
    if configure_only:
        stages = stages[:1]
    for stage, command in stages:
        settings["phase"] = "build" if stage == "build" else "configure"
        write_json(folder / "ccwrap.json", settings)
        # A bisection step (built from `configured`) lives in the candidate's project folder and
        # uses its object store: that folder is the writable one.
        res = _sh(command, tree, env, tools.build_timeout, log,
                  tools.jail, configured.parent if configured else folder)
        if not res.status.ok:
            return BuildOutcome(False, stage, res.status.to_json(), first_failed_tu(folder), tail(log),
                                time.monotonic() - start, count_tus(folder), rejected_tus(folder))
        if stage == "configure" and snapshot:
            shutil.copytree(tree, folder / "configured", symlinks=True)
            (folder / "configured-root.txt").write_text(str(tree.resolve()))
    rejected = rejected_tus(folder)
    if rejected:  # built, but only with the reference's objects for these: the candidate failed
        return BuildOutcome(False, "build", ["exit", 1], rejected[0], tail(log), time.monotonic() - start,
                            count_tus(folder), rejected)
    return BuildOutcome(True, "", ["exit", 0], None, "", time.monotonic() - start, count_tus(folder))


def relocate(tree: Path, old: str, new: str, limit: int = 8 << 20) -> int:
    """Point a copied tree's files at their new place: every text file (no NUL byte) that names the
    old root, and every symlink into it, now names `new`. Returns how many were changed."""
    if not old or old == new:
        return 0
    was, now, changed = old.encode(), new.encode(), 0
    for dirpath, dirs, files in os.walk(tree):  # a symlink to a folder is listed in dirs, not followed
        for name in dirs + files:
            path = os.path.join(dirpath, name)
            if name in dirs and not os.path.islink(path):
                continue
            if os.path.islink(path):
                target = os.readlink(path)
                if target == old or target.startswith(old + "/"):
                    os.unlink(path)
                    os.symlink(new + target[len(old):], path)
                    changed += 1
                continue
            try:
                st = os.stat(path)
                if st.st_size > limit:
                    continue
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if was in data and b"\0" not in data:
                with open(path, "wb") as f:  # in place: the file keeps its mode
                    f.write(data.replace(was, now))
                os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # and its time: make sees no change
                changed += 1
    return changed


def _configured_root(configured: Path) -> str:
    try:
        return (configured.parent / "configured-root.txt").read_text()
    except OSError:
        return str(configured.resolve())


def build_env(folder: Path, recipe: Recipe, tools: Toolset, cflags: str) -> dict[str, str]:
    bindir = folder / "bin"
    bindir.mkdir(exist_ok=True)
    cc = bindir / "cc"
    if not cc.exists():
        cc.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -S {shlex.quote(str(WRAPPER))} "$@"\n')
        cc.chmod(0o755)
    cross = tools.arch != HOST_ARCH
    triplet = TARGETS[tools.arch].cross_prefix.rstrip("-")
    tmp = folder / "tmp"  # compilers' temporary files: in the project's folder, the one writable in the sandbox
    tmp.mkdir(exist_ok=True)
    env = {**recipe.env, "TMPDIR": str(tmp), "CC": str(cc), "CFLAGS": cflags, "JOBS": JOBS, "ORACLE_CCWRAP": str(folder / "ccwrap.json"),
           "PATH": f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}", "LC_ALL": "C",
           "DATA": str(recipe.data_dir), "EMU": shlex.join(tools.emulator), "HOST": triplet if cross else "",
           "HOSTFLAG": f"--host={triplet}" if cross else "", "MAKEFLAGS": ""}
    if cross:
        env.update(AR=f"{triplet}-ar", RANLIB=f"{triplet}-ranlib", STRIP=f"{triplet}-strip", NM=f"{triplet}-nm")
    return proc.child_env(**env)


def _sh(command: str, cwd: Path, env: dict[str, str], timeout: float, log: Path, jail, writable: Path
        ) -> proc.ProcResult:
    script = f"exec >>{shlex.quote(str(log))} 2>&1\nset -e\n{command}\n"
    return proc.run(jail(["sh", "-c", script], writable), timeout=timeout, cwd=str(cwd), env=env, stdout_limit=64 * 1024,
                    kill_on_stdout_overflow=False, limits=proc.Limits(file_size=4 * GiB))


def write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def tu_log(folder: Path) -> list[dict]:
    try:
        lines = (folder / "tus.jsonl").read_text().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def count_tus(folder: Path) -> int:
    return len({e["key"] for e in tu_log(folder) if "key" in e})


def first_failed_tu(folder: Path) -> dict | None:
    """The first TU whose compile failed (not a link: a failed link has no TU; the log says it)."""
    for e in tu_log(folder):
        if "tu" in e and e.get("status") not in (0, None):
            return e
    return None


def rejected_tus(folder: Path) -> list[dict]:
    """The distinct TUs the candidate failed to compile in a keep-going build (by path), each with
    its first failure; [] when it compiled them all."""
    seen: dict[str, dict] = {}
    for e in tu_log(folder):
        if e.get("who") == "cand" and e.get("status") not in (0, None) and "tu" in e:
            seen.setdefault(e["tu"], e)
    return [seen[tu] for tu in sorted(seen)]


def compile_seconds(folder: Path, who: str) -> dict[tuple[str, str], float]:
    """How long each TU (by folder and path) took `who` to compile in this build, where known."""
    out: dict[tuple[str, str], float] = {}
    for e in tu_log(folder):
        secs = e.get("seconds")
        if e.get("who") == who and e.get("status") == 0 and isinstance(secs, (int, float)) and "tu" in e:
            out.setdefault((str(e.get("cwd", ".")), str(e["tu"])), float(secs))
    return out


def compile_ratio(cand_folder: Path, ref_folder: Path) -> float | None:
    """The candidate's compile time over the reference's, summed over the TUs both compiled
    (each TU's time as measured when its object was made, so a stored object still counts); None
    when there is nothing to compare."""
    cand, ref = compile_seconds(cand_folder, "cand"), compile_seconds(ref_folder, "ref")
    both = cand.keys() & ref.keys()
    c, r = sum(cand[k] for k in both), sum(ref[k] for k in both)
    return c / r if both and r > 0 else None


def candidate_tus(folder: Path) -> list[dict]:
    """Every distinct TU the candidate compiled in this build, in build order (one entry per key)."""
    seen: dict[str, dict] = {}
    for e in tu_log(folder):
        if "key" in e and e.get("who") == "cand" and e.get("status") == 0:
            seen.setdefault(e["key"], e)
    return list(seen.values())


def tail(log: Path, lines: int = 30) -> str:
    try:
        data = log.read_bytes()[-16384:]
    except OSError:
        return ""
    return "\n".join(data.decode(errors="replace").splitlines()[-lines:])


def run_test(folder: Path, recipe: Recipe, test: Test, tools: Toolset, cflags: str, timeout: float,
             stdout_limit: int = 1 << 20) -> proc.ProcResult:
    """Run test's command in folder's built tree (one test at a time per tree: tests write in it),
    with a fresh $WORK folder as its TMPDIR."""
    with locked(folder, ".testlock"):
        work = folder / "work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        try:
            env = build_env(folder, recipe, tools, cflags)
            env.update(WORK=str(work), TMPDIR=str(work))
            return proc.run(tools.jail(["sh", "-c", test.run], folder), timeout=timeout, cwd=str(folder / "tree"), env=env,
                            stdout_limit=stdout_limit, limits=proc.Limits(address_space=8 * GiB, file_size=1 * GiB))
        finally:
            shutil.rmtree(work, ignore_errors=True)
