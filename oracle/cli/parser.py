"""`oracle`'s argument parser: every command and its options (the run options from
oracle/config/options.py's one table), and the values that may start with a dash."""

from __future__ import annotations

import argparse
import math
import os

from oracle import __version__
from oracle.config.options import OPTIONS
from oracle.model.errors import EXIT_USAGE


EXAMPLES = """\
examples:
  oracle run --compiler tcc --suite smoke
  oracle run --compiler ./ccc --compiler aarch64=./ccc-arm --suite torture
  oracle run --compiler riscv64=./ccc-riscv --compiler i686=./ccc-i686 --suite torture   # arches: x86_64 aarch64 riscv64 i686
  oracle run --compiler 'aarch64=clang --target=aarch64-linux-gnu' --suite torture --fast
  oracle run --compiler ./ccc --suite csmith --count 1000 --seed 1 --csmith-args '--max-funcs 4'
  oracle run --compiler ./ccc --suite hypothesis --count 500
  oracle fuzz --compiler ./ccc --budget 10m
  oracle corpus fetch torture
  oracle corpus fetch project all; oracle run --compiler ./ccc --suite project:zlib,lua   # real projects
  oracle tasks --max-tasks 20                 # current_tasks/: one file per failure cluster
  oracle claim 0123456789ab --agent alice     # take a task (in a git clone: a pushed lock commit)
  oracle repro 'torture/pr12345.c@x86_64-O0' --compiler ./ccc   # exit 1 while it fails, 0 once fixed
  oracle reduce 'torture/pr12345.c@x86_64-O0' --budget 120
  oracle gate --baseline oracle-baseline.json merged/results.json
  oracle compare runs/before runs/after       # flipped cases, much slower ones (exit 1: new failures)
"""

# Under the commands that run cases: the exit status and the environment, no examples.
RUN_EPILOG = """\
exit status: 0 every case judged and no candidate failure, 1 candidate failures, 2 usage error,
3 run not completed (interrupted, disk full, oracle's own failure; `--resume` finishes it), or
no candidate failure but some infra-error cases oracle could not judge (the last line counts
them; errors.log has an INFRA line each). 1 is never oracle's fault. With --baseline: 0 no
regression, 1 regressions (a required case that could not be judged is one), 3 infra-errors only.

environment:
  ORACLE_SCRATCH=DIR          where the scratch folders go (default: /dev/shm when it is a usable
                              tmpfs and the sandbox is on, else $TMPDIR)
  ORACLE_TORTURE_DIR=DIR      the torture suite's folder (default $XDG_CACHE_HOME/oracle/corpora/torture)
  ORACLE_CACHE=DIR|URL        the reference cache when --cache is not given (redis://… to share it)
  ORACLE_CACHE_KEY, ORACLE_CACHE_PASSWORD, ORACLE_CACHE_TTL
                              redis cache: HMAC secret, server password, entry lifetime in seconds
  ORACLE_SHARD_INDEX, ORACLE_SHARD_COUNT
                              --shard auto: this job's index (from 0) and the number of shards
  ORACLE_DOCKER_MEMORY, ORACLE_DOCKER_CPUS
                              --backend docker: each container's memory (512m) and CPUs (1)
  ORACLE_IMAGE_REPO, ORACLE_IMAGE_TMP
                              oracle images: the tag's name (oracle), the build folder (/var/tmp)
  ORACLE_GIT_TIMEOUT=S        claim, release, done, tasks --commit: seconds one git call may take (120)
  Set by oracle for its own child processes, not settings: ORACLE_PROGRAM, ORACLE_RERUN,
  ORACLE_CCWRAP, ORACLE_SANDBOX_MODE, ORACLE_SANDBOX_ROOT, ORACLE_SANDBOX_UID.
"""
EPILOG = EXAMPLES + "\n" + RUN_EPILOG


MAX_JOBS = 1024  # more workers than any machine runs usefully; each is a process (or a thread)


