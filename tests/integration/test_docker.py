"""The docker backend against a real engine and the real images.

Skipped where no engine runs or the images are not built, except under
ORACLE_REQUIRE_DOCKER=1 (what .ci/run sets): there a missing engine fails them.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from oracle.infra import proc
from oracle.model import verdict as V
from oracle.infra.backends import engine
from oracle.infra.backends.docker import DockerBackend
from oracle.infra.backends.local import LocalBackend
from oracle.model.errors import UsageError
from oracle.judge.judging import Judge
from oracle.discover.suites import open_suite

from ..conftest import (COMPILERS, FIXTURES, ORACLE, needs_aarch64, needs_i686, needs_riscv64, needs_tcc, run_cli,
                        slow_suite)

IN_CONTAINER = FIXTURES / "in-container"  # hostile fixtures never to be run locally


@functools.cache
def _docker_problem() -> str | None:
    from oracle.infra import images

    try:
        engine.require_engine()
        for arch in images.defined_arches():
            images.record(arch)
    except UsageError as exc:
        return str(exc)
    return None


@pytest.fixture(autouse=True)
def docker_ready():
    problem = _docker_problem()
    if problem:
        if os.environ.get("ORACLE_REQUIRE_DOCKER"):
            pytest.fail(f"ORACLE_REQUIRE_DOCKER is set but: {problem}")
        pytest.skip(problem)


def run_containers(run_id: str) -> list[dict]:
    return engine.containers(f"{engine.LABEL_RUN}={run_id}")


def processes_under(path: str) -> list[int]:
    """Host pids whose command line mentions path (container processes are host processes too)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if path.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    out.append(int(entry))
            except OSError:
                pass
    return out


# ---------------------------------------------------------------- the job stream


def test_results_come_back_byte_exact(make_config, program_dir):
    cfg = make_config(["gcc"], program_dir("ok.c"), backend="docker")
    docker, local = DockerBackend(cfg), LocalBackend()
    try:
        work = Path(docker.scratch_parent(), "w")
        work.mkdir()
        (work / "bytes").write_bytes(bytes(range(256)) * 3000)  # every byte value, 768 KB
        jobs = [
            (["cat", "bytes"], {}),
            (["sh", "-c", "cat bytes; echo err >&2; exit 7"], {}),
            (["sh", "-c", "cat bytes bytes"], {}),  # past the 1 MiB limit: truncated, killed
            (["sh", "-c", "printf 'a\\0b'; kill -SEGV $$"], {}),
            (["sh", "-c", "sleep 5"], {"timeout": 0.5}),
            (["./missing"], {}),
            (["sh", "-c", 'printf %s "$ORACLE_RERUN"'], {"env": {**proc.child_env(), "ORACLE_RERUN": "xyz"}}),
        ]
        for argv, kw in jobs:
            kw = {"timeout": 10, **kw}
            a = docker.run(argv, arch="x86_64", cwd=str(work), **kw)
            b = local.run(argv, arch="x86_64", cwd=str(work), **kw)
            assert (a.status, a.stdout, a.stdout_truncated, a.stderr) == (b.status, b.stdout, b.stdout_truncated,
                                                                          b.stderr), argv
        assert docker.replaced == 0
    finally:
        docker.close()
    assert run_containers(cfg.run_id) == []


def test_a_dead_container_is_replaced_and_the_job_retried(make_config, program_dir):
    cfg = make_config(["gcc"], program_dir("ok.c"), backend="docker")
    backend = DockerBackend(cfg)
    try:
        work = Path(backend.scratch_parent(), "w")
        work.mkdir()
        assert backend.run(["true"], arch="x86_64", cwd=str(work), timeout=10).status.ok
        (first,) = run_containers(cfg.run_id)
        engine.remove(first["ID"])
        res = backend.run(["sh", "-c", "echo again"], arch="x86_64", cwd=str(work), timeout=10)
        assert res.stdout == b"again\n" and backend.replaced == 1
        # A job that kills its agent: its own crash, not tried again; a fresh container goes on.
        res = backend.run(["sh", "-c", "kill -9 $PPID; sleep 5"], arch="x86_64", cwd=str(work), timeout=10)
        assert res.status.kind == "signal" and b"killed its supervisor" in res.stderr and backend.replaced == 2
        assert backend.run(["true"], arch="x86_64", cwd=str(work), timeout=10).status.ok
    finally:
        backend.close()
    assert run_containers(cfg.run_id) == []


# ---------------------------------------------------------------- hostile programs


def test_hostile_programs_get_their_verdict_and_leave_nothing(make_config, program_dir):
    suite = program_dir("loop.c", "ok.c")
    for name in ("forkbomb.c", "bigalloc.c"):
        shutil.copy(IN_CONTAINER / name, suite / name)
    # Touching 512 MB before the memory cap kills it took over 2 s on a loaded 2-core machine.
    cfg = make_config([str(COMPILERS / "gcc-bug")], suite, backend="docker", run_timeout=6.0)
    judge = Judge(cfg)
    scratch = judge.backend.scratch_parent()
    try:
        got = {c.test: judge.judge(c) for c in open_suite(cfg.suite).cases(cfg.arches, cfg.opts)}
        assert got["forkbomb.c"].verdict is V.TIMEOUT, got["forkbomb.c"].reason
        assert got["loop.c"].verdict is V.TIMEOUT, got["loop.c"].reason
        assert got["bigalloc.c"].verdict is V.CRASH and "SIGKILL" in got["bigalloc.c"].reason  # the memory cap
        assert got["ok.c"].verdict is V.PASS, got["ok.c"].reason  # the next case is unaffected
        assert judge.backend.replaced == 0  # ... and its container survived them all
        assert processes_under(scratch) == []
    finally:
        judge.close()
    assert run_containers(cfg.run_id) == []
    assert processes_under(scratch) == [] and not Path(scratch).exists()


