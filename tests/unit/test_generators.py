"""Generated programs: seed → program is deterministic, for csmith and for our own strategies."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.discover.suites import open_suite
from oracle.discover.suites.cprog import TYPES, Env, exprs, programs
from oracle.discover.suites.generated import GenOptions, int_seed
from oracle.discover.suites.hyp import draw_program, replay

from ..conftest import have


def test_hypothesis_seed_gives_the_same_program_every_time():
    a, choices = draw_program(1234)
    assert draw_program(1234)[0] == a
    assert replay(choices) == a  # what the example database stores replays to the same program
    assert draw_program(1235)[0] != a
    assert "checksum = " in a and "int main(void)" in a


def test_hypothesis_seed_is_the_same_in_another_process():
    """Loaded modules must not change what a seed means (Hypothesis mixes in their constants)."""
    code = "from oracle.discover.suites.hyp import draw_program; import sys; sys.stdout.write(draw_program(77)[0])"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert other == draw_program(77)[0]


@pytest.mark.skipif(not have("csmith"), reason="csmith not installed: run make setup")
def test_csmith_seed_gives_the_same_program(tmp_path):
    suite = open_suite("csmith", GenOptions(count=3, seed=5, csmith_args="--max-funcs 2"))
    gen, = suite.generators
    for name, seed in (("a.c", 5), ("b.c", 5), ("c.c", 6)):
        gen.generate(seed, tmp_path / name)
    # csmith's header comment names the output file: everything else must match.
    a, b, c = (b"".join(ln for ln in (tmp_path / n).read_bytes().splitlines(True) if b"--output" not in ln)
               for n in ("a.c", "b.c", "c.c"))
    assert a == b != c
    ids = [c.id for c in suite.cases(("x86_64",), ("-O0",))]
    assert ids == [f"csmith/seed-{s}@x86_64-O0" for s in (5, 6, 7)]


def test_cases_stream_lazily():
    """A huge --count costs nothing until the cases are walked."""
    suite = open_suite("hypothesis", GenOptions(count=10**9, seed=0))
    first = next(iter(suite.cases(("x86_64", "aarch64"), ("-O0",))))
    assert first.id == "hypothesis/seed-0@x86_64-O0" and first.sources == ()


def test_int_seed():
    assert int_seed("42") == 42 and int_seed("agent-7") == int_seed("agent-7") != int_seed("agent-8")


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_strategies_compose(data):
    """Expressions are a strategy of their own, usable inside any other."""
    ty = data.draw(st.sampled_from(TYPES))
    e = data.draw(exprs(Env(readable=(("g0", ty),)), ty, 2))
    assert e.count("(") == e.count(")")
    assert data.draw(programs()).rstrip().endswith("}")
