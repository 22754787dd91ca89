"""A worksheet's cells as plain Python values: the model :mod:`.workbook` returns.

See :mod:`.workbook` for what the values, positions and merged ranges mean.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

__all__ = ["MAX_CELLS", "CellValue", "MergedRange", "Sheet", "dense_rows"]

# rows × columns of one sheet's extent that jixiao reads (a 绩效目标表 has a few thousand);
# the readers refuse more before they build it, so a small file cannot claim gigabytes
MAX_CELLS = 2_000_000

CellValue = str | int | float | bool | datetime | date | time | timedelta | None


@dataclass(frozen=True, slots=True)
class MergedRange:
    """A merged range of cells, 1-based and inclusive (``A1:G1`` is 1, 1, 1, 7)."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int

    def __contains__(self, position: object) -> bool:
        if not isinstance(position, tuple) or len(position) != 2:
            return False
        row, column = position
        return (
            self.first_row <= row <= self.last_row
            and self.first_column <= column <= self.last_column
        )


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: its name, its 1-based position among the sheets, its cells."""

    name: str
    position: int
    rows: tuple[tuple[CellValue, ...], ...]
    merged: tuple[MergedRange, ...] = ()
    visible: bool = True

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def cell(self, row: int, column: int) -> CellValue:
        """The value the file holds at (row, column), 1-based; ``None`` outside the sheet."""
        if 1 <= row <= self.height and 1 <= column <= self.width:
            return self.rows[row - 1][column - 1]
        return None

    def anchor(self, row: int, column: int) -> tuple[int, int]:
        """The top-left cell of the merged range covering (row, column), else itself."""
        for merged in self.merged:
            if (row, column) in merged:
                return merged.first_row, merged.first_column
        return row, column

    def value(self, row: int, column: int) -> CellValue:
        """What a person sees at (row, column): a merged range's value in each of its cells."""
        return self.cell(*self.anchor(row, column))

    def iter_rows(self) -> Iterator[tuple[int, tuple[CellValue, ...]]]:
        """(1-based row number, cells as held) for every row."""
        yield from enumerate(self.rows, start=1)


def dense_rows(stored: Sequence[Sequence[CellValue]]) -> tuple[tuple[CellValue, ...], ...]:
    """Ragged rows padded with ``None`` to one width."""
    width = max((len(row) for row in stored), default=0)
    return tuple(tuple(row) + (None,) * (width - len(row)) for row in stored)
