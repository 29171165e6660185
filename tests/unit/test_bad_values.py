"""Bad numbers (issue 23 class 11): values Python parses but no run can use (nan, inf, 1e400, a
job count past any machine), and a baseline whose lists are not lists of case ids."""

from __future__ import annotations

import json

import pytest

from oracle.config import settings
from oracle.cli import make_parser
from oracle.config.options import parse
from oracle.model.errors import EXIT_USAGE, RecipeError, UsageError
from oracle.feed.gate import Baseline, gate
from oracle.discover.projects import recipe as R

from .test_cluster import rec
from .test_projects import GOOD, write
from .test_tasks import results

HUGE = "99999999999999999999"


@pytest.mark.parametrize("argv", [
    ["run", "--compiler", "gcc", "-j", HUGE],
    ["fuzz", "--compiler", "gcc", "--budget", "1m", "-j", HUGE],
    ["run", "--compiler", "gcc", "-j", "0"],
    ["tasks", "--reduce", "-n", HUGE],
    ["reduce", "x@x86_64-O0", "--budget", "nan"],
    ["tasks", "--budget", "inf"],
    ["gate", "--baseline", "b.json", "r.json", "--reruns", HUGE],
    ["claim", "0123456789ab", "--stale-after", "nan"],
    ["claim", "0123456789ab", "--stale-after", "inf"],
    ["history", "--last", HUGE],
])
def test_a_number_no_run_can_use_is_one_line_and_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        make_parser().parse_args(argv)
    err = capsys.readouterr().err
    assert exc.value.code == EXIT_USAGE and err.count("\n") == 1 and err.startswith("oracle: error:"), err


@pytest.mark.parametrize("name", ["compile_timeout", "ref_compile_timeout", "run_timeout", "ref_run_timeout",
                                  "gen_timeout", "shrink_timeout"])
@pytest.mark.parametrize("value", [float("inf"), float("nan"), float("1e400"), float("-inf")])
def test_a_timeout_that_is_not_a_finite_positive_number_is_a_usage_error(name, value):
    with pytest.raises(UsageError, match=f"--{name.replace('_', '-')}") as exc:
        parse({"compiler": ["gcc"], name: value})
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e400"])
def test_a_settings_file_timeout_of_inf_or_nan_names_the_file(tmp_path, value):
    (tmp_path / "oracle.toml").write_text(f"run-timeout = {value}\n")
    with pytest.raises(UsageError) as exc:
        settings.apply(make_parser(), tmp_path)
    assert str(tmp_path / "oracle.toml") in str(exc.value) and "run-timeout" in str(exc.value)


@pytest.mark.parametrize("value", ["inf", "nan", "1e400"])
def test_a_recipe_timeout_of_inf_or_nan_is_refused(tmp_path, value):
    with pytest.raises(RecipeError, match="timeout must be a positive"):
        R.load_path(write(tmp_path, GOOD.replace("timeout = 5", f"timeout = {value}")))


@pytest.mark.parametrize("key, value", [("passing", "s/a.c@x86_64-O0"), ("passing", [1, 2]),
                                        ("failing", "abc"), ("flaky", [None]), ("passing", {"a": 1})])
def test_a_baseline_whose_lists_are_not_lists_of_case_ids_is_a_usage_error(tmp_path, key, value):
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"format": "oracle-baseline/1", key: value}))
    run = results(tmp_path, "r", [rec("a.c", "x86_64", "crash")])
    with pytest.raises(UsageError) as exc:
        gate(path, [run], rejudge=lambda *a: [])
    assert str(path) in str(exc.value) and key in str(exc.value) and "\n" not in str(exc.value)




# ---------------------------------------------------------------- class 4: the writers' last guard

def _node(path, kind):
    import os
    import stat

    if kind == "chardev":
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null, but under tmp_path
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        (path.parent / "precious").write_text("precious\n")
        os.symlink("precious", path)
    st = os.lstat(path)
    return st.st_ino, st.st_mode, st.st_rdev


@pytest.mark.parametrize("kind", ["chardev", "fifo", "symlink"])
def test_atomic_write_and_open_regular_refuse_what_is_not_a_regular_file(tmp_path, kind):
    import os

    from oracle.report import NotAFile, atomic_write, open_regular

    path = tmp_path / "out.json"
    before = _node(path, kind)
    for write in (lambda: atomic_write(path, "x"), lambda: open_regular(path)):
        with pytest.raises(NotAFile) as exc:
            write()
        assert exc.value.exit_code == EXIT_USAGE and isinstance(exc.value, OSError) and str(path) in str(exc.value)
    st = os.lstat(path)
    assert (st.st_ino, st.st_mode, st.st_rdev) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left
    assert kind != "symlink" or (tmp_path / "precious").read_text() == "precious\n"


@pytest.mark.parametrize("kind", ["chardev", "fifo", "symlink"])
def test_atomic_file_never_renames_over_a_node_put_there_while_it_wrote(tmp_path, kind):
    import os

    from oracle.report import NotAFile, atomic_file

    path = tmp_path / "junit.xml"
    with pytest.raises(NotAFile):
        with atomic_file(path) as f:
            f.write(b"<x/>")
            before = _node(path, kind)
    st = os.lstat(path)
    assert (st.st_ino, st.st_mode, st.st_rdev) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["junit.xml"] + (["precious"] if kind == "symlink"
                                                                                 else []))
