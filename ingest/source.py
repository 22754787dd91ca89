"""One way in for every source file: read by what the bytes are, then map to RDF.

A workbook whose sheet is in one of the national layouts (:mod:`.national`) is read by that
layout's reader; everything else — text, PDF, and workbooks in the 项目支出绩效目标表 layout —
by :func:`.readers.read_source_table`. A workbook sheet in no known layout is refused with one
line naming the file, the sheet and the layouts expected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .errors import InputError
from .iris import IriMinter
from .mapping import MappedDocument, map_table
from .national import LAYOUT_NAMES, Origin, layout_of, read_sheet
from .national.mapping import map_national
from .readers import Kind, Sheet, read_source_table, read_workbook, sniff
from .readers.workbook_table import MEDIA_TYPES
from .target_table import NO_HEADER
from .years import check_year

__all__ = ["EXPECTED_LAYOUTS", "ReadDocument", "map_source", "read_and_map"]

EXPECTED_LAYOUTS = ", ".join(("项目支出绩效目标表", *LAYOUT_NAMES.values()))


@dataclass(frozen=True, slots=True)
class ReadDocument:
    """A source file read and mapped, with what it held (for the ingest's message)."""

    mapped: MappedDocument
    layout: str
    units: int
    projects: int
    indicators: int


def _filled(sheet: Sheet) -> bool:
    return sheet.visible and any(value is not None for row in sheet.rows for value in row)


def _national(
    data: bytes, source_name: str, year: int, minter: IriMinter, sheets: list[Sheet]
) -> ReadDocument:
    if len(sheets) != 1:
        names = ", ".join(repr(sheet.name) for sheet in sheets)
        raise InputError(
            f"one table per workbook is read in the national layouts; this one has "
            f"{len(sheets)} sheets ({names})",
            file=source_name,
        )
    sheet = sheets[0]
    layout = layout_of(sheet)
    if layout is None:
        raise InputError(
            f"not in a known table layout (expected one of: {EXPECTED_LAYOUTS})",
            file=source_name,
            sheet=sheet.name,
        )
    origin = Origin(
        source_name, hashlib.sha256(data).hexdigest(), len(data), MEDIA_TYPES[sniff(data)]
    )
    table = read_sheet(sheet, layout, origin)
    if table.title_year is not None and table.title_year != year:
        raise InputError(
            f"the title {table.title!r} says {table.title_year}, not the year given ({year})",
            file=source_name,
            sheet=sheet.name,
        )
    indicators = table.indicators or (table.project.indicators if table.project else ())
    return ReadDocument(
        map_national(table, year, minter),
        LAYOUT_NAMES[layout],
        units=1 if table.project else 0,
        projects=1 if table.project else 0,
        indicators=len(indicators),
    )


def read_and_map(data: bytes, source_name: str, year: int, minter: IriMinter) -> ReadDocument:
    """Read one source file of budget year ``year`` and map it (pure; raises
    :class:`~.errors.InputError` for anything unreadable)."""
    if sniff(data) in (Kind.XLSX, Kind.XLS):
        sheets = [sheet for sheet in read_workbook(data, source_name) if _filled(sheet)]
        if any(layout_of(sheet) is not None for sheet in sheets):
            return _national(data, source_name, year, minter, sheets)
    try:
        table = read_source_table(data, source_name)
    except InputError as exc:
        sheet = exc.location.sheet
        if exc.message == NO_HEADER and sheet is not None:
            raise InputError(
                f"not in a known table layout (expected one of: {EXPECTED_LAYOUTS})",
                file=source_name,
                sheet=sheet,
            ) from None
        raise
    return ReadDocument(
        map_table(table, year, minter),
        "项目支出绩效目标表",
        units=len(table.units),
        projects=len(table.projects),
        indicators=sum(len(p.indicators) for p in table.projects),
    )


def map_source(data: bytes, source_name: str, year: int, minter: IriMinter) -> MappedDocument:
    """Read and map one source document (pure; raises :class:`InputError`, or
    :class:`UsageError` for a year that is not one)."""
    return read_and_map(data, source_name, check_year(year), minter).mapped