def test_a_compiler_that_kills_its_agent_is_its_own_crash(tmp_path, program_dir):
    """The candidate kills the container's job agent: its crash (not oracle's infra-error, which
    would let the run exit 0), not tried again; a fresh container judges the next case."""
    suite = program_dir("ok.c", "wrong_exit.c")
    out = tmp_path / "out"
    res = run_cli("run", "--compiler", str(IN_CONTAINER / "kill-agent"), "--suite", str(suite), "--backend", "docker",
                  "--out", str(out), "-j", "1")
    assert res.returncode == 1, res.stdout + res.stderr
    doc = json.loads((out / "results.json").read_text())
    cases = {c["test"]: c for c in doc["cases"]}
    assert {t: c["verdict"] for t, c in cases.items()} == {"ok.c": "compiler-crash", "wrong_exit.c": "compiler-crash"}
    assert all("killed its supervisor" in c["reason"] for c in cases.values()), cases
    assert orphans() == []


def orphans() -> list[str]:
    """Containers whose run's owner process is gone (other tests' live runs may hold some)."""
    out = []
    for c in engine.containers(engine.LABEL_OWNER):
        labels = dict(kv.split("=", 1) for kv in c.get("Labels", "").split(",") if "=" in kv)
        if not engine.alive(labels.get(engine.LABEL_OWNER, "")):
            out.append(c["Names"])
    return out


# ---------------------------------------------------------------- whole runs


def _verdicts(out: Path) -> dict[str, tuple[str, str]]:
    doc = json.loads((out / "results.json").read_text())
    return {c["id"]: (c["verdict"], c["reason"]) for c in doc["cases"]}


@pytest.mark.parametrize("arch, compiler", [
    pytest.param("x86_64", "tcc", marks=needs_tcc),
    pytest.param("aarch64", "aarch64=aarch64-linux-gnu-gcc", marks=needs_aarch64),
    pytest.param("riscv64", "riscv64=riscv64-linux-gnu-gcc", marks=needs_riscv64),
    pytest.param("i686", "i686=i686-linux-gnu-gcc", marks=needs_i686),
])
def test_smoke_suite_same_verdicts_in_docker_and_locally(tmp_path, arch, compiler):
    outs = {}
    for backend in ("local", "docker"):
        outs[backend] = tmp_path / backend
        res = run_cli("run", "--compiler", compiler, "--suite", "smoke", "--arch", arch, "--backend", backend,
                      "--out", str(outs[backend]), "-j", "1")  # -j 1: the test suite itself runs in parallel
        assert res.returncode in (0, 1), res.stderr
    local, docker = _verdicts(outs["local"]), _verdicts(outs["docker"])
    assert len(local) == 57 and docker == local
    doc = json.loads((outs["docker"] / "results.json").read_text())
    image = doc["toolchains"][arch]["image"]
    assert image["tag"].startswith(f"oracle-{arch}:") and image["versions"]["gcc"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_run_leaves_no_container(tmp_path, sig):
    suite = slow_suite(tmp_path / "many", 40, 200000)
    out = tmp_path / "out"
    p = subprocess.Popen([*ORACLE, "run", "--compiler", "gcc", "--suite", str(suite), "--out", str(out), "-j", "2",
                          "--backend", "docker", "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, text=True)
    mine = f"{engine.LABEL_OWNER}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and p.poll() is None:
        owned = [c for c in engine.containers(mine) if f":{p.pid}:" in c.get("Labels", "")]
        if len(owned) >= 2:  # both workers' containers are up and running jobs
            time.sleep(2)
            break
        time.sleep(0.3)
    assert p.poll() is None, "the run ended before it could be interrupted"
    p.send_signal(sig)
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 3, stdout + stderr
    left = [c for c in engine.containers(mine) if f":{p.pid}:" in c.get("Labels", "")]
    assert left == [], left


def test_a_new_run_sweeps_containers_of_dead_runs(make_config, program_dir):
    dead = subprocess.Popen(["true"])
    dead.wait()
    name = f"oracle-test-dead-{dead.pid}"
    from oracle.infra import images

    engine.docker("run", "-d", "--name", name, "--label", f"{engine.LABEL_RUN}=dead-{dead.pid}",
                  "--label", f"{engine.LABEL_OWNER}={engine.owner_token(os.getpid()).split(':')[0]}:{dead.pid}:1",
                  "--network", "none", images.tag("x86_64"), "sleep", "infinity")
    try:
        make_config(["gcc"], program_dir("ok.c"), backend="docker")  # the preflight sweeps
        assert run_containers(f"dead-{dead.pid}") == []
    finally:
        engine.remove(name)


def test_missing_image_or_engine_is_a_usage_error(tmp_path, program_dir):
    suite = program_dir("ok.c")
    args = ("run", "--compiler", "gcc", "--suite", str(suite), "--backend", "docker", "--out", str(tmp_path / "o"))
    res = run_cli(*args, env={**os.environ, "ORACLE_IMAGE_REPO": "oracle-missing"})
    assert res.returncode == 2 and len(res.stderr.splitlines()) == 1
    assert "oracle images build --offline" in res.stderr
    res = run_cli(*args, env={**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/no.sock"})
    assert res.returncode == 2 and len(res.stderr.splitlines()) == 1
    assert "containers/start-dockerd.sh" in res.stderr
