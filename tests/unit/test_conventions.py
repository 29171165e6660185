"""Command-line conventions users expect: documented environment, help on every option, usage on
stderr, CI recipes that do not hide oracle's own errors."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from oracle.cli import make_parser

from ..conftest import run_cli

REPO = Path(__file__).resolve().parents[2]


def _env_names() -> set[str]:
    names = set()
    for path in (REPO / "oracle").rglob("*.py"):
        names |= set(re.findall(r"\bORACLE_[A-Z][A-Z_]*[A-Z]\b", path.read_text()))
    return names


def test_every_environment_variable_is_in_the_readme_and_in_help():
    names = _env_names()
    assert "ORACLE_SCRATCH" in names and len(names) > 5  # the scan itself finds them
    readme = (REPO / "README.md").read_text()
    help_text = make_parser().format_help()
    assert sorted(n for n in names if n not in readme) == []
    assert sorted(n for n in names if n not in help_text) == []


def _actions(parser: argparse.ArgumentParser, path: list[str]):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, [*path, name])
        elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            yield " ".join(path), action


def test_every_option_of_every_subcommand_has_help():
    actions = list(_actions(make_parser(), ["oracle"]))
    assert len(actions) > 50
    assert [f"{cmd} {a.option_strings or a.dest}" for cmd, a in actions if not (a.help or "").strip()] == []


def test_no_command_prints_usage_on_stderr_and_exits_2():
    res = run_cli()
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.startswith("usage: oracle") and "ORACLE_SCRATCH" in res.stderr


def test_ci_recipes_let_only_exit_1_through():
    text = (REPO / "docs" / "ci.md").read_text()
    assert re.findall(r"\|\| true\s*$", text, re.M) == []  # no command hides exit 2 and 3
    assert text.count("|| [ $? -eq 1 ]") + text.count("|| [ $$? -eq 1 ]") >= 3


def test_bash_completion_completes_commands_and_options(tmp_path):
    import shutil
    import subprocess

    script = run_cli("completion", "bash")
    assert script.returncode == 0 and "_shtab_oracle" in script.stdout
    (tmp_path / "oracle.bash").write_text(script.stdout)
    probe = ('source "$1"; COMP_WORDS=(oracle run --comp); COMP_CWORD=2; _shtab_oracle oracle --comp run; '
             'echo "${COMPREPLY[@]}"; COMP_WORDS=(oracle hi); COMP_CWORD=1; _shtab_oracle oracle hi oracle; '
             'echo "${COMPREPLY[@]}"')
    out = subprocess.run([shutil.which("bash"), "-c", probe, "bash", str(tmp_path / "oracle.bash")],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines() == ["--compiler --compile-timeout", "history"], out.stderr
    zsh = run_cli("completion", "zsh")
    assert zsh.returncode == 0 and zsh.stdout.startswith("#compdef oracle") and "--compiler" in zsh.stdout
