"""A 项目支出绩效目标表 in a workbook (XLSX or XLS), in the Guangzhou layout.

Each visible worksheet that holds anything is a part of the one table, in the workbook's
order (hidden sheets are not part of what was published, and empty ones say nothing):

- **Above the header** (first sheet): the title and the ``部门名称：…`` / ``单位：万元`` lines.
  Each non-empty cell counts as one line, so ``部门名称：X`` in A2 and ``单位：万元`` in G2 are
  both read; a label alone in its cell (``部门名称``) takes the next cell of its row as value.
  A later sheet may repeat them; if it names another department, the workbook is refused.
- **The header**: the first row with a cell starting 项目名称 and the six other columns, found
  by name; a two-row header (资金来源 above 财政拨款 …) is read from both rows together.
  Every sheet has its own (a sheet without one is in no known layout, and is refused).
- **The rows** below it, as :mod:`~jixiao.ingest.target_table` reads them: amounts as
  numbers or as text with separators, the goal and the numbered indicators in one cell with
  line breaks. A header repeated further down is skipped. A row that carries on the one above
  — its 项目名称 cell inside a merged range that starts higher up, or no name and no amount
  but goal or indicator text — adds its text cells to that row, on a new line.

``jx:sourceLine`` is the row number in the row's sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jixiao.ingest import target_table as layout
from jixiao.ingest.errors import InputError
from jixiao.ingest.model import SourceTable
from jixiao.ingest.readers.sniff import Kind, sniff
from jixiao.ingest.readers.workbook import CellValue, Sheet, read_workbook
from jixiao.ingest.text import clean_text

__all__ = ["MEDIA_TYPES", "read_workbook_table"]

MEDIA_TYPES = {
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.XLS: "application/vnd.ms-excel",
}
_LABEL_ALONE = re.compile(r"^(?:部门名称|预算部门|金额单位|单位)[：:]?$")


def _text(value: CellValue) -> str:
    return "" if value is None else clean_text(str(value))


def _cell(value: CellValue) -> layout.Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


@dataclass(frozen=True, slots=True)
class _SheetHeader:
    header: layout.Header
    last_row: int  # the header's last row (its second, for a two-row header)


def _find_header(sheet: Sheet, source: str) -> _SheetHeader:
    where: dict[str, Any] = {"sheet": sheet.name}
    for row in range(1, sheet.height + 1):
        names = [_text(sheet.value(row, c)) for c in range(1, sheet.width + 1)]
        index = layout.match_header(names)
        if index is None:
            continue
        if isinstance(index, dict):
            return _SheetHeader(layout.Header(row, index, names, where), row)
        below = [_text(sheet.value(row + 1, c)) for c in range(1, sheet.width + 1)]
        both = _two_rows(names, below)
        combined = layout.match_header(both)
        if isinstance(combined, dict):
            return _SheetHeader(layout.Header(row, combined, both, where), row + 1)
        raise InputError(f"the header row has no column {index}", file=source, line=row, **where)
    raise InputError(layout.NO_HEADER, file=source, **where)


def _names_a_column(text: str) -> bool:
    return any(text.startswith(name) for names in layout.COLUMNS.values() for name in names)


def _two_rows(upper: list[str], lower: list[str]) -> list[str]:
    """A two-row header's names: the lower row's where only it names a column."""
    return [
        low if _names_a_column(low) and not _names_a_column(high) else high
        for high, low in zip(upper, lower, strict=True)
    ]


def _preamble_lines(sheet: Sheet, before: int) -> list[str]:
    lines = []
    for row in range(1, before):
        texts = [_text(sheet.cell(row, c)) for c in range(1, sheet.width + 1)]
        texts = [t for t in texts if t]
        i = 0
        while i < len(texts):
            if _LABEL_ALONE.match(texts[i]) and i + 1 < len(texts):
                lines.append(texts[i].rstrip("：:") + "：" + texts[i + 1])
                i += 2
            else:
                lines.append(texts[i])
                i += 1
    return lines


def _rows(sheet: Sheet, found: _SheetHeader, source: str) -> Iterator[layout.LayoutRow]:
    header = found.header
    column = {key: i + 1 for key, i in header.index.items()}
    held: layout.LayoutRow | None = None
    for row in range(found.last_row + 1, sheet.height + 1):
        cells = {key: _cell(sheet.cell(row, c)) for key, c in column.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        names = [_text(sheet.value(row, c)) for c in range(1, sheet.width + 1)]
        if isinstance(layout.match_header(names), dict):
            continue  # the header again
        name_anchor = sheet.anchor(row, column["name"])
        merged_from_above = name_anchor[0] < row and cells["name"] is None
        if held is not None and (merged_from_above or layout.continues(cells)):
            held = _carried_on(held, cells, sheet, row, column)
            continue
        if held is not None:
            yield held
        held = layout.LayoutRow(row, cells, header)
    if held is not None:
        yield held


def _carried_on(
    held: layout.LayoutRow,
    cells: dict[str, layout.Cell],
    sheet: Sheet,
    row: int,
    column: dict[str, int],
) -> layout.LayoutRow:
    joined = dict(held.cells)
    for key in layout.TEXT_KEYS:
        more = cells[key]
        if more is None or sheet.anchor(row, column[key])[0] < row:
            continue
        before = joined[key]
        joined[key] = str(more) if before is None else f"{before}\n{more}"
    return layout.LayoutRow(held.line, joined, held.header)


def _content(sheet: Sheet) -> bool:
    return any(v is not None and str(v).strip() for row in sheet.rows for v in row)


def read_workbook_table(data: bytes, source: str) -> SourceTable:
    """Read a 项目支出绩效目标表 from the bytes of an XLSX or XLS file.

    Raises :class:`InputError` naming the file (and the sheet, row and column where there is
    one) for an unreadable workbook, a sheet in no known layout, or a bad cell.
    """
    kind = sniff(data)
    sheets = [s for s in read_workbook(data, source) if s.visible and _content(s)]
    if not sheets:
        raise InputError("the workbook has no sheet with any cell filled in", file=source)
    parts = [(sheet, _find_header(sheet, source)) for sheet in sheets]
    first, first_header = parts[0]
    preamble = layout.read_preamble(
        _preamble_lines(first, first_header.header.line), source, {"sheet": first.name}
    )
    for sheet, found in parts[1:]:
        lines = _preamble_lines(sheet, found.header.line)
        if any(re.match(r"^(?:部门名称|预算部门|部门)[：:]", clean_text(line)) for line in lines):
            other = layout.read_preamble(lines, source, {"sheet": sheet.name})[1]
            if other != preamble[1]:
                raise InputError(
                    f"names department {other!r}, the first sheet {preamble[1]!r}: "
                    "one workbook holds one department's table",
                    file=source,
                    sheet=sheet.name,
                )

    def rows() -> Iterator[layout.LayoutRow]:
        for sheet, found in parts:
            yield from _rows(sheet, found, source)

    return layout.assemble_table(
        data,
        source,
        encoding="",
        media_type=MEDIA_TYPES.get(kind, MEDIA_TYPES[Kind.XLSX]),
        preamble=preamble,
        header=first_header.header,
        rows=rows(),
    )