def _whole(lo: int, hi: int | None = None):
    """An argparse type: a whole number in [lo, hi] (a 20-digit -j would start that many workers)."""

    def check(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if n < lo or (hi is not None and n > hi):
            raise argparse.ArgumentTypeError(f"{text} is out of range: give {lo} to {hi}" if hi is not None
                                             else f"{text} is out of range: give {lo} or more")
        return n

    return check


def _finite(text: str) -> float:
    """An argparse type: a finite number (nan and inf parse as floats but bound nothing)."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"{text} is not a finite number")
    return x


def _positive(text: str) -> float:
    """An argparse type: a positive, finite number."""
    x = _finite(text)
    if x <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return x


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line and exit 2, like every other usage error
        self.exit(EXIT_USAGE, f"oracle: error: {message} (see '{self.prog} --help')\n")


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="oracle", description="Differential testing of a candidate C compiler against GCC, "
                "on x86-64, AArch64, riscv64 and i686 (qemu-user or the sysroot's loader where the host cannot run them).", epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"oracle {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="build and run a suite with the candidate and with GCC, compare",
                         description="Build every case with the reference (GCC, at -O0 and -O2) and the "
                         "candidate, run both, compare exit status and stdout as bytes.", epilog=RUN_EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_options(run)
    run.add_argument("-j", "--jobs", type=_whole(1, MAX_JOBS), default=os.cpu_count() or 1,
                     help="parallel workers (pytest-xdist; generated suites: a pool of threads); default: all cores")
    run.add_argument("--no-progress", action="store_true", help="no progress bar (it is shown only on a terminal)")
    run.add_argument("-v", "--show-output", action="store_true", dest="show_output",
                     help="after the summary, for each of the first 5 failing cases: its candidate command, the "
                     "head of its stdout diff (or of its compile log, or its statuses and stderr) and its case folder")
    run.add_argument("--list", action="store_true", help="print the id of every case the options select, one a "
                     "line, and exit: nothing is built or run (lit's --show-tests)")
    run.add_argument("--tasks", metavar="DIR", help="also write task files for the failures into DIR "
                     "(see 'oracle tasks')")
    run.add_argument("--max-tasks", type=_whole(0), metavar="N", help="with --tasks: at most N open tasks; other "
                     "clusters go to ideas.txt")
    _gate_options(run, results=False)
    run.add_argument("--agent", action="store_true", help="agent view: no progress bar, at most 10 lines, the "
                     "last one says where the task files are (default: on when $AGENT_ID is set and stdout is "
                     "not a terminal); writes task files (--tasks, default current_tasks; a --baseline run only with --tasks); "
                     "what it leaves out is counted by kind, with the file holding it (summary.log has every line)")

    tasks = sub.add_parser("tasks", help="write one task file per failure cluster of a run (for agents)",
                           description="Cluster a run's failures by root cause and merge them into DIR, one "
                           "plain-text task file per cluster: a run only adds failures and marks what it judged "
                           "(a sampled or filtered run never shrinks or removes a task); a task goes once all its "
                           "cases were seen passing. Claimed tasks ('oracle claim') are never touched.")
    _results_options(tasks)
    tasks.add_argument("--dir", default="current_tasks", help="the task folder (default: current_tasks)")
    tasks.add_argument("--max-tasks", type=_whole(0), metavar="N", help="new clusters become tasks while fewer than N "
                       "are open (biggest first); the rest go to DIR/ideas.txt, one line each")
    tasks.add_argument("--reduce", action="store_true", help="reduce each task's representative with C-Vise "
                       "and put the reduced program in the task file")
    tasks.add_argument("--commit", action="store_true", help="make the update one git commit (never touching "
                       "claims); with an upstream: on the newest upstream folder, then pushed")
    tasks.add_argument("--budget", type=_positive, default=120.0, metavar="S",
                       help="with --reduce: seconds per reduction (default: 120)")
    tasks.add_argument("-n", type=_whole(1, MAX_JOBS), default=os.cpu_count() or 1, metavar="N",
                       help="with --reduce: C-Vise's parallelism (default: all cores)")

    red = sub.add_parser("reduce", help="minimise a failing case with C-Vise (same verdict, UB-clean)",
                         description="Reduce the test of CASE-ID (from a run's errors.log) with C-Vise, keeping "
                         "only variants that fail the same way, that the reference builds and runs the same at "
                         "-O0 and -O2, that run clean under -fsanitize=undefined,address and that gcc -Wall "
                         "finds no uninitialised use or missing return in. Output: RUN/reduced/<case>/.")
    red.add_argument("case_id", metavar="CASE-ID", help="the failing case, as in errors.log: torture/pr1.c@x86_64-O0")
    _results_options(red)
    red.add_argument("--budget", type=_positive, default=300.0, metavar="S", help="seconds C-Vise may take (default: 300)")
    red.add_argument("-n", type=_whole(1, MAX_JOBS), default=os.cpu_count() or 1, metavar="N",
                     help="C-Vise's parallelism (default: all cores)")

    _task_commands(sub)

    gate = sub.add_parser("gate", help="CI gate: exit 1 iff a case the baseline requires to pass now fails",
                          description="Compare results with a committed baseline. A regression passed in the "
                          "baseline and fails now; it is re-judged first and quarantined as flaky if it flips.")
    gate.add_argument("results", nargs="+", metavar="RESULTS", help="results.json files or run folders "
                      "(several: shards)")
    _gate_options(gate, results=True)

    merge = sub.add_parser("merge", help="combine shard results into one report (results.json, junit.xml, "
                           "errors.log, cases/)")
    merge.add_argument("out", metavar="OUT", help="output folder")
    merge.add_argument("results", nargs="+", metavar="RESULTS", help="results.json files or run folders")

    fuzz = sub.add_parser("fuzz", help="generate programs (csmith, hypothesis) and judge them until a time budget "
                          "is spent", description="Generate and judge programs from seed --seed upwards until "
                          "--budget is spent; each failure is written as it is found. Ctrl-C stops cleanly.",
                          epilog=RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_options(fuzz, skip=("suite", "count", "ratio", "fast", "shard", "filter"))
    fuzz.add_argument("--budget", required=True, metavar="TIME", help="how long to fuzz: 90s, 10m, 2h")
    fuzz.add_argument("--generator", default="csmith,hypothesis", metavar="G[,G]",
                      help="generators to alternate: csmith, hypothesis (default: both)")
    fuzz.add_argument("-j", "--jobs", type=_whole(1, MAX_JOBS), default=os.cpu_count() or 1,
                      help="cases judged at once; default: all cores")

    corpus = sub.add_parser("corpus", help="manage test corpora")
    csub = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", parser_class=_Parser)
    fetch = csub.add_parser("fetch", help="fetch a corpus: 'torture' extracts GCC's gcc.c-torture/execute; "
                            "'project NAME|all' a project recipe's source (apt-get source, pinned)")
    fetch.add_argument("name", choices=["torture", "project"], help="which corpus: torture, or project NAME|all")
    fetch.add_argument("project", nargs="?", metavar="NAME|all", help="with 'project': the recipe (corpora/projects/NAME.toml)")
    fetch.add_argument("--from", dest="source", metavar="DIR",
                       help="a GCC source tree instead of Debian's tarball (project: the project's source tree)")
    fetch.add_argument("--force", action="store_true", help="fetch again even if present")
    fetch.add_argument("--quiet", action="store_true", help="print nothing when the corpus is already there")
    csub.add_parser("where", help="print where the torture corpus lives")

    hist = sub.add_parser("history", help="pass rate per suite and arch over the last runs")
    hist.add_argument("--history", metavar="FILE", default=".oracle/report/history.db",
                      help="the run history database (default .oracle/report/history.db)")
    hist.add_argument("--last", type=_whole(1, 1_000_000), default=10, metavar="N", help="how many runs (default 10)")

    report = sub.add_parser("report", help="write the run history as one self-contained HTML page")
    report.add_argument("--html", metavar="FILE", required=True, help="where to write the page")
    report.add_argument("--history", metavar="FILE", default=".oracle/report/history.db",
                        help="the run history database (default .oracle/report/history.db)")

    comp = sub.add_parser("completion", help="print a shell completion script (bash or zsh)",
                          description="Print a completion script for oracle's commands and options: "
                          "bash: eval \"$(oracle completion bash)\" in ~/.bashrc; zsh: "
                          "oracle completion zsh > a folder of $fpath, as _oracle.")
    comp.add_argument("shell", choices=["bash", "zsh"], help="the shell to complete in")

    cmp_ = sub.add_parser("compare", help="two runs side by side: flipped cases, much slower or faster ones "
                          "(exit 1 when B fails a case A did not)",
                          description="Match the cases of two runs (run folders or results.json files) by id and "
                          "list what changed: new failures (ERROR lines), changed verdicts, fixed cases, then passes "
                          "whose compile or run time moved beyond the noise (x1.5 and 0.25 s) or whose code size "
                          "changed, biggest first; at most 20 lines unless --all. Exit 1 when B fails a case A did "
                          "not, else 0.")
    cmp_.add_argument("a", metavar="A", help="the earlier run: its folder or results.json")
    cmp_.add_argument("b", metavar="B", help="the later run: its folder or results.json")
    cmp_.add_argument("--all", action="store_true", help="every line, not only the first 20")
    cmp_.add_argument("--json", metavar="FILE", help="also write the comparison as JSON to FILE")

    cache = sub.add_parser("cache", help="the reference cache: stats or clear")
    cache.add_argument("action", choices=["stats", "clear"], help="stats: entries and size; clear: remove every entry")
    cache.add_argument("--cache", metavar="DIR|URL", help="cache folder or redis://[:PASSWORD@]HOST:PORT/DB "
                       "(default: $ORACLE_CACHE, else $XDG_CACHE_HOME/oracle)")
    images = sub.add_parser("images", help="the container images of --backend docker (containers/)")
    isub = images.add_subparsers(dest="images_command", metavar="ACTION", parser_class=_Parser)
    ibuild = isub.add_parser("build", help="build the image of each arch that is missing")
    ibuild.add_argument("--offline", action="store_true",
                        help="debootstrap + docker import, for engines that cannot pull (default: docker build)")
    ibuild.add_argument("--arch", metavar="ARCH[,ARCH]", help="default: every arch with a definition in containers/")
    ibuild.add_argument("--force", action="store_true", help="build again even if the tag exists")
    isub.add_parser("list", help="list oracle's images, their toolchain versions, which are current")
    return p


def _results_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--results", metavar="FILE", help="a results.json (default: .oracle/runs/latest)")
    g.add_argument("--run", metavar="DIR", help="a run folder (default: .oracle/runs/latest)")


def _gate_options(p: argparse.ArgumentParser, results: bool) -> None:
    p.add_argument("--baseline", metavar="FILE", required=results,
                   help="the committed baseline (JSON): its passing cases must still pass")
    p.add_argument("--update-baseline", action="store_true",
                   help="write the baseline if missing, else ratchet it (fixed cases become required)")
    p.add_argument("--reruns", type=_whole(0, 100), default=2, metavar="N",
                   help="judge a suspected regression N more times; flaky if it passes once (default: 2)")


# The run options `oracle check` and `oracle done` do not take: a task's cases are its own selection.
_CHECK_SKIP = ("arch", "opt", "ratio", "fast", "shard", "shard-by", "filter", "count", "resume", "out", "json",
               "junit", "history", "no-history", "seed", "shrink-timeout", "cache", "no-cache", "max-failures",
               "rejudge", "candidate-rev")


# The run options' groups in --help, in this order; an option of none is under "other options".
GROUPS = (
    ("compilers", ("compiler", "reference", "candidate-rev", "ub-check", "no-ub-check", "backend", "sandbox")),
    ("selection", ("suite", "arch", "opt", "filter", "ratio", "fast", "seed", "shard", "shard-by", "count",
                   "csmith-args", "csmith-include", "max-failures", "resume")),
    ("timeouts and limits", ("compile-timeout", "ref-compile-timeout", "run-timeout", "ref-run-timeout",
                             "gen-timeout", "shrink-timeout", "stdout-limit")),
    ("outputs and caches", ("out", "json", "junit", "history", "no-history", "cache", "no-cache", "rejudge",
                            "xfail")),
)


def _add_options(parser: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    made = {title: parser.add_argument_group(title) for title, _ in GROUPS}
    groups = {name: made[title] for title, names in GROUPS for name in names}
    other = None
    for opt in OPTIONS:
        if opt.name in skip:
            continue
        target = groups.get(opt.name)
        if target is None:
            other = other or parser.add_argument_group("other options")
            target = other
        names = [f"--{opt.name}"] + (["-k"] if opt.name == "filter" else [])
        kwargs: dict = {"dest": opt.dest, "help": opt.help}
        if opt.flag:
            kwargs["action"] = "store_true"
        else:
            kwargs.update(action="append" if opt.append else "store", metavar=opt.metavar,
                          default=None if opt.append else opt.default)
            if opt.type is not str:
                kwargs["type"] = opt.type
        target.add_argument(*names, **kwargs)


# Options whose value may itself start with '-' ("--csmith-args --no-packed-struct", "--opt -O2"):
# argparse would take such a value for an option, so it is glued on first ("--opt=-O2").
FREE_VALUED = ("--csmith-args", "--opt", "--filter", "-k")


def glue_free_values(argv: list[str]) -> list[str]:
    out, i = [], 0
    while i < len(argv):
        if argv[i] == "--":
            return out + argv[i:]
        if argv[i] in FREE_VALUED and i + 1 < len(argv):
            # "--opt=-O2"; a short option takes its value glued on with no "=" ("-k-O2")
            out.append(f"{argv[i]}={argv[i + 1]}" if argv[i].startswith("--") else argv[i] + argv[i + 1])
            i += 2
            continue
        out.append(argv[i])
        i += 1
    return out


def _task_commands(sub) -> None:
    """`oracle repro`, `claim`, `release`, `done`: what an agent does with one task (oracle/feed/repro.py,
    oracle/feed/claim.py)."""
    rep = sub.add_parser("repro", help="judge one case again from its id (exit 1 while it fails, 0 once fixed)",
                         description="Discover CASE-ID in its suite (torture, smoke, a generator; a folder suite "
                         "with --suite PATH) and judge it with the candidate and GCC, exactly as 'oracle run' "
                         "would. Needs nothing from the run that found it.")
    rep.add_argument("case_id", metavar="CASE-ID", help="the case to judge, as in errors.log: torture/pr1.c@x86_64-O0")
    _add_options(rep, skip=("arch", "opt", "ratio", "fast", "shard", "filter", "count", "resume", "out", "json",
                            "junit", "history", "no-history", "seed", "shrink-timeout", "cache", "no-cache"))
    for name, what in (("claim", "claim a task for one agent: a pushed lock commit in a git clone, an atomic "
                        "lock file in a shared folder"), ("release", "give a claimed task up"),
                       ("done", "mark a claimed task done: remove its claim, task file and state, and leave a done "
                        "record (who, when, the fix) so that runs of older candidates never re-open it")):
        p = sub.add_parser(name, help=what, description=what + ". See README, 'Task files for agents'.")
        p.add_argument("task", metavar="TASK", nargs="?" if name == "claim" else None,
                       help="the task's id (12 hex digits) or its file")
        p.add_argument("--dir", default="current_tasks", help="the task folder (default: current_tasks)")
        p.add_argument("--agent", metavar="NAME", help="who claims (default: $AGENT_ID, else user@host)")
        if name == "claim":
            p.add_argument("--stale-after", type=_finite, default=2.0, metavar="HOURS",
                           help="the lease: a claim its holder has not renewed for this long can be taken over "
                           "(default: 2; lease-hours in the settings file)")
            p.add_argument("--renew", action="store_true", help="renew the lease of every claim of yours in the "
                           "folder (claiming your own task again renews it too; every oracle command of your "
                           "clone renews a lease a quarter spent)")
        else:
            p.add_argument("--force", action="store_true", help="even if another agent holds the claim" + (
                "; done: also without checking the task, or while it still fails (the done record says so)"
                if name == "done" else ""))
        if name == "done":
            p.add_argument("--fix", metavar="REV", help="the commit that fixed it (default: HEAD of the clone "
                           "the task folder is in): a run whose candidate does not contain it never re-opens the task")
            _add_options(p, skip=_CHECK_SKIP)
    check = sub.add_parser("check", help="judge every case of a task again with your compiler (exit 1 while any "
                           "fails, 0 once all pass)", description="Judge each case a task holds (not only its "
                           "example) with the candidate and GCC, as 'oracle run' would; 'oracle done' runs this "
                           "first. A folder suite's path comes from the task's repro line unless --suite is given.")
    check.add_argument("task", metavar="TASK", help="the task's id (12 hex digits) or its file")
    check.add_argument("--dir", default="current_tasks", help="the task folder (default: current_tasks)")
    _add_options(check, skip=_CHECK_SKIP)
    bis = sub.add_parser("bisect", help="the first bad commit of a regression task: git bisect run with oracle "
                         "check as the test", description="Run in the candidate's git clone: between the task's "
                         "passing and failing revisions (a regression task names both), build the compiler at "
                         "each commit (--build) and judge every case of the task with it; the first bad commit is "
                         "printed and written into the task.")
    bis.add_argument("task", metavar="TASK", help="the task's id (12 hex digits) or its file")
    bis.add_argument("--dir", default="current_tasks", help="the task folder (default: current_tasks)")
    bis.add_argument("--build", metavar="CMD", help="the shell command that builds the compiler at a commit "
                     "(build = '...' in the settings file); a commit it fails on is skipped")
    bis.add_argument("--good", metavar="REV", help="a commit where the task's cases pass (default: the task's)")
    bis.add_argument("--bad", metavar="REV", help="a commit where they fail (default: the task's, else HEAD)")
    _add_options(bis, skip=_CHECK_SKIP)
