"""The `hypothesis` suite: programs from oracle's own strategies, one per seed.

seed → program is deterministic: the strategy is drawn from a ConjectureData
driven by random.Random(seed), with a provider that never mixes in constants
collected from whatever modules happen to be loaded. The choice sequence of a
program is what Hypothesis shrinks and what its example database stores.
"""

from __future__ import annotations

from pathlib import Path
from random import Random

from hypothesis.control import BuildContext
from hypothesis.errors import StopTest
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis.internal.conjecture.providers import HypothesisProvider

from oracle.discover.suites.cprog import programs
from oracle.model.errors import GenerationFailed

ATTEMPTS = 8  # a draw that runs past Hypothesis's choice budget is redrawn from a derived seed


class _SeededProvider(HypothesisProvider):
    def _maybe_draw_constant(self, *args, **kwargs):
        return None  # constants from loaded modules would make seed → program differ between processes


def draw_program(seed: int) -> tuple[str, tuple]:
    """(program text, choice sequence) for seed."""
    for attempt in range(ATTEMPTS):
        data = ConjectureData(random=Random(f"oracle-hypothesis/{seed}/{attempt}"), provider=_SeededProvider)
        try:
            text = _draw(data)
        except StopTest:
            continue
        return text, tuple(data.choices)
    raise GenerationFailed(f"hypothesis seed {seed}: every draw overran the choice budget")


def replay(choices) -> str:
    """The program a choice sequence stands for (from the example database, or a shrink)."""
    return _draw(ConjectureData.for_choices(choices))


def _draw(data: ConjectureData) -> str:
    with BuildContext(data, wrapped_test=draw_program):  # .map() and friends need one
        return data.draw(programs())


class HypothesisGenerator:
    name = "hypothesis"

    def flags(self) -> tuple[str, ...]:
        return ("-w",)

    def generate(self, seed: int, dest: Path) -> None:
        dest.write_text(draw_program(seed)[0])

    def regenerate_hint(self, seed: int) -> str:
        return f"python3 -c 'from oracle.discover.suites.hyp import draw_program; print(draw_program({seed})[0], end=\"\")' > program.c"
