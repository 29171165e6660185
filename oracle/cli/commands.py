"""`oracle`'s commands, one function each: an argument Namespace in, an exit status out.
Each loads the stages it needs when it runs (the lazy command loading test_layout allows)."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
from pathlib import Path

from oracle.infra import scratch
from oracle.config.options import OPTIONS
from oracle.config.machine import build
from oracle.model.errors import EXIT_INCOMPLETE, EXIT_USAGE, OracleError, UsageError
from oracle.infra.proc import children


def cmd_run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.update_baseline and not args.baseline:
        raise UsageError("--update-baseline needs --baseline FILE")
    if args.update_baseline:
        from oracle.report import refuse_special

        refuse_special(args.baseline, "--baseline")  # before the run, not after it
    agent = args.agent or (bool(os.environ.get("AGENT_ID")) and not sys.stdout.isatty())
    # The agent view's task files, unless the run is a gate (CI's question, not a feed's): then
    # only when --tasks asks.
    tasks_dir = args.tasks or ("current_tasks" if agent and not args.baseline else None)
    if args.max_tasks is not None and (not tasks_dir or args.max_tasks < 0):
        raise UsageError("--max-tasks N needs --tasks DIR (or --agent) and N >= 0")
    values = {opt.dest: getattr(args, opt.dest) for opt in OPTIONS}
    if args.list:  # lit's --show-tests: the selected cases' ids, nothing built or run
        from oracle.discover.select import select_cases

        import tempfile

        with tempfile.TemporaryDirectory(prefix="oracle-list-") as nowhere:  # no run folder is made
            cfg = build({**values, "out": nowhere, "resume": False}, probe_toolchains=False)
            for case in select_cases(cfg, skip=()):
                print(case.id)
        return 0
    cfg = build(values)
    scratch.sweep_abandoned()  # scratch folders of runs that died (in /dev/shm they hold memory)
    # SIGTERM ends the run like Ctrl-C: children killed, finished results still written.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    progress = sys.stderr.isatty() and not args.no_progress and not agent
    from oracle.engine.run import After, session

    ending = session(cfg, args.jobs, progress, After(baseline=args.baseline, reruns=args.reruns,
                                                     update_baseline=args.update_baseline,
                                                     tasks_dir=tasks_dir, max_tasks=args.max_tasks))
    lines = ending.lines
    if agent:
        lines = _agent_lines(lines, cfg.out_dir)
    elif args.show_output:
        lines = lines + _shown_failures(cfg.out_dir)
    for line in lines:
        print(line)
    return ending.code


def _shown_failures(out_dir: str, limit: int = 5) -> list[str]:
    """-v: what lit's -v shows of a failing test, for the first `limit` failures: the candidate's
    command (from its case folder's commands.txt), what junit.xml's body shows (the stdout diff,
    the compile log, or the statuses and stderr), a few lines of it, and the case folder."""
    from oracle.model.text import clean
    from oracle.report.casedir import read
    from oracle.report.junit import detail
    from oracle.report.results import load

    try:
        run = load(out_dir)
    except OracleError:
        return []
    failing = [r for r in run.cases if r.unexpected_failure]
    out = []
    for r in failing[:limit]:
        d = run.case_dir(r.id)
        out.append(f"--- {r.id} {r.verdict}")
        if d is None:
            out.append("  (no case folder)")
            continue
        cmds = (read(d / "commands.txt") or b"").decode("utf-8", "backslashreplace").splitlines()
        out += [f"  candidate: {clean(cmds[i + 1], 300)}" for i, line in enumerate(cmds[:-1])
                if line.startswith("# candidate: ")]
        out += [f"  {line}" for line in detail(r, d, most=8)]
        out.append(f"  folder: {d}")
    if len(failing) > limit:
        out.append(f"--- {len(failing) - limit} more failing cases: errors.log, report.html")
    return out


# What the agent view leaves out, by kind: the line's start, the line that counts more of the
# kind ("... and N more ..."), and where every line of the kind is.
_KINDS = (("ERROR", re.compile(r"^\.\.\. and (\d+) more ERROR lines"), "errors.log"),
          ("FIXED", re.compile(r"^\.\.\. and (\d+) more fixed cases"), "gate.log"),
          ("FLAKY", None, "gate.log"),
          ("warning", None, "summary.log"))


def _agent_lines(lines: list[str], out_dir: str, limit: int = 10) -> list[str]:
    """At most `limit` lines for an agent's context, keeping the last (where the tasks are); the
    line standing for what was left out counts it exactly, by kind, and names the file that holds
    every line of each kind."""
    if len(lines) <= limit:
        return lines
    keep = [ln for ln in lines if ln.startswith(("REGRESSION", "gate:", "reports:", "tasks:", "error:", "pass rates:"))
            or " infra-error case" in ln]
    rest = [ln for ln in lines if ln not in keep]
    head = rest[: max(0, limit - len(keep) - 1)]
    left = rest[len(head):]
    counts: dict[str, int] = {}
    where: dict[str, str] = {}
    for ln in left:
        for kind, more, file in _KINDS:
            m = more.match(ln) if more else None
            if m or ln.startswith(kind):
                counts[kind] = counts.get(kind, 0) + (int(m.group(1)) if m else 1)
                where[kind] = file
                break
        else:
            counts["other"] = counts.get("other", 0) + 1
            where["other"] = "summary.log"
    parts = [f"{n} {kind} line{'s' if n != 1 else ''} ({where[kind]})" for kind, n in counts.items()]
    out = head + [f"... left out: {', '.join(parts)}; in {out_dir}"] + keep
    return out[-limit:] if len(out) > limit else out


def _load_run(args: argparse.Namespace):
    from oracle.report.results import load

    return load(args.results or args.run)


def cmd_tasks(args: argparse.Namespace) -> int:
    from oracle.feed.cluster import clusters
    from oracle.feed.tasks import representative, sync

    if args.max_tasks is not None and args.max_tasks < 0:
        raise UsageError("--max-tasks must be 0 or more")
    run = _load_run(args)
    reduced = {}
    if args.reduce:
        from oracle.feed.reduce import reduce_case

        chosen = clusters(run.cases, run.arches)[: args.max_tasks]
        for cl in chosen:
            try:
                r = reduce_case(run, representative(cl, run).id, args.budget, args.n)
            except OracleError as exc:
                print(f"reduce {cl.id}: {exc}", file=sys.stderr)
                continue
            print(r.line())
            if r.still_fails:
                reduced[cl.id] = r.path
    try:
        if args.commit:
            from oracle.feed.claim import publish_tasks

            print("\n".join(publish_tasks(args.dir, lambda: sync(run, args.dir, args.max_tasks, reduced))))
        else:
            print(sync(run, args.dir, args.max_tasks, reduced).line(Path(args.dir).resolve()))
    except OSError as exc:
        print(f"oracle: error: could not write the task files in {args.dir}: {exc.filename + ': ' if exc.filename else ''}"
              f"{exc.strerror or exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_INCOMPLETE)  # 2: not a regular file (NotAFile)
    return 0


def cmd_reduce(args: argparse.Namespace) -> int:
    from oracle.feed.reduce import reduce_case

    if args.budget <= 0 or args.n < 1:
        raise UsageError("--budget must be positive and -n at least 1")
    r = reduce_case(_load_run(args), args.case_id, args.budget, args.n)
    print(r.line())
    return 0 if r.still_fails else 1


def cmd_repro(args: argparse.Namespace) -> int:
    from oracle.feed.repro import repro

    values = {opt.dest: getattr(args, opt.dest, None) for opt in OPTIONS}
    out = repro(args.case_id, values)
    print(out.line())
    return out.exit_code


def cmd_claim(args: argparse.Namespace) -> int:
    from oracle.feed import claim

    agent = args.agent or claim.default_agent()
    if args.command == "claim" and args.renew:
        if args.task:
            raise UsageError("oracle claim --renew renews every claim of yours: give no TASK (or claim TASK again)")
        print("\n".join(claim.renew(args.dir, agent)))
    elif args.command == "claim":
        if not args.task:
            raise UsageError("oracle claim TASK: give the task's id or its file (or --renew)")
        print(claim.claim(args.dir, args.task, agent, args.stale_after))
    else:
        print(claim.release(args.dir, args.task, agent, force=args.force))
    return 0


cmd_release = cmd_claim


def touch_claims(args: argparse.Namespace) -> None:
    """Before a command of an agent's clone: its claims looked up and renewed (feed/claim.touch);
    a claim lost meanwhile is one line on stderr. Nothing to do (no claim made here): no cost."""
    folder = getattr(args, "tasks", None) or getattr(args, "dir", None) or "current_tasks"
    if not Path(folder).is_dir():
        return
    from oracle.config.settings import defaults
    from oracle.feed import claim

    try:
        lease = float(defaults()[0].get("stale_after") or claim.DEFAULT_STALE_HOURS)
    except OracleError:
        lease = claim.DEFAULT_STALE_HOURS
    for line in claim.touch(folder, getattr(args, "agent", None) if isinstance(getattr(args, "agent", None), str)
                            else claim.default_agent(), lease):
        print(line, file=sys.stderr)


def _checked(args: argparse.Namespace):
    from oracle.feed.check import check
    from oracle.feed.claim import resolve_task

    cid, _ = resolve_task(Path(args.dir), args.task)
    values = {opt.dest: getattr(args, opt.dest, None) for opt in OPTIONS}
    return check(args.dir, cid, values)


def cmd_check(args: argparse.Namespace) -> int:
    result = _checked(args)
    for line in result.lines():
        print(line)
    return result.exit_code


def cmd_bisect(args: argparse.Namespace) -> int:
    from oracle.feed.bisect_git import argv_of, bisect

    values = {opt.dest: getattr(args, opt.dest, None) for opt in OPTIONS}
    if not values.get("compiler"):
        raise UsageError("oracle bisect judges the task with the compiler each commit builds: pass --compiler CMD")
    for line in bisect(args.dir, args.task, argv_of(values, [o for o in OPTIONS if hasattr(args, o.dest)]),
                       args.build, args.good, args.bad):
        print(line)
    return 0


def cmd_done(args: argparse.Namespace) -> int:
    """Check the task with the agent's compiler, then mark it done; refused while a case fails."""
    from oracle.feed import claim

    agent = args.agent or claim.default_agent()
    checked = None
    if not args.force:
        if not args.compiler:
            raise UsageError("oracle done checks every case of the task with your compiler first: pass "
                             "--compiler CMD (the one with the fix), or --force to mark it done unchecked")
        result = _checked(args)
        if result.exit_code != 0:
            for line in result.lines():
                print(line)
            print(f"not done: the task's cases must all pass first (oracle check {args.task} --compiler ...); "
                  "--force marks it done anyway")
            return result.exit_code
        checked = result.summary()
    print(claim.release(args.dir, args.task, agent, force=args.force, done=True, fix=args.fix,
                        checked=checked or "not checked (--force)"))
    return 0


def cmd_gate(args: argparse.Namespace) -> int:
    from oracle.feed.gate import gate
    from oracle.report.results import load

    if args.reruns < 0:
        raise UsageError("--reruns must be 0 or more")
    result = gate(args.baseline, [load(r) for r in args.results], reruns=args.reruns, update=args.update_baseline)
    for line in result.lines():
        print(line)
    return result.exit_code


def cmd_merge(args: argparse.Namespace) -> int:
    from oracle.feed.merge import merge

    try:
        out = merge(args.out, args.results)
    except OSError as exc:
        print(f"oracle: error: could not write the merged report in {args.out}: "
              f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_INCOMPLETE)  # 2: not a regular file (NotAFile)
    print(f"merged {len(args.results)} results: {out}/results.json · {out}/junit.xml · {out}/errors.log")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from oracle.report import history
    from oracle.report import atomic_write, refuse_special
    from oracle.report.html import render

    if args.command == "report":
        refuse_special(args.html, "--html")
    if not Path(args.history).exists():
        raise UsageError(f"no run history at {args.history}: run 'oracle run' first, or pass --history FILE")
    db = history.open_existing(args.history)
    try:
        if args.command == "report":
            page = render(db)
            try:
                atomic_write(args.html, page)
            except OSError as exc:
                print(f"oracle: error: could not write {args.html}: {exc.strerror or exc}", file=sys.stderr)
                return getattr(exc, "exit_code", EXIT_INCOMPLETE)  # 2: not a regular file (NotAFile)
            print(f"wrote {args.html}")
            return 0
        for r in history.pass_rates(db, last=args.last):
            print(f"#{r.run:<4} {r.started[:19]}  {r.suite:<10} {r.arch:<8} {r.passed:>6}/{r.counted:<6} "
                  f"{r.rate:5.1f}%  {r.failures} failing  {r.candidate}  [{r.label}]")
    finally:
        db.close()
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from oracle.report.compare import compare
    from oracle.report.results import load

    cmp_ = compare(load(args.a), load(args.b))
    for line in cmp_.lines(None if args.all else 20):
        print(line)
    if args.json:
        try:
            Path(args.json).write_text(json.dumps(cmp_.to_json(), indent=1) + "\n")
        except OSError as exc:
            raise UsageError(f"cannot write {args.json}: {exc.strerror}") from None
    return cmp_.exit_code


def cmd_cache(args: argparse.Namespace) -> int:
    from oracle.infra.cache import command

    print(command(args.cache, args.action))
    return 0


def cmd_fuzz(args: argparse.Namespace) -> int:
    """An unbounded generated suite, judged until the deadline."""
    from dataclasses import replace

    from oracle.discover.select import select_cases
    from oracle.engine.stream import Stream, parse_budget
    from oracle.discover.suites.generated import GENERATORS

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    budget = parse_budget(args.budget)
    gens = tuple(dict.fromkeys(g.strip() for g in args.generator.split(",") if g.strip()))
    if not gens or any(g not in GENERATORS for g in gens):
        raise UsageError(f"bad --generator {args.generator!r}: give csmith, hypothesis or csmith,hypothesis")
    values = {opt.dest: getattr(args, opt.dest, None) for opt in OPTIONS}
    values["suite"] = ",".join(gens)
    cfg = replace(build(values), count=None)
    scratch.sweep_abandoned()
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    fuzzer = Stream(cfg, select_cases(cfg), args.jobs, budget_s=budget, progress=sys.stderr.isatty(),
                    echo_failures=True)
    from oracle.engine.ending import exit_status, finish, summary_lines

    recorder = fuzzer.run()
    finish(recorder)
    for line in summary_lines(recorder):
        print(line)
    if fuzzer.interrupted:
        print("interrupted: every failure found so far is kept")
    return exit_status(recorder)


def _interrupt(signum, frame):
    # Workers stop at once too (a terminal's Ctrl-C reaches them, a `kill` does not).
    for pid in children():
        try:
            os.kill(pid, signal.SIGINT)
        except OSError:
            pass
    raise KeyboardInterrupt


def cmd_corpus(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from oracle.discover.corpus import fetch_torture, torture_dir

    if args.corpus_command == "fetch" and args.name == "project":
        from oracle.discover.projects.sources import fetch_projects

        for line in fetch_projects(args.project, Path(args.source) if args.source else None, args.force):
            if not (args.quiet and "already" in line):
                print(line, flush=True)
        return 0
    if args.corpus_command == "fetch":
        where, line = fetch_torture(Path(args.source) if args.source else None, force=args.force)
        if not (args.quiet and "already" in line):
            print(line)
        return 0
    if args.corpus_command == "where":
        print(torture_dir())
        return 0
    parser.parse_args(["corpus", "--help"])
    return EXIT_USAGE


def cmd_images(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from oracle.infra import images
    from oracle.infra.backends.engine import EngineError
    from oracle.config.targets import canonical_arch

    try:
        if args.images_command == "build":
            given = args.arch or ",".join(images.defined_arches())
            for arch in dict.fromkeys(canonical_arch(a, "--arch") for a in given.split(",") if a.strip()):
                images.build(arch, offline=args.offline, force=args.force)
            return 0
        if args.images_command == "list":
            for row in images.listing():
                versions = " ".join(f"{k}={v}" for k, v in sorted(row["versions"].items()))
                print(f"{row['tag']:32} {row['arch']:8} {row['size']:>8} "
                      f"{'current' if row['current'] else 'stale':8} {versions}")
            return 0
    except EngineError as exc:
        print(f"oracle: error: {exc}", file=sys.stderr)
        return exc.exit_code
    parser.parse_args(["images", "--help"])
    return EXIT_USAGE
