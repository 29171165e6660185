"""The docker backend: one long-lived container per worker and arch, fed jobs over one
persistent `docker exec -i` stream.

Never a container per job: creating one from a 400 MB image costs 0.5 s with overlay2 and
5-10 s with vfs, and `docker exec` per job is about 2.3x slower than a stream. Inside, the
agent (agent.py) runs each job through proc.run with the job's own limits; the container
carries the run-wide ones (memory, pids, cpus) and the isolation flags. Sources, compilers
outside the image and oracle itself are mounted read-only; the scratch folder (on a tmpfs
when the host has one that allows exec) is mounted read-write at the same path, so paths
need no translation and the Judge sees what jobs wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from oracle import PACKAGE
from oracle.infra import images, proc, scratch
from oracle.model.errors import BackendError, UsageError
from oracle.infra.backends import engine, wire

GRACE_S = 30.0  # beyond a job's own timeout, how long the agent may take to answer
AGENT_ROOT = "/opt/oracle"  # oracle's package is mounted at /opt/oracle/oracle
SYSTEM_PREFIXES = ("/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/")  # tools there come from the image
MEMORY = os.environ.get("ORACLE_DOCKER_MEMORY", "512m")
# One CPU per container: a worker runs one job at a time. (Measured: raising it to the
# machine's count did not change the docker/local wall-time ratio on torture.)
CPUS = os.environ.get("ORACLE_DOCKER_CPUS", "1")

# Container-wide limits and isolation; per-job limits are set by the agent.
FLAGS = ("--init", "--network", "none", "--memory", MEMORY, "--memory-swap", MEMORY, "--pids-limit", "512",
         "--cpus", CPUS, "--read-only", "--tmpfs", "/tmp:rw,exec,size=256m", "--user", "65534:65534",
         "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--workdir", "/tmp")


def host_paths(cfg) -> list[str]:
    """Folders the jobs need from the host, mounted read-only at the same path."""
    paths = {str(PACKAGE)}  # the agent's code (mounted at AGENT_ROOT)
    if cfg.suite_root:  # found when the run was configured: the suite is not opened again here
        paths.add(cfg.suite_root)
    for tools in (cfg.candidates, cfg.references):
        for tc in tools.values():
            if not tc.argv[0].startswith(SYSTEM_PREFIXES):
                paths.add(str(Path(tc.argv[0]).parent))
    return sorted(paths)


def image_tools(cfg) -> dict[str, list[str]]:
    """Per arch, the tools that must be in the image (the ones under system folders)."""
    out: dict[str, list[str]] = {}
    for arch in cfg.arches:
        argvs = [cfg.candidates[arch].argv, cfg.references[arch].argv, cfg.emulators[arch].argv]
        out[arch] = [a[0] for a in argvs if a and a[0].startswith(SYSTEM_PREFIXES)]
    return out


def check_image_tools(image: str, arch: str, tools: list[str]) -> None:
    """UsageError naming a tool the image lacks (a candidate under /usr must be in the image)."""
    out = engine.docker("run", "--rm", "--network", "none", image, "sh", "-c",
                        'for p; do [ -x "$p" ] || echo "$p"; done', "sh", *tools, timeout=120)
    missing = out.split()
    if missing:
        raise UsageError(f"{missing[0]} is not in image {image}: add its package to containers/{arch}/packages "
                         "and run 'oracle images build --offline', or use a compiler outside /usr (it is mounted)")


def preflight(cfg):
    """On the controller, before any worker starts: the engine answers, each arch's image is
    built and holds the tools it must hold (UsageError naming the fix otherwise); containers
    left by dead runs are swept. Returns cfg with the images recorded."""
    engine.require_engine()
    engine.sweep_dead_runs()
    records = {arch: images.record(arch) for arch in cfg.arches}
    for arch, tools in image_tools(cfg).items():
        check_image_tools(records[arch]["tag"], arch, tools)
    return replace(cfg, images=records, owner=engine.owner_token())


class _Container:
    """One container and the agent stream into it."""

    def __init__(self, name: str, image: str, cfg, mounts: list[str], log: Path):
        self.name = name
        labels = ["--label", f"{engine.LABEL_RUN}={cfg.run_id}", "--label", f"{engine.LABEL_OWNER}={cfg.owner}"]
        engine.docker("run", "-d", "--name", name, *labels, *FLAGS, *mounts, image, "sleep", "infinity",
                      timeout=180)
        with open(log, "ab") as err:
            self.agent = subprocess.Popen(
                ["docker", "exec", "-i", "-e", f"PYTHONPATH={AGENT_ROOT}", name,
                 "python3", "-m", "oracle.infra.backends.agent"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        self.seq = 0

    def call(self, data: bytes, seq: int, argv, deadline: float) -> proc.ProcResult:
        try:
            self.agent.stdin.write(data)
            self.agent.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise wire.ProtocolError(f"the agent's stream is closed ({exc})") from None
        with wire.Reader(self.agent.stdout.fileno(), deadline) as reader:
            return reader.answer(seq, argv)  # ProtocolError when the stream ends (container gone?) or is late

    def destroy(self) -> None:
        for stream in (self.agent.stdin, self.agent.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self.agent.poll() is None:
            self.agent.kill()  # only the client: the container is removed below
        self.agent.wait()
        engine.remove(self.name)


class DockerBackend:
    """Containers started lazily, one per arch, for this worker; replaced when they break."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.scratch = tempfile.mkdtemp(prefix=f"oracle-{cfg.run_id}-{self.worker}-", dir=scratch.root())
        os.chmod(self.scratch, 0o777)
        self.mounts = [f"--mount=type=bind,src={self.scratch},dst={self.scratch}"]
        for path in host_paths(cfg):
            dst = f"{AGENT_ROOT}/oracle" if path == str(PACKAGE) else path
            if "," in path or "," in dst:
                raise BackendError(f"cannot mount {path!r} into a container: its path holds a comma")
            self.mounts.append(f"--mount=type=bind,src={path},dst={dst},readonly")
        self._containers: dict[str, _Container] = {}
        self._seq = 0
        self.replaced = 0  # containers replaced after a failure (tests read it)

    def run_folder(self, work: Path, name: str) -> str:
        return scratch.make_folder(work, name)

    def scratch_parent(self) -> str:
        return self.scratch

    def run(self, argv, *, arch: str, cwd: str, timeout: float, stdout_limit: int = proc.MiB,
            stderr_limit: int = 64 * 1024, kill_on_stdout_overflow: bool = True, limits: proc.Limits = proc.Limits(),
            env: dict[str, str] | None = None) -> proc.ProcResult:
        self._open_up(cwd)
        self._seq += 1
        data = wire.request(self._seq, argv, cwd, timeout, stdout_limit, stderr_limit, kill_on_stdout_overflow,
                            limits, env)
        failure = None
        for attempt in range(2):  # a container that breaks is replaced and the job tried once more
            start = time.monotonic()
            try:
                ctr = self._container(arch)
                return ctr.call(data, self._seq, argv, start + timeout + GRACE_S)
            except wire.Closed as exc:
                # The agent died while the job ran. Killed by a signal (`docker exec` exits 128+N):
                # the job killed its supervisor (its parent, or every process of the container's
                # user). That is the job's outcome, a crash, and it is not run again.
                signum = wire.killed_by(ctr.agent, 5.0)
                self._drop(arch)
                self.replaced += 1
                if signum is not None:
                    return wire.supervisor_killed(argv, signum, "the container's job agent", start)
                failure = exc
            except (wire.ProtocolError, engine.EngineError) as exc:
                failure = exc
                self._drop(arch)
                self.replaced += 1
            except BaseException:  # interrupted mid-job: the stream's state is unknown
                self._drop(arch)
                raise
        raise BackendError(f"the {arch} container failed twice: {failure}")

    def run_binary(self, argv, *, arch: str, **kwargs) -> proc.ProcResult:
        return self.run(argv, arch=arch, **kwargs)  # the container is the sandbox

    def start(self, root: Path) -> None:
        pass

    def tidy(self, root: Path) -> None:
        pass  # each job's process group is ended by the agent; the container's --init reaps

    def _open_up(self, cwd: str) -> None:
        """Make the job's folder (and those above it, up to the scratch) writable by the container's user."""
        path, top = Path(cwd).resolve(), Path(self.scratch).resolve()
        if path != top and top not in path.parents:
            raise BackendError(f"job folder {cwd} is outside the backend's scratch folder {top}")
        while path != top:
            os.chmod(path, 0o777)
            path = path.parent

    def _container(self, arch: str) -> _Container:
        ctr = self._containers.get(arch)
        if ctr is None:
            name = f"oracle-{self.cfg.run_id}-{self.worker}-{arch}-{self.replaced}"
            log = Path(self.scratch) / f"agent-{arch}.log"
            ctr = self._containers[arch] = _Container(name, self.cfg.images[arch]["tag"], self.cfg, self.mounts, log)
        return ctr

    def _drop(self, arch: str) -> None:
        ctr = self._containers.pop(arch, None)
        if ctr is not None:
            ctr.destroy()

    def close(self) -> None:
        for arch in list(self._containers):
            self._drop(arch)
        shutil.rmtree(self.scratch, ignore_errors=True)
