"""What a spreadsheet cell says, as text and as a number.

A spreadsheet stores numbers as IEEE doubles, so a published ``82800.92`` may come back as
``82800.92000000001``. The rule: **a number cell is read rounded to six decimals**, then
written without trailing zeros (``82800.92``, ``10891.615675``, ``6730``). Six decimals of
万元 is one fen (0.01 元, the smallest amount a budget can state), so the rounding removes
the binary noise and never changes an amount as published; rates and counts have fewer
decimals still. The text of a number cell is that number, so ``jx:rawValue`` and
``jx:valueText`` say what a person sees in the cell.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from ..readers import CellValue, Sheet

__all__ = ["DECIMALS", "cell_number", "cell_text", "joined", "origin_cells", "text_at"]

DECIMALS = 6
_QUANTUM = Decimal(1).scaleb(-DECIMALS)


def cell_number(value: CellValue) -> Decimal | None:
    """The number a number cell holds, rounded to six decimals; ``None`` for any other cell."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    rounded = number.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
    return rounded.normalize() if rounded != rounded.to_integral() else rounded.to_integral()


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def cell_text(value: CellValue) -> str:
    """A cell as text: strings stripped, numbers by the six-decimal rule, empty as ``""``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    number = cell_number(value)
    if number is not None:
        return _plain(number)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def joined(text: str) -> str:
    """A short cell (a name, a category, a value) with the line breaks of its wrapping removed:
    ``"公益性岗位补贴发放准\\n确率"`` is one name."""
    return "".join(part.strip() for part in text.splitlines())


def text_at(sheet: Sheet, row: int, column: int) -> str:
    """The text a person sees at (row, column): a merged range's value in each of its cells."""
    return cell_text(sheet.value(row, column))


def origin_cells(sheet: Sheet) -> dict[tuple[int, int], str]:
    """Every non-empty cell the file holds (a merged range once, at its top-left), as text."""
    cells: dict[tuple[int, int], str] = {}
    for row, values in sheet.iter_rows():
        for column, value in enumerate(values, start=1):
            text = cell_text(value)
            if text:
                cells[row, column] = text
    return cells
