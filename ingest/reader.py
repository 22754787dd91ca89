"""Reading a 项目支出绩效目标表 from the text a PDF extraction leaves.

The format (see ``ingest/seeds/``): a few preamble lines (title, ``部门名称：…``,
``单位：万元``), then a tab-separated table whose header names the columns. Below the header:
the 合计 row, then for each funding unit its subtotal row followed by its project rows. Blank
lines between rows are extraction noise.

Columns are found by their header names, not by position. A row whose goal and indicator
cells are both empty is a funding unit's subtotal row; the first row named 合计 is the
department's total.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from jixiao.ingest.errors import InputError
from jixiao.ingest.indicators import IndicatorCellError, split_indicators
from jixiao.ingest.model import Amounts, ProjectRow, SourceTable, TotalRow, UnitRow
from jixiao.ingest.text import clean_amount, clean_text

__all__ = ["COLUMNS", "decode", "read_table"]

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
_TOTAL_NAMES = ("合计", "总计")
_DEPARTMENT = re.compile(r"^(?:部门名称|预算部门|部门)：(.+)$")
_AMOUNT_UNIT = re.compile(r"^(?:金额)?单位：(.+)$")
_TITLE = re.compile(r"绩效目标表")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def decode(data: bytes, source_name: str) -> tuple[str, str]:
    """Decode source bytes: UTF-8 (with or without BOM), else GB18030; never guess further."""
    if not data.strip():
        raise InputError("the file is empty", file=source_name)
    if b"\x00" in data[:65536]:
        raise InputError("the file is binary, not a text table", file=source_name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            "the file is neither UTF-8 nor GB18030 text", file=source_name, line=line
        ) from None


@dataclass(frozen=True, slots=True)
class _Header:
    line: int
    index: dict[str, int]  # column key → 0-based cell index
    names: list[str]  # cleaned header cell texts


def _find_header(lines: list[str], source_name: str) -> _Header:
    for number, line in enumerate(lines, start=1):
        if "\t" not in line:
            continue
        names = [clean_text(cell) for cell in line.split("\t")]
        if not any(name.startswith(COLUMNS["name"][0]) for name in names):
            continue
        index: dict[str, int] = {}
        for key, wanted in COLUMNS.items():
            for i, name in enumerate(names):
                if i not in index.values() and any(name.startswith(w) for w in wanted):
                    index[key] = i
                    break
            else:
                raise InputError(
                    f"the header row has no column {wanted[0]}", file=source_name, line=number
                )
        return _Header(number, index, names)
    raise InputError(
        "no header row (项目名称, 总计, 财政拨款, … 绩效指标) found: not a 绩效目标表",
        file=source_name,
    )


def _preamble(lines: list[str], header: _Header, source_name: str) -> tuple[str, str, str]:
    title = department = amount_unit = ""
    for line in lines[: header.line - 1]:
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
        raise InputError("no department line (部门名称：…) before the header", file=source_name)
    if amount_unit not in ("", "万元"):
        raise InputError(
            f"amounts are in {amount_unit!r}; jixiao reads tables in 万元",
            file=source_name,
        )
    return title, department, amount_unit or "万元"


class _RowReader:
    def __init__(self, source_name: str, header: _Header) -> None:
        self.source_name = source_name
        self.header = header
        self.width = max(header.index.values()) + 1

    def error(self, message: str, line: int, key: str | None = None) -> InputError:
        column = self.header.index[key] + 1 if key else None
        name = self.header.names[self.header.index[key]] if key else None
        return InputError(
            message, file=self.source_name, line=line, column=column, column_name=name
        )

    def cells(self, raw: str, line: int) -> dict[str, str]:
        parts = raw.split("\t")
        if len(parts) < self.width:
            raise self.error(
                f"the row has {len(parts)} of {self.width} columns (truncated or not a table row)",
                line,
            )
        return {key: parts[i] for key, i in self.header.index.items()}

    def amounts(self, cells: dict[str, str], line: int) -> Amounts:
        values = {}
        for key in ("total", "fiscal", "special_account", "other"):
            try:
                values[key] = clean_amount(cells[key])
            except ValueError as exc:
                raise self.error(str(exc), line, key) from None
        return Amounts(**values)


def read_table(data: bytes, source_name: str) -> SourceTable:
    """Read one table from the bytes of a source file.

    Raises :class:`InputError` (naming file, line and column) for anything that is not a
    readable table: empty, binary or undecodable input, no header, a short row, an amount
    that is not a number, an indicator cell in an unknown layout.
    """
    text, encoding = decode(data, source_name)
    lines = _LINE_BREAK.split(text)
    header = _find_header(lines, source_name)
    title, department, amount_unit = _preamble(lines, header, source_name)
    rows = _RowReader(source_name, header)

    total: TotalRow | None = None
    units: list[UnitRow] = []
    projects: list[ProjectRow] = []
    for number, raw in enumerate(lines[header.line :], start=header.line + 1):
        if not raw.strip():
            continue
        cells = rows.cells(raw, number)
        name = clean_text(cells["name"])
        if not name:
            raise rows.error("the row has no name", number, "name")
        amounts = rows.amounts(cells, number)
        goal = clean_text(cells["goal"])
        indicator_cell = clean_text(cells["indicators"])
        if name in _TOTAL_NAMES and total is None and not units:
            total = TotalRow(number, amounts)
        elif not goal and not indicator_cell:
            units.append(UnitRow(number, name, amounts))
        else:
            if not units:
                raise rows.error("a project row before any funding-unit row", number, "name")
            try:
                indicators = split_indicators(indicator_cell)
            except IndicatorCellError as exc:
                raise rows.error(str(exc), number, "indicators") from None
            projects.append(
                ProjectRow(
                    line=number,
                    row_number=len(projects) + 1,
                    unit=units[-1],
                    name=name,
                    amounts=amounts,
                    goal=goal,
                    indicators=indicators,
                )
            )
    if not projects:
        raise InputError("the table has no project rows", file=source_name, line=header.line)
    return SourceTable(
        source_name=source_name,
        sha256=hashlib.sha256(data).hexdigest(),
        byte_size=len(data),
        encoding=encoding,
        title=title,
        department=department,
        amount_unit=amount_unit,
        total=total,
        units=tuple(units),
        projects=tuple(projects),
    )
