"""Finding one's way in a sheet: label cells, blocks of rows, header columns, indicator rows.

The national layouts are forms, not tables with one header: a label cell (``部门名称``,
``项目资金来源``, ``绩效指标``) heads a block of rows, often as a merged cell spanning them,
and the block holds label/value pairs or a small table with its own header row. These
helpers find labels by their text (whitespace and line breaks ignored), never by position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from ..errors import InputError
from ..readers import Sheet
from .cells import cell_number, cell_text, joined, text_at
from .model import TableField, TableIndicator, WrittenValue

__all__ = [
    "Block",
    "blocks",
    "find",
    "header_columns",
    "indicator_rows",
    "key",
    "percent_reading",
    "title_and_year",
]

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TRAILING_UNIT = re.compile(r"[（(][^（）()]*[）)]$")
_SATISFACTION = ("满意度", "满意")


def key(text: str) -> str:
    """A label as compared: no whitespace, no line breaks."""
    return "".join(text.split())


def find(sheet: Sheet, wanted: str) -> tuple[int, int] | None:
    """The first cell (row by row) whose text, as compared, is ``wanted``."""
    for row, values in sheet.iter_rows():
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and key(value) == wanted:
                return row, column
    return None


def title_and_year(sheet: Sheet, marker: str) -> tuple[str, int | None]:
    """The title (the first cell containing ``marker``) and the year it states, if any."""
    for _, values in sheet.iter_rows():
        for value in values:
            if isinstance(value, str) and marker in key(value):
                title = joined(value)
                year = _YEAR.search(title)
                return title, int(year.group(1)) if year else None
    return "", None


def extent(sheet: Sheet, row: int, column: int) -> tuple[int, int]:
    """The rows a cell spans: its merged range's, else its own."""
    for merged in sheet.merged:
        if (row, column) in merged:
            return merged.first_row, merged.last_row
    return row, row


class Block:
    """A label cell in the label column and the rows it heads."""

    def __init__(self, label: str, row: int, last: int) -> None:
        self.label = label
        self.row = row
        self.last = last

    @property
    def rows(self) -> range:
        return range(self.row, self.last + 1)


def blocks(sheet: Sheet, column: int, start: int, end: int | None = None) -> list[Block]:
    """The blocks of the label ``column`` from row ``start``: each non-empty cell heads the
    rows down to the next one (or to the end of its merged range, whichever is further)."""
    end = end or sheet.height
    heads = [row for row in range(start, end + 1) if cell_text(sheet.cell(row, column)).strip()]
    found = []
    for i, row in enumerate(heads):
        nxt = heads[i + 1] - 1 if i + 1 < len(heads) else end
        last = max(nxt, extent(sheet, row, column)[1])
        found.append(Block(key(cell_text(sheet.cell(row, column))), row, last))
    return found


def header_columns(
    sheet: Sheet, row: int, wanted: Mapping[str, tuple[str, ...]], source: str
) -> dict[str, int]:
    """Columns of a header row by their names (each key's first matching name wins)."""
    names = {column: key(text_at(sheet, row, column)) for column in range(1, sheet.width + 1)}
    found: dict[str, int] = {}
    for slot, options in wanted.items():
        for column, name in names.items():
            if name in options and column not in found.values():
                found[slot] = column
                break
        else:
            raise InputError(f"the header row has no column {options[0]}", file=source, line=row)
    return found


def _rate_name(name: str) -> bool:
    bare = _TRAILING_UNIT.sub("", name)
    return bare.endswith("率") or bare.endswith(_SATISFACTION)


def percent_reading(
    number: Decimal | None, name: str, category: str, unit: str | None
) -> Decimal | None:
    """A rate stored as a spreadsheet fraction, read as a percentage: a bare number above 0
    and at most 1, where the name ends in 率 (or is a satisfaction), the category is one of
    satisfaction, or the unit column says %."""
    if number is None or not (0 < number <= 1):
        return None
    if _rate_name(name) or "满意度" in category or unit == "%":
        value = number * 100
        return value.to_integral() if value == value.to_integral() else value.normalize()
    return None


def written_value(
    sheet: Sheet, row: int, column: int, name: str, category: str, unit: str | None = None
) -> WrittenValue:
    value = sheet.cell(row, column)
    number = cell_number(value)
    raw = cell_text(value) if number is not None else joined(cell_text(value))
    return WrittenValue(raw, number, percent_reading(number, name, category, unit))


def indicator_rows(
    sheet: Sheet,
    rows: range,
    columns: dict[str, int],
    section: str,
    source: str,
) -> tuple[list[TableIndicator], list[TableField]]:
    """The indicators of an 一级/二级/名称/指标值 grid, and its empty category rows.

    A row with a name is an indicator; a category (level-2 cell) whose rows hold no
    indicator is an empty category row: kept as a field, not an indicator."""
    indicators: list[TableIndicator] = []
    empty: list[TableField] = []
    seen_with_indicator: set[tuple[int, int]] = set()
    categories: dict[tuple[int, int], str] = {}
    for row in rows:
        level1 = joined(text_at(sheet, row, columns["level1"]))
        level2 = joined(text_at(sheet, row, columns["level2"]))
        anchor = sheet.anchor(row, columns["level2"])
        if level2:
            categories.setdefault(anchor, level2)
        name = joined(cell_text(sheet.cell(row, columns["name"])))
        value_text = cell_text(sheet.cell(row, columns["value"]))
        remark = cell_text(sheet.cell(row, columns["remark"])) if "remark" in columns else ""
        if not name:
            if value_text or remark:
                raise InputError(
                    "an indicator value without an indicator name", file=source, line=row
                )
            continue
        seen_with_indicator.add(anchor)
        indicators.append(
            TableIndicator(
                row=row,
                position=len(indicators) + 1,
                level1=level1 or None,
                level2=level2 or None,
                name=name,
                target=written_value(sheet, row, columns["value"], name, level1 + level2),
                remark=remark or None,
            )
        )
    for (row, _), category in sorted(categories.items()):
        if (row, _) not in seen_with_indicator:
            empty.append(TableField(row=row, label=category, section=section))
    return indicators, empty
