"""[tool.oracle] in pyproject.toml (or oracle.toml): a team's defaults, the command line wins."""

from __future__ import annotations

import json

from oracle.config import settings
from oracle.cli import glue_free_values, make_parser

from ..conftest import PROGRAMS, run_cli


def _parse(tmp_path, *argv):
    parser = make_parser()
    repeated = settings.apply(parser, tmp_path)
    args = parser.parse_args(glue_free_values(list(argv)))
    for dest, value in repeated.items():
        if getattr(args, dest) is None:
            setattr(args, dest, value)
    return args


def test_pyproject_defaults_and_the_command_line_wins(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.oracle]\ncompiler = ["tcc", "aarch64=./ccc-arm"]\nsuite = "torture"\n'
        'arch = ["x86_64", "aarch64"]\nrun-timeout = 20\nub_check = true\n')
    args = _parse(tmp_path, "run")
    assert (args.compiler, args.suite, args.arch, args.run_timeout, args.ub_check) == (
        ["tcc", "aarch64=./ccc-arm"], "torture", "x86_64,aarch64", 20.0, True)
    args = _parse(tmp_path, "run", "--compiler", "gcc", "--suite", "smoke", "--run-timeout", "3")
    assert (args.compiler, args.suite, args.run_timeout) == (["gcc"], "smoke", 3.0)  # replaced, not added to
    fuzz = _parse(tmp_path, "fuzz", "--budget", "1m")
    assert fuzz.compiler == ["tcc", "aarch64=./ccc-arm"] and fuzz.run_timeout == 20.0


def test_oracle_toml_in_a_parent_folder_applies(tmp_path):
    (tmp_path / "oracle.toml").write_text('compiler = "gcc"\nopt = ["O0", "O2"]\n')
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    assert settings.find(tmp_path / "sub" / "deeper") == tmp_path / "oracle.toml"
    args = _parse(tmp_path / "sub" / "deeper", "run")
    assert (args.compiler, args.opt) == (["gcc"], "O0,O2")


def test_a_run_takes_its_settings_from_the_file(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "ok.c").write_bytes((PROGRAMS / "ok.c").read_bytes())
    (tmp_path / "pyproject.toml").write_text(f'[tool.oracle]\ncompiler = "gcc"\nsuite = "{suite}"\n'
                                             'no-history = true\nno-cache = true\nrun-timeout = 7\n')
    res = run_cli("run", "-j", "1", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert doc["timeouts"]["run"] == 7.0 and [c["test"] for c in doc["cases"]] == ["ok.c"]


def test_a_bad_setting_is_one_line_and_exit_2(tmp_path):
    for text, words in (('[tool.oracle]\nbogus = 1\n', "has no setting 'bogus'"),
                        ('[tool.oracle]\nrun-timeout = "soon"\n', "is not a valid value"),
                        ('[tool.oracle]\ncompiler = 3\n', "must be a string or a list of strings"),
                        ('[tool.oracle\n', "cannot read the settings")):
        (tmp_path / "pyproject.toml").write_text(text)
        res = run_cli("run", cwd=tmp_path)
        assert res.returncode == 2 and len(res.stderr.splitlines()) == 1 and words in res.stderr, res.stderr
        assert "Traceback" not in res.stderr


def test_a_settings_file_not_owned_by_the_user_or_root_or_writable_by_anyone_is_skipped(tmp_path):
    """Issue 23 class 7 (as git's safe.directory): such a file could name any reference compiler."""
    import os

    (tmp_path / "oracle.toml").write_text('compiler = "gcc"\n')
    (tmp_path / "sub").mkdir()
    theirs = tmp_path / "sub" / "oracle.toml"
    theirs.write_text('compiler = "evil"\n')
    os.chown(theirs, 12345, 12345)
    heard = []
    assert settings.find(tmp_path / "sub", heard.append) == tmp_path / "oracle.toml"  # the next one up
    assert len(heard) == 1 and str(theirs) in heard[0] and "uid 12345" in heard[0]
    os.chown(theirs, 0, 0)
    os.chmod(theirs, 0o646)
    heard.clear()
    assert settings.find(tmp_path / "sub", heard.append) == tmp_path / "oracle.toml"
    assert len(heard) == 1 and "anyone can write it (mode 0646)" in heard[0]
    os.chmod(theirs, 0o644)
    assert settings.find(tmp_path / "sub") == theirs


def test_rejudging_decides_the_sandbox_here(tmp_path):
    from dataclasses import replace

    from oracle.config import machine
    from oracle.infra.backends.sandbox import available

    cfg = machine.build({"compiler": ["gcc"], "suite": "smoke", "out": str(tmp_path / "out"), "sandbox": "none"},
                          probe_toolchains=False)
    assert cfg.sandbox == "none"
    assert machine.rejudging(cfg, str(tmp_path / "again")).sandbox == ("bwrap" if available() is None else "none")
    if available() is None:
        assert machine.rejudging(replace(cfg, sandbox="bwrap"), str(tmp_path)).sandbox == "bwrap"
