"""Aligned plain-text tables for a terminal, drawn by rich (which counts CJK characters as
two columns wide): ``query --format table`` and ``diff``."""

from __future__ import annotations

import io
from collections.abc import Sequence

__all__ = ["aligned"]


def aligned(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    max_width: int = 60,
    right: Sequence[int] = (),
    indent: int = 0,
) -> str:
    """The rows under their headers, each column as wide as its widest cell (at most
    ``max_width`` columns; longer cells end in …); columns numbered in ``right`` are
    right-aligned (amounts). No colour, no trailing spaces."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
    for index, header in enumerate(headers):
        table.add_column(
            header,
            justify="right" if index in right else "left",
            no_wrap=True,
            overflow="ellipsis",
            max_width=max_width,
        )
    for row in rows:
        table.add_row(*(cell.replace("\n", " ") for cell in row))
    out = io.StringIO()
    console = Console(file=out, width=100_000, color_system=None, emoji=False, markup=False)
    console.print(table)
    lines = [" " * indent + line.rstrip() for line in out.getvalue().splitlines()]
    return "\n".join(line for line in lines if line.strip())
