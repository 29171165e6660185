"""A test binary's limits are hard: it cannot raise its own caps back; it runs as ./prog."""

from __future__ import annotations

import resource
import shutil

from oracle.infra import proc

GiB = 1 << 30
SH = shutil.which("sh")


def _run_sh(tmp_path, script: str, **kw) -> proc.ProcResult:
    folder = tmp_path / "run"
    folder.mkdir()
    # Placed as the binary already (as it was before proc.run placed it): the limits are what is tested.
    shutil.copy(SH, folder / "prog")
    env = proc.child_env(**{"ORACLE_PROGRAM": SH})
    return proc.run(["./prog", "-c", script], timeout=10, cwd=str(folder), env=env, **kw)


def test_a_binary_cannot_raise_its_memory_cap(tmp_path):
    res = _run_sh(tmp_path, "ulimit -H -v; ulimit -S -v unlimited && echo raised; ulimit -S -v",
                  limits=proc.Limits(address_space=1 * GiB))
    assert res.status.ok, res
    assert res.stdout.split() == [b"1048576", b"1048576"], res.stdout + res.stderr


def test_a_binary_cannot_raise_its_process_or_file_caps(tmp_path):
    res = _run_sh(tmp_path, "ulimit -H -p; ulimit -H -n; ulimit -H -c",
                  limits=proc.Limits(address_space=1 * GiB, processes=64, open_files=100))
    assert res.stdout.split() == [b"64", b"100", b"0"], res.stdout + res.stderr


def test_our_own_limits_are_unchanged(tmp_path):
    names = (resource.RLIMIT_AS, resource.RLIMIT_NOFILE, resource.RLIMIT_FSIZE, resource.RLIMIT_CPU,
             resource.RLIMIT_NPROC, resource.RLIMIT_CORE)
    before = [resource.getrlimit(r) for r in names]
    _run_sh(tmp_path, "true", limits=proc.Limits(address_space=1 * GiB, processes=64))
    assert [resource.getrlimit(r) for r in names] == before


def test_a_compiler_keeps_soft_limits(tmp_path):
    """Only test binaries are held to hard limits: a compiler job is as before."""
    res = proc.run(["sh", "-c", "ulimit -S -n; ulimit -H -n"], timeout=10, cwd=str(tmp_path),
                   limits=proc.Limits(open_files=100))
    soft, hard = res.stdout.split()
    assert soft == b"100" and hard != b"100"


def test_the_binary_runs_as_prog_and_its_name_is_not_in_its_environment(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    env = proc.child_env(**{"ORACLE_PROGRAM": SH})
    res = proc.run(["./prog", "-c", 'echo "$0 ${ORACLE_PROGRAM-unset}"'], timeout=10, cwd=str(folder),
                   env=env)
    assert res.stdout == b"./prog unset\n", res
    assert (folder / "prog").read_bytes() == open(SH, "rb").read()
