"""A progress bar on a terminal — files done / total, rate, time left — and nothing elsewhere.

The bar is drawn by rich on standard error, and only when standard error is a terminal: in a
pipeline, a redirect or with ``--quiet`` nothing is written and rich is not even imported
(it costs ~0.1 s of start-up).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["progress_bar", "shows_progress"]


def shows_progress(total: int, quiet: bool = False) -> bool:
    """Whether a bar is drawn: more than one file, not quiet, standard error a terminal."""
    return total > 1 and not quiet and sys.stderr.isatty()


@contextmanager
def progress_bar(total: int, noun: str, *, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """``advance(n)`` to call as ``n`` more of ``total`` things (``noun``) are done."""
    if not shows_progress(total, quiet):
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        """Things done per second."""

        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} {noun}/s" if speed else f"? {noun}/s")

    columns = (
        TextColumn(f"[bold]{noun}"),
        BarColumn(),
        MofNCompleteColumn(),
        Rate(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(file=sys.stderr), transient=False) as bar:
        task = bar.add_task(noun, total=total)
        yield lambda n: bar.advance(task, n)
