"""What every suite provides: an ordered, deterministic stream of cases."""

from __future__ import annotations

from typing import Iterator, Protocol

from oracle.model.case import Case


class Suite(Protocol):
    name: str

    def cases(self, arches: tuple[str, ...], opts: tuple[str, ...]) -> Iterator[Case]:
        """Every case of the suite, in the same order on every call and every worker."""
        ...
