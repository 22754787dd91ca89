"""The cells of a spreadsheet (XLSX or XLS), as plain Python values.

``read_workbook(data, source)`` returns the workbook's worksheets in order, each a
:class:`Sheet`: its name and its rows of cells, as the file holds them.

- **Values.** A cell is ``None`` when empty (an empty string counts as empty), ``str`` for
  text (line breaks inside the cell kept as ``\\n``), ``float`` or ``int`` for a number as the
  file stores it (an IEEE double: ``82800.920000000001`` in the XML is the float
  ``82800.92000000001``; deciding what number was meant is the layout reader's job), ``bool``,
  or ``datetime``/``date``/``time``/``timedelta`` for date-formatted cells. Formulas give the
  value the file cached; error cells (``#DIV/0!``) give their text.
- **Positions.** Rows and columns are 1-based, as a spreadsheet shows them and as error
  messages name them: ``sheet.cell(row, column)``. ``sheet.rows`` is rectangular and starts
  at A1 (leading empty rows and columns are kept, so positions match the file); its width
  and height cover every stored cell (``cell`` gives ``None`` beyond them).
- **Merged ranges.** The file holds a merged range's value in its top-left cell only, and so
  does ``cell``: the other cells of the range are ``None``. ``sheet.merged`` lists the ranges;
  ``sheet.value(row, column)`` gives the top-left value for any cell a range covers (what a
  person sees), and ``sheet.anchor(row, column)`` the position of that top-left cell.
- **Sheets.** Every worksheet, hidden or not (``visible`` says which); chart sheets, which
  have no cells, are left out.

**Libraries, by measurement.** XLSX is read by python-calamine (Rust's calamine), chosen over
openpyxl: on the four real spreadsheets 1.3–1.5 ms against 90–200 ms, and on a generated
30,000-row workbook with long CJK cells 0.28 s and 49 MB peak against 2.3 s and 127 MB
(openpyxl must load the whole workbook to see merged cells). calamine builds a sheet as one
dense block from A1 to its last cell, so a small file with a cell at XFD1048576 would claim
hundreds of gigabytes: the worksheet XML is measured first (:mod:`.sheet_extent`) and a sheet
of more than :data:`MAX_CELLS` cells is refused. XLS (BIFF5/BIFF8) is read by xlrd: calamine
reads it too, but fuzzing found a damaged 6 KB XLS for which it asked for 4.2 GB, while xlrd
refused thousands of such files within its means (:mod:`.xls`).

A file that cannot be read raises :class:`InputError` naming the file and what was expected;
an encrypted (password-protected) workbook is refused as such.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from jixiao.ingest.errors import InputError
from jixiao.ingest.readers.sheet import MAX_CELLS, CellValue, MergedRange, Sheet, dense_rows
from jixiao.ingest.readers.sheet_extent import check_xlsx_extent
from jixiao.ingest.readers.sniff import Kind, sniff
from jixiao.ingest.readers.xls import read_xls

__all__ = ["MAX_CELLS", "CellValue", "MergedRange", "Sheet", "read_workbook"]


def _normalised(value: object) -> CellValue:
    if value == "":
        return None
    if isinstance(value, str | int | float | bool | datetime | date | time | timedelta):
        return value
    return str(value)


def _sheet(book: CalamineWorkbook, name: str, position: int, visible: bool) -> Sheet:
    calamine_sheet = book.get_sheet_by_name(name)
    stored = calamine_sheet.to_python(skip_empty_area=False)
    merged = tuple(
        MergedRange(top + 1, left + 1, bottom + 1, right + 1)
        for (top, left), (bottom, right) in (calamine_sheet.merged_cell_ranges or [])
    )
    rows = dense_rows([[_normalised(v) for v in row] for row in stored])
    return Sheet(name, position, rows, merged, visible)


def corrupt(kind: Kind, exc: BaseException, source: str) -> InputError:
    """The one-line refusal of a workbook its library could not read."""
    reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return InputError(
        f"the {kind} is corrupt or truncated and cannot be read ({reason})", file=source
    )


def _read_xlsx(data: bytes, source: str) -> list[Sheet]:
    check_xlsx_extent(data, source)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [
            _sheet(book, meta.name, position, meta.visible == SheetVisibleEnum.Visible)
            for position, meta in enumerate(book.sheets_metadata, start=1)
            if meta.typ == SheetTypeEnum.WorkSheet
        ]
    except (CalamineError, ValueError, OSError) as exc:
        raise corrupt(Kind.XLSX, exc, source) from None
    except BaseException as exc:  # calamine panics (pyo3's PanicException) on some damage
        if type(exc).__name__ != "PanicException":
            raise
        raise corrupt(Kind.XLSX, exc, source) from None


def read_workbook(data: bytes, source: str) -> list[Sheet]:
    """The worksheets of an XLSX or XLS file, in the workbook's order.

    Raises :class:`InputError` (naming ``source``) for an encrypted workbook, bytes that are
    not a workbook, a workbook too damaged to read, or a sheet of more than
    :data:`MAX_CELLS` cells.
    """
    kind = sniff(data)
    if kind is Kind.ENCRYPTED_OOXML:
        raise InputError(
            "the workbook is encrypted (password-protected): save it without a password",
            file=source,
        )
    if kind is Kind.XLSX:
        sheets = _read_xlsx(data, source)
    elif kind is Kind.XLS:
        sheets = read_xls(data, source)
    else:
        raise InputError(f"expected an XLSX or XLS workbook, found {kind.described}", file=source)
    if not sheets:
        raise InputError(f"the {kind} has no worksheet", file=source)
    return sheets
