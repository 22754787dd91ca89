"""The Guangzhou 项目支出绩效目标表 layout, whatever format it came in.

A few preamble lines (title, ``部门名称：…``, ``单位：万元``), then a header naming seven
columns (项目名称, 总计, 财政拨款, 财政专户拨款, 其他资金, 绩效目标, 绩效指标), then the rows:
the 合计 row, then for each funding unit its subtotal row followed by its project rows.

The readers (text in :mod:`.reader`, spreadsheets and PDFs in :mod:`.readers`) find the
header and cut rows, each its own way; this module turns what they found into a
:class:`~.model.SourceTable`, so the same table gives the same rows in any format.

Columns are found by their header names, not by position. A row whose goal and indicator
cells are both empty is a funding unit's subtotal row; the first row named 合计 is the
department's total. An amount cell is text (``"1,200.00"``, cleaned by
:func:`~.text.clean_amount`) or a number as a spreadsheet holds it (see :func:`amount`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.ingest.errors import InputError
from jixiao.ingest.indicators import IndicatorCellError, split_indicators
from jixiao.ingest.model import Amounts, ProjectRow, SourceTable, TotalRow, UnitRow
from jixiao.ingest.text import clean_amount, clean_text

__all__ = [
    "COLUMNS",
    "Header",
    "LayoutRow",
    "amount",
    "assemble_table",
    "continues",
    "match_header",
    "read_preamble",
]

# column key → header names that mean it (first match wins)
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("项目名称",),
    "total": ("总计", "合计"),
    "fiscal": ("财政拨款",),
    "special_account": ("财政专户拨款", "财政专户管理资金"),
    "other": ("其他资金",),
    "goal": ("绩效目标",),
    "indicators": ("绩效指标",),
}
AMOUNT_KEYS = ("total", "fiscal", "special_account", "other")
NO_HEADER = "no header row (项目名称, 总计, 财政拨款, … 绩效指标) found: not a 绩效目标表"
_TOTAL_NAMES = ("合计", "总计")
_DEPARTMENT = re.compile(r"^(?:部门名称|预算部门|部门)[：:]\s*(.+)$")
_AMOUNT_UNIT = re.compile(r"^(?:金额)?单位[：:]\s*(.+)$")
_TITLE = re.compile(r"绩效目标表")
# an amount a spreadsheet holds as a double: at most this many decimals are meant
_AMOUNT_PLACES = 6

Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class Header:
    """The header row: where it is, and which cell holds each column (0-based)."""

    line: int
    index: dict[str, int]
    names: list[str]  # cleaned header cell texts
    where: dict[str, Any] = field(default_factory=dict)  # sheet= or page= for errors


def match_header(names: Sequence[str]) -> dict[str, int] | str | None:
    """Which cell holds each column: ``None`` when no cell starts with 项目名称 (not a
    header), else the 0-based index of each column, or the first missing column's name."""
    if not any(name.startswith(COLUMNS["name"][0]) for name in names):
        return None
    index: dict[str, int] = {}
    for key, wanted in COLUMNS.items():
        for i, name in enumerate(names):
            if i not in index.values() and any(name.startswith(w) for w in wanted):
                index[key] = i
                break
        else:
            return wanted[0]
    return index


def read_preamble(
    lines: Iterable[str], source_name: str, where: dict[str, Any] | None = None
) -> tuple[str, str, str]:
    """Title, department and amount unit from the lines above the header."""
    title = department = amount_unit = ""
    for line in lines:
        text = clean_text(line).lstrip("#").strip()
        if not text:
            continue
        if m := _DEPARTMENT.match(text):
            department = m.group(1).strip()
        elif m := _AMOUNT_UNIT.match(text):
            amount_unit = m.group(1).strip()
        elif not title and _TITLE.search(text):
            title = text
    if not department:
        raise InputError(
            "no department line (部门名称：…) before the header", file=source_name, **(where or {})
        )
    if amount_unit not in ("", "万元"):
        raise InputError(
            f"amounts are in {amount_unit!r}; jixiao reads tables in 万元",
            file=source_name,
            **(where or {}),
        )
    return title, department, amount_unit or "万元"


