"""The Docker engine, through the docker CLI: one small call per need.

The CLI rather than the Python SDK: the job stream is a `docker exec -i` pipe anyway, and
the few other calls (run, rm, ps, inspect, import) are one line each this way.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess

from oracle.model.errors import EngineError, UsageError

LABEL_RUN = "org.oracle.run"  # the run id: every container of a run carries it
LABEL_OWNER = "org.oracle.owner"  # host:pid:start-time of the process that owns the run
START_ENGINE = "containers/start-dockerd.sh"


def docker(*args: str, timeout: float = 120, input: bytes | None = None, check: bool = True) -> str:
    try:
        res = subprocess.run(["docker", *args], capture_output=True, timeout=timeout, input=input,
                             stdin=None if input is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise EngineError(f"docker {args[0]} did not answer in {timeout:g}s") from None
    if check and res.returncode != 0:
        why = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise EngineError(f"docker {' '.join(args[:2])}: {why[-1] if why else f'exit {res.returncode}'}")
    return res.stdout.decode("utf-8", "replace")


def require_engine() -> None:
    """UsageError (exit 2, one line naming the fix) unless an engine answers."""
    if shutil.which("docker") is None:
        raise UsageError("no docker command: run 'make setup' (apt-get install docker.io), then "
                         f"'{START_ENGINE}'")
    try:
        docker("version", "--format", "{{.Server.Version}}", timeout=20)
    except EngineError:
        raise UsageError(f"no Docker engine answers: start one with '{START_ENGINE}' (as root)") from None


def owner_token(pid: int | None = None) -> str:
    """Who owns a run: host, pid and the pid's start time (so a reused pid is not mistaken for it)."""
    pid = pid or os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def _start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "?"


def alive(token: str) -> bool:
    host, _, rest = token.partition(":")
    pid, _, start = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's run (a shared engine): not ours to judge
    return _start_time(int(pid)) == start


def containers(label: str) -> list[dict]:
    out = docker("ps", "-a", "--no-trunc", "--filter", f"label={label}", "--format", "{{json .}}", timeout=30)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def remove(*names: str) -> None:
    if names:
        docker("rm", "-f", *names, timeout=60, check=False)


def remove_run(run_id: str) -> None:
    """Remove every container of a run (at its end, on Ctrl-C, on errors)."""
    try:
        remove(*(c["ID"] for c in containers(f"{LABEL_RUN}={run_id}")))
    except EngineError:
        pass


def sweep_dead_runs() -> list[str]:
    """Remove the containers of runs whose owner process is gone; returns their names."""
    dead = []
    for c in containers(LABEL_OWNER):
        labels = dict(kv.split("=", 1) for kv in c.get("Labels", "").split(",") if "=" in kv)
        if not alive(labels.get(LABEL_OWNER, "")):
            dead.append(c["Names"])
    remove(*dead)
    return dead
