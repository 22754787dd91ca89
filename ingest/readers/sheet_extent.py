"""How far an XLSX's worksheets reach, measured before a reader builds them.

calamine builds each sheet as one dense block from A1 to its last cell, so a few bytes of
XML (a cell at ``XFD1048576``) can claim hundreds of gigabytes. ``check_xlsx_extent`` reads
each worksheet part as a stream — its uncompressed size capped, so a zip bomb stops early —
and follows rows and cells as a spreadsheet reader does (the ``r`` reference where given,
else the next row or column), and refuses a sheet of more than :data:`~.sheet.MAX_CELLS`
cells — and a zip or a worksheet it cannot read, so calamine only ever sees what was
measured.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.etree.ElementTree import ParseError, iterparse

from jixiao.ingest.errors import InputError
from jixiao.ingest.readers.sheet import MAX_CELLS

__all__ = ["MAX_SHEET_XML", "check_xlsx_extent"]

MAX_SHEET_XML = 64 << 20  # uncompressed worksheet XML read at most, all sheets together
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_REFERENCE = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


class _Capped(io.RawIOBase):
    """A stream that stops with an error after ``budget`` bytes."""

    def __init__(self, stream: io.BufferedIOBase, budget: list[int]) -> None:
        self.stream = stream
        self.budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self.stream.read(min(len(buffer), 1 << 16))
        self.budget[0] -= len(chunk)
        if self.budget[0] < 0:
            raise _TooLarge
        buffer[: len(chunk)] = chunk
        return len(chunk)


class _TooLarge(Exception):
    pass


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _extent(part: io.RawIOBase) -> tuple[int, int]:
    rows = columns = row = column = 0
    for event, element in iterparse(part, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "end":
            if tag == "row":
                element.clear()
            continue
        if tag == "row":
            given = element.get("r")
            row = int(given) if given and given.isdigit() else row + 1
            column = 0
            rows = max(rows, row)
        elif tag == "c":
            match = _REFERENCE.match(element.get("r") or "")
            if match:
                column = _column(match.group(1))
                row = int(match.group(2))
                rows = max(rows, row)
            else:
                column += 1
            columns = max(columns, column)
    return rows, columns


def check_xlsx_extent(data: bytes, source: str) -> None:
    """Refuse an XLSX whose sheets reach past :data:`MAX_CELLS` cells, whose worksheet XML
    passes :data:`MAX_SHEET_XML` bytes, or that cannot be unzipped and parsed."""
    budget = [MAX_SHEET_XML]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not _WORKSHEET.match(info.filename):
                    continue
                with archive.open(info) as stream:
                    rows, columns = _extent(_Capped(stream, budget))  # type: ignore[arg-type]
                if rows * columns > MAX_CELLS:
                    raise InputError(
                        f"{info.filename} spans {rows:,} rows × {columns:,} columns, more than "
                        f"the {MAX_CELLS:,} cells jixiao reads",
                        file=source,
                    )
    except _TooLarge:
        raise InputError(
            f"the worksheets hold more than {MAX_SHEET_XML >> 20} MB of XML, more than "
            "jixiao reads",
            file=source,
        ) from None
    except (zipfile.BadZipFile, zlib.error, ParseError, EOFError, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InputError(
            f"the XLSX workbook is corrupt or truncated and cannot be read ({reason})",
            file=source,
        ) from None
