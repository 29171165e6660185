"""Option parsing that needs no compiler: specs, shards, usage errors."""

from __future__ import annotations

import pytest

from oracle.config import options, machine
from oracle.model.errors import UsageError
from oracle.config.targets import HOST_ARCH
from oracle.config.toolchain import parse_specs


def test_compiler_specs():
    specs = parse_specs(["tcc", "aarch64=clang --target=aarch64-linux-gnu"])
    assert specs[HOST_ARCH] == ("tcc",)
    assert specs["aarch64"] == ("clang", "--target=aarch64-linux-gnu")
    assert parse_specs(["./ccc -DX=1"])[HOST_ARCH] == ("./ccc", "-DX=1")


@pytest.mark.parametrize("specs", [["mips=gcc"], ["gcc", "gcc"], ["aarch64="], ["x86_64='unclosed"]])
def test_bad_compiler_specs(specs):
    with pytest.raises(UsageError):
        parse_specs(specs)


@pytest.mark.parametrize("value", ["0/2", "3/2", "a/b", "1", "1/0"])
def test_bad_shard(value):
    with pytest.raises(UsageError, match="--shard"):
        options.parse_shard(value)


def test_shard_ok():
    assert options.parse_shard(" 2/4 ") == (2, 4)


@pytest.mark.parametrize(
    "values, words",
    [
        ({}, "no candidate compiler"),
        ({"compiler": ["gcc"], "arch": "aarch64"}, "no candidate compiler for aarch64"),
        ({"compiler": ["gcc"], "arch": "sparc"}, "unknown arch"),
        ({"compiler": ["gcc"], "ratio": 0.0}, "--ratio"),
        ({"compiler": ["gcc"], "filter": "("}, "--filter"),
        ({"compiler": ["gcc"], "suite": "no-such-suite"}, "unknown suite"),
        ({"compiler": ["definitely-not-a-compiler"], "suite": "smoke"}, "not found"),
    ],
)
def test_usage_errors(values, words):
    with pytest.raises(UsageError, match=words):
        machine.build(values, probe_toolchains=False)


def test_free_valued_options_may_start_with_a_dash():
    from oracle.cli import glue_free_values, make_parser

    argv = ["run", "--csmith-args", "--no-packed-struct", "--opt", "-O2", "-k", "-O2$", "--seed", "3"]
    args = make_parser().parse_args(glue_free_values(argv))
    assert (args.csmith_args, args.opt, args.filter, args.seed) == ("--no-packed-struct", "-O2", "-O2$", "3")
    assert glue_free_values(["run", "--", "--opt", "x"]) == ["run", "--", "--opt", "x"]


def test_a_field_option_is_one_entry_that_every_front_end_and_the_run_config_take(tmp_path):
    """A RunConfig field declared with option(...) metadata is a run option everywhere: `oracle
    run --NAME`, `pytest --oracle-NAME`, a settings-file key, a checked value in the RunConfig,
    recorded in results.json and compared by --resume (--stdout-limit is one)."""
    from dataclasses import fields

    from oracle.cli import make_parser
    from oracle.config import settings
    from oracle.engine import plugin

    declared = [f.name for f in fields(options.RunConfig) if "option" in f.metadata]
    assert "stdout_limit" in declared and [o.dest for o in options.FIELD_OPTIONS] == declared
    run = make_parser().parse_args(["run", "--stdout-limit", "4096", "--run-timeout", "3"])
    assert (run.stdout_limit, run.run_timeout) == (4096, 3.0)

    class Group:
        names: list[str] = []

        def addoption(self, name, **kw):
            self.names.append(name)

    class Parser:
        def getgroup(self, *a):
            return Group()

    plugin.pytest_addoption(Parser())
    assert {f"--oracle-{o.name}" for o in options.FIELD_OPTIONS} <= set(Group.names)
    (tmp_path / "oracle.toml").write_text("stdout-limit = 8192\n")
    assert settings.defaults(tmp_path)[0] == {"stdout_limit": 8192}

    cfg = machine.build({"compiler": ["gcc"], "suite": "smoke", "stdout_limit": 8192, "out": str(tmp_path / "o")},
                        probe_toolchains=False)
    assert cfg.stdout_limit == 8192 and cfg.to_dict()["stdout_limit"] == 8192
    assert "stdout_limit" in options.RESUME_KEYS  # another limit judges the rest of a run differently
    for bad, words in ((0, "at least 1"), (1 << 30, "at most")):
        with pytest.raises(UsageError, match=f"--stdout-limit must be {words}"):
            machine.build({"compiler": ["gcc"], "suite": "smoke", "stdout_limit": bad}, probe_toolchains=False)
