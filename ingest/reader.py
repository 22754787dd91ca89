"""Reading a 项目支出绩效目标表 from the text a PDF extraction leaves.

The format (see ``ingest/seeds/``): a few preamble lines (title, ``部门名称：…``,
``单位：万元``), then a tab-separated table whose header names the columns. Below the header:
the 合计 row, then for each funding unit its subtotal row followed by its project rows. Blank
lines between rows are extraction noise.

Columns are found by their header names, not by position; what the rows make is the layout's
business (:mod:`.target_table`), shared with the spreadsheet and PDF readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jixiao.ingest.errors import InputError
from jixiao.ingest.model import SourceTable
from jixiao.ingest.target_table import (
    COLUMNS,
    NO_HEADER,
    Header,
    LayoutRow,
    assemble_table,
    match_header,
    read_preamble,
)
from jixiao.ingest.text import clean_text

__all__ = ["COLUMNS", "decode", "read_table"]

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


def _find_header(lines: list[str], source_name: str) -> Header:
    for number, line in enumerate(lines, start=1):
        if "\t" not in line:
            continue
        names = [clean_text(cell) for cell in line.split("\t")]
        index = match_header(names)
        if index is None:
            continue
        if isinstance(index, str):
            raise InputError(f"the header row has no column {index}", file=source_name, line=number)
        return Header(number, index, names)
    raise InputError(NO_HEADER, file=source_name)


def _rows(lines: list[str], header: Header, source_name: str) -> Iterator[LayoutRow]:
    width = max(header.index.values()) + 1
    for number, raw in enumerate(lines[header.line :], start=header.line + 1):
        if not raw.strip():
            continue
        parts = raw.split("\t")
        if len(parts) < width:
            raise InputError(
                f"the row has {len(parts)} of {width} columns (truncated or not a table row)",
                file=source_name,
                line=number,
            )
        cells: dict[str, str | int | float | None] = {
            key: parts[i] for key, i in header.index.items()
        }
        yield LayoutRow(number, cells, header)


def read_table(data: bytes, source_name: str) -> SourceTable:
    """Read one table from the bytes of a text source file.

    Raises :class:`InputError` (naming file, line and column) for anything that is not a
    readable table: empty, binary or undecodable input, no header, a short row, an amount
    that is not a number, an indicator cell in an unknown layout.
    """
    text, encoding = decode(data, source_name)
    lines = _LINE_BREAK.split(text)
    header = _find_header(lines, source_name)
    preamble = read_preamble(lines[: header.line - 1], source_name)
    return assemble_table(
        data,
        source_name,
        encoding=encoding,
        media_type="text/plain",
        preamble=preamble,
        header=header,
        rows=_rows(lines, header, source_name),
    )
