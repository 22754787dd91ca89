"""The cells of an XLS (BIFF5/BIFF8) workbook, by xlrd, as :class:`~.sheet.Sheet` values.

xlrd is pure Python and checks the compound file and its records as it goes; any exception
it raises means the file is damaged (or encrypted, which it says).
"""

from __future__ import annotations

import os

import xlrd

from jixiao.ingest.errors import InputError
from jixiao.ingest.readers.sheet import MAX_CELLS, CellValue, MergedRange, Sheet

__all__ = ["read_xls"]


def _value(cell: xlrd.sheet.Cell, datemode: int) -> CellValue:
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) or value == "":
        return None
    if kind == xlrd.XL_CELL_DATE:
        return xlrd.xldate_as_datetime(value, datemode)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(value, "#ERROR"))
    return value


def _sheet(book: xlrd.Book, sheet: xlrd.sheet.Sheet, position: int, source: str) -> Sheet:
    if sheet.nrows * sheet.ncols > MAX_CELLS:
        raise InputError(
            f"sheet {sheet.name} spans {sheet.nrows:,} rows × {sheet.ncols:,} columns, more "
            f"than the {MAX_CELLS:,} cells jixiao reads",
            file=source,
        )
    rows = tuple(
        tuple(_value(sheet.cell(r, c), book.datemode) for c in range(sheet.ncols))
        for r in range(sheet.nrows)
    )
    merged = tuple(
        MergedRange(top + 1, left + 1, bottom, right)
        for top, bottom, left, right in sheet.merged_cells
    )
    return Sheet(sheet.name, position, rows, merged, sheet.visibility == 0)


def read_xls(data: bytes, source: str) -> list[Sheet]:
    """The worksheets of an XLS file (raises :class:`InputError` for a damaged one)."""
    try:
        with open(os.devnull, "w") as quiet:
            book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=quiet)
            return [
                _sheet(book, sheet, position, source)
                for position, sheet in enumerate(book.sheets(), start=1)
            ]
    except InputError:
        raise
    except Exception as exc:  # xlrd raises many kinds on damaged input; all mean the same
        if "encrypted" in str(exc).lower():
            raise InputError(
                "the workbook is encrypted (password-protected): save it without a password",
                file=source,
            ) from None
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InputError(
            f"the XLS workbook is corrupt or truncated and cannot be read ({reason})",
            file=source,
        ) from None
