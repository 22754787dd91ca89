"""Tasks for the query workers' tests: they travel pickled, so they live in a module the
spawned workers can import."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Sleeping:
    """A task that takes ``seconds`` and then answers how many quads the store holds."""

    seconds: float

    def answer(self, store: object) -> int:
        time.sleep(self.seconds)
        return len(store)  # type: ignore[arg-type]
