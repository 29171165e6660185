"""`make fleet`: a fleet of agents sharing one reference through a Redis server (not part of make test).

Starts `redis-server` on a free localhost port (its files in a temp folder), then runs phases of
N concurrent agents: separate processes, each with its own XDG cache folder (so its own local
SQLite cache and nothing shared but the server), its own scratch folder and its own AGENT_ID, each
`oracle run --ratio R` over torture on x86_64 and aarch64 (tcc and aarch64-linux-gnu-gcc as the
candidates, as in `make bench`):

  cold     the server empty; the agents' samples overlap, so the claims matter
  warm     the same samples again, fresh XDG folders: only the server is warm
  fast     `--fast`, fresh XDG folders
  full     one agent, the whole suite on both arches (optional: --full)
  pair     two machines one after the other, the whole suite on x86_64: cold, then warm (--pair)
  outage   the cold phase again (same samples, fresh XDG folders) on an emptied server, which is
           killed part-way and restarted (empty) after --down seconds: every agent must finish,
           every case judged, with the cold phase's verdicts (whose references were all built
           fresh), and print one warning line

For each phase: reference builds fleet-wide (cases whose record says `built`; a failure found
against a stored reference is re-checked against a fresh one, by design) against the distinct
(test, arch) pairs judged, and how many of them built one pair again; the agents' median and p95 wall time; the server's memory. Results go
to bench/results/fleet-<date>.json.

    python bench/fleet.py                         # 16 agents, --ratio 10, both arches, --full
    python bench/fleet.py --agents 4 --ratio 5    # a reduced scale for a busy 2-core machine
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from oracle.infra import scratch  # noqa: E402
from oracle.discover.corpus import torture_dir  # noqa: E402

ORACLE = [sys.executable, "-m", "oracle.cli"]
CANDIDATES = ["--compiler", "tcc", "--compiler", "aarch64=aarch64-linux-gnu-gcc"]
PASSWORD = "fleet-password"
HMAC_KEY = "fleet-hmac-key"
SCRATCH: Path | None = None  # the agents' scratch folders go under it (made in main)
FAILING = {"compile-error", "compiler-crash", "compile-timeout", "wrong-exit", "wrong-output", "crash", "timeout"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    def __init__(self, folder: Path, maxmemory: str):
        self.folder, self.port, self.maxmemory = folder, free_port(), maxmemory
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://:{PASSWORD}@127.0.0.1:{self.port}/0"

    def cli(self, *args: str) -> str:
        res = subprocess.run(["redis-cli", "-p", str(self.port), "--no-auth-warning", "-a", PASSWORD, *args],
                             capture_output=True, text=True, timeout=30)
        return res.stdout.strip()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "no", "--requirepass", PASSWORD, "--maxmemory", self.maxmemory,
             "--maxmemory-policy", "allkeys-lru"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.cli("PING") == "PONG":
                return
            time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=15)
            self.proc = None

    def memory(self) -> dict:
        info = dict(line.split(":", 1) for line in self.cli("INFO", "memory").splitlines() if ":" in line)
        keys = self.cli("DBSIZE")
        return {"used_memory": int(info.get("used_memory", 0)), "used_memory_human": info.get("used_memory_human"),
                "keys": int(keys) if keys.isdigit() else None}


def agent_env(work: Path, name: str, phase: str) -> dict:
    xdg = work / phase / name / "xdg"
    assert SCRATCH is not None
    scratch_dir = SCRATCH / phase / name  # in RAM when /dev/shm is usable, as an agent's would be
    xdg.mkdir(parents=True)
    scratch_dir.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORACLE_CACHE")}
    env.update(XDG_CACHE_HOME=str(xdg), ORACLE_SCRATCH=str(scratch_dir), AGENT_ID=name,
               ORACLE_TORTURE_DIR=str(torture_dir()), ORACLE_CACHE_KEY=HMAC_KEY)
    return env


def start_agent(work: Path, phase: str, name: str, sample: list[str], cache: list[str], jobs: int = 1,
                arches: str = "x86_64,aarch64") -> dict:
    out = work / phase / name / "out"
    env = agent_env(work, name, phase)
    argv = [*ORACLE, "run", *CANDIDATES, "--suite", "torture", "--arch", arches, *sample,
            "--seed", name, "-j", str(jobs), "--out", str(out), "--no-history", *cache]
    log = open(work / phase / name / "console.txt", "w")
    p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                         cwd=work / phase / name)
    return {"name": name, "proc": p, "start": time.monotonic(), "out": out, "log": log,
            "console": work / phase / name / "console.txt"}


def finish(agent: dict, timeout: float) -> dict:
    try:
        rc = agent["proc"].wait(timeout=max(1.0, timeout))
    except subprocess.TimeoutExpired:
        agent["proc"].send_signal(signal.SIGINT)
        rc = agent["proc"].wait(timeout=60)
    agent["wall"] = time.monotonic() - agent["start"]
    agent["rc"] = rc
    agent["log"].close()
    try:
        agent["cases"] = json.loads((agent["out"] / "results.json").read_text())["cases"]
    except (OSError, ValueError, KeyError):
        agent["cases"] = []
    console = agent["console"].read_text(errors="replace").splitlines()
    agent["warnings"] = [line for line in console if line.startswith("warning:") and "shared reference cache" in line]
    return agent


def run_phase(work: Path, phase: str, names: list[str], sample: list[str], cache: list[str], timeout: float,
              during=None, jobs: int = 1, arches: str = "x86_64,aarch64") -> list[dict]:
    agents = [start_agent(work, phase, n, sample, cache, jobs, arches) for n in names]
    if during is not None:
        during(agents)
    deadline = time.monotonic() + timeout
    return [finish(a, deadline - time.monotonic()) for a in agents]


def summarise(phase: str, agents: list[dict], redis: Redis | None) -> dict:
    walls = sorted(a["wall"] for a in agents)
    recs = [c for a in agents for c in a["cases"]]
    pairs = {(c["test"], c["arch"]) for c in recs if c.get("reference") is not None}
    built = [c for c in recs if c.get("reference") in ("built", "stale-cache-replaced")]
    built_pairs = {(c["test"], c["arch"]) for c in built}
    lost = [c["id"] for c in recs if c["verdict"] in ("not-run", "infra-error")]
    s = {
        "phase": phase,
        "agents": len(agents),
        "exit_codes": sorted({a["rc"] for a in agents}),
        "cases_judged": len(recs),
        "distinct_test_arch_pairs": len(pairs),
        "reference_builds": len(built),
        "reference_builds_distinct_pairs": len(built_pairs),
        "duplicate_builds": len(built) - len(built_pairs),
        # A failure found against a stored reference is re-checked against a fresh one (by design).
        "builds_for_failing_cases": sum(c["verdict"] in FAILING for c in built),
        "cached": sum(c.get("reference") == "cached" for c in recs),
        "wall_median_s": round(statistics.median(walls), 1),
        "wall_p95_s": round(walls[min(len(walls) - 1, int(0.95 * len(walls)))], 1),
        "wall_max_s": round(walls[-1], 1),
        "not_run_or_infra_error": len(lost),
        "warning_lines_per_agent": sorted({len(a["warnings"]) for a in agents}),
    }
    if redis is not None and redis.proc is not None:
        s["redis"] = redis.memory()
    return s


def show(s: dict) -> None:
    mem = s.get("redis", {})
    print(f"{s['phase']:>8}: {s['agents']} agents, {s['cases_judged']} cases, {s['distinct_test_arch_pairs']} distinct "
          f"(test, arch) pairs, {s['reference_builds']} reference builds ({s['duplicate_builds']} duplicates; "
          f"{s['builds_for_failing_cases']} for failing cases), wall median {s['wall_median_s']} s p95 "
          f"{s['wall_p95_s']} s, exits {s['exit_codes']}, lost {s['not_run_or_infra_error']}, warnings/agent "
          f"{s['warning_lines_per_agent']}" + (f", redis {mem.get('used_memory_human')} / {mem.get('keys')} keys"
                                               if mem else ""), flush=True)


def verdicts(agents: list[dict]) -> dict[str, str]:
    return {c["id"]: c["verdict"] for a in agents for c in a["cases"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, default=16)
    ap.add_argument("--ratio", type=float, default=10)
    ap.add_argument("--full", action=argparse.BooleanOptionalAction, default=True, help="the full run phase")
    ap.add_argument("--outage", action=argparse.BooleanOptionalAction, default=True, help="the outage phase")
    ap.add_argument("--pair", action=argparse.BooleanOptionalAction, default=True,
                    help="two machines, one after the other: the whole torture suite on x86_64, cold then warm")
    ap.add_argument("--kill-after", type=float, default=None,
                    help="outage: seconds before redis is killed (default: half the cold median)")
    ap.add_argument("--down", type=float, default=10.0, help="outage: seconds redis stays down")
    ap.add_argument("--maxmemory", default="256mb")
    ap.add_argument("--timeout", type=float, default=4 * 3600, help="per phase")
    ap.add_argument("--keep", action="store_true", help="keep the agents' folders (printed)")
    args = ap.parse_args()
    for tool in ("redis-server", "redis-cli", "tcc", "aarch64-linux-gnu-gcc", "qemu-aarch64"):
        if not shutil.which(tool):
            print(f"fleet: {tool} not found: run make setup", file=sys.stderr)
            return 2
    if not torture_dir().is_dir():
        print("fleet: no torture corpus: run make setup (oracle corpus fetch torture)", file=sys.stderr)
        return 2
    global SCRATCH
    work = Path(tempfile.mkdtemp(prefix="oracle-fleet-"))
    SCRATCH = Path(tempfile.mkdtemp(prefix="oracle-fleet-", dir=scratch.root()))
    redis = Redis(work / "redis", args.maxmemory)
    (work / "redis").mkdir()
    names = [f"agent-{i:02}" for i in range(args.agents)]
    sample = ["--ratio", f"{args.ratio:g}"]
    results: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "agents": args.agents, "ratio": args.ratio,
                     "arches": ["x86_64", "aarch64"], "cores": os.cpu_count(), "phases": []}
    try:
        redis.start()
        cache = ["--cache", redis.url]
        phases = [("cold", names, sample), ("warm", names, sample), ("fast", names, ["--fast"])]
        cold_agents = None
        for phase, who, what in phases:
            agents = run_phase(work, phase, who, what, cache, args.timeout)
            s = summarise(phase, agents, redis)
            if phase == "cold":
                cold_agents = agents
            if phase == "warm":
                s["verdicts_equal_cold"] = verdicts(agents) == verdicts(cold_agents)
            results["phases"].append(s)
            show(s)
        if args.full:
            agents = run_phase(work, "full", ["agent-full"], [], cache, args.timeout, jobs=os.cpu_count() or 1)
            s = summarise("full", agents, redis)
            results["phases"].append(s)
            show(s)
        if args.pair:
            # Issue 18's first check: a second machine (its own XDG folder) after a first, one server.
            redis.cli("FLUSHALL")
            jobs = os.cpu_count() or 1
            first = run_phase(work, "pair-1", ["machine-1"], [], cache, args.timeout, jobs=jobs, arches="x86_64")
            second = run_phase(work, "pair-2", ["machine-2"], [], cache, args.timeout, jobs=jobs, arches="x86_64")
            for phase, agents in (("pair-1", first), ("pair-2", second)):
                s = summarise(phase, agents, redis)
                results["phases"].append(s)
                show(s)
            ratio = second[0]["wall"] / first[0]["wall"]
            results["pair_warm_over_cold"] = round(ratio, 3)
            print(f"  pair: torture x86_64, -j {jobs}: warm/cold wall {ratio:.2f}; verdicts equal: "
                  f"{verdicts(first) == verdicts(second)}", flush=True)
        if args.outage:
            # The cold phase again (same samples, fresh XDG folders, an empty server), the server
            # killed part-way and restarted empty: no result may be lost, no verdict may change.
            redis.cli("FLUSHALL")
            kill_after = args.kill_after or results["phases"][0]["wall_median_s"] / 2
            events: list[str] = []

            def outage(agents: list[dict]) -> None:
                time.sleep(kill_after)
                redis.kill()
                events.append(f"killed at {kill_after:.0f} s")
                time.sleep(args.down)
                redis.start()
                events.append(f"restarted (empty) {args.down:.0f} s later")

            agents = run_phase(work, "outage", names, sample, cache, args.timeout, during=outage)
            s = summarise("outage", agents, redis)
            s["events"] = events
            s["verdicts_equal_cold"] = verdicts(agents) == verdicts(cold_agents)
            s["differing_cases"] = sorted(k for k, v in verdicts(agents).items()
                                          if verdicts(cold_agents).get(k) != v)[:20]
            results["phases"].append(s)
            show(s)
            print(f"  outage: {'; '.join(events)}; verdicts equal to the cold phase's: {s['verdicts_equal_cold']}",
                  flush=True)
    finally:
        redis.kill()
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        if SCRATCH is not None and SCRATCH.name.startswith("oracle-fleet-"):
            shutil.rmtree(SCRATCH, ignore_errors=True)
    dest = HERE / "results" / time.strftime("fleet-%Y-%m-%d-%H%M%S.json")
    dest.write_text(json.dumps(results, indent=1) + "\n")
    print(f"results: {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