def amount(cell: Cell) -> Decimal | None:
    """An amount cell in 万元: text as :func:`clean_amount` reads it, or a number.

    A number comes as the double a spreadsheet stores; it is read as the shortest decimal
    that gives that double back, rounded to six places (float noise such as
    ``82800.920000000001`` is 82800.92), with at least two decimals, as the tables print
    amounts (``1200`` is ``1200.00``).
    """
    if cell is None:
        return None
    if isinstance(cell, str):
        return clean_amount(cell)
    if isinstance(cell, bool):
        raise ValueError(f"not an amount: {cell!r}")
    value = Decimal(repr(float(cell))).quantize(Decimal(1).scaleb(-_AMOUNT_PLACES)).normalize()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return value


@dataclass(frozen=True, slots=True)
class LayoutRow:
    """One table row as a reader cut it: its source line (``jx:sourceLine``) and its cells
    by column key; ``where`` says where errors point when that is not the source line of
    the header's sheet (a PDF row: ``page`` and ``line``, the row on that page)."""

    line: int
    cells: dict[str, Cell]
    header: Header
    where: dict[str, Any] | None = None

    def error(self, message: str, key: str | None, source_name: str) -> InputError:
        column = self.header.index[key] + 1 if key else None
        name = self.header.names[self.header.index[key]] if key else None
        where = self.where if self.where is not None else {"line": self.line, **self.header.where}
        return InputError(message, file=source_name, column=column, column_name=name, **where)

    def text(self, key: str) -> str:
        cell = self.cells[key]
        return "" if cell is None else clean_text(str(cell))


TEXT_KEYS = ("goal", "indicators")


def continues(cells: dict[str, Cell]) -> bool:
    """Whether a row carries on the row above: no name and no amount, but goal or indicator
    text (what a row cut by a page break, or spread over rows of a sheet, leaves below)."""
    empty = (None, "")
    return (
        (cells["name"] in empty or not clean_text(str(cells["name"])))
        and all(cells[key] in empty for key in AMOUNT_KEYS)
        and any(cells[key] not in empty for key in TEXT_KEYS)
    )


@dataclass
class _Assembly:
    source_name: str
    total: TotalRow | None = None
    units: list[UnitRow] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)

    def amounts(self, row: LayoutRow) -> Amounts:
        values = {}
        for key in AMOUNT_KEYS:
            try:
                values[key] = amount(row.cells[key])
            except ValueError as exc:
                raise row.error(str(exc), key, self.source_name) from None
        return Amounts(**values)

    def add(self, row: LayoutRow) -> None:
        name = row.text("name")
        if not name:
            raise row.error("the row has no name", "name", self.source_name)
        amounts = self.amounts(row)
        goal = row.text("goal")
        indicator_cell = row.text("indicators")
        if name in _TOTAL_NAMES and self.total is None and not self.units:
            self.total = TotalRow(row.line, amounts)
        elif not goal and not indicator_cell:
            self.units.append(UnitRow(row.line, name, amounts))
        else:
            if not self.units:
                raise row.error(
                    "a project row before any funding-unit row", "name", self.source_name
                )
            try:
                indicators = split_indicators(indicator_cell)
            except IndicatorCellError as exc:
                raise row.error(str(exc), "indicators", self.source_name) from None
            self.projects.append(
                ProjectRow(
                    line=row.line,
                    row_number=len(self.projects) + 1,
                    unit=self.units[-1],
                    name=name,
                    amounts=amounts,
                    goal=goal,
                    indicators=indicators,
                )
            )


def assemble_table(
    data: bytes,
    source_name: str,
    *,
    encoding: str,
    media_type: str,
    preamble: tuple[str, str, str],
    header: Header,
    rows: Iterable[LayoutRow],
) -> SourceTable:
    """The table these rows make (raises :class:`InputError` naming the row and column)."""
    assembly = _Assembly(source_name)
    for row in rows:
        assembly.add(row)
    if not assembly.projects:
        raise InputError(
            "the table has no project rows", file=source_name, line=header.line, **header.where
        )
    title, department, amount_unit = preamble
    return SourceTable(
        source_name=source_name,
        sha256=hashlib.sha256(data).hexdigest(),
        byte_size=len(data),
        encoding=encoding,
        title=title,
        department=department,
        amount_unit=amount_unit,
        total=assembly.total,
        units=tuple(assembly.units),
        projects=tuple(assembly.projects),
        media_type=media_type,
    )
