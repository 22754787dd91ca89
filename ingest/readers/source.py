"""One entry point for every source format: ``read_source_table(data, source_name)`` sniffs
what the bytes are (:func:`.sniff.sniff`) and hands them to the reader of that kind — the
text reader, the workbook reader (XLSX, XLS) or the PDF reader — never by the file's name.
"""

from __future__ import annotations

from jixiao.ingest.errors import InputError
from jixiao.ingest.model import SourceTable
from jixiao.ingest.reader import read_table
from jixiao.ingest.readers.pdf_table import read_pdf_table
from jixiao.ingest.readers.sniff import Kind, sniff
from jixiao.ingest.readers.workbook_table import read_workbook_table

__all__ = ["READABLE", "read_source_table"]

READABLE = "a text table, an XLSX or XLS workbook, or a PDF with a text layer"


def read_source_table(data: bytes, source_name: str) -> SourceTable:
    """The 项目支出绩效目标表 in ``data``, read by the reader its content calls for.

    Raises :class:`InputError` (one line naming the file, and the sheet, page, line or
    column where there is one) for anything jixiao cannot read as such a table.
    """
    kind = sniff(data)
    if kind is Kind.TEXT:
        return read_table(data, source_name)
    if kind in (Kind.XLSX, Kind.XLS):
        return read_workbook_table(data, source_name)
    if kind is Kind.PDF:
        return read_pdf_table(data, source_name)
    if kind is Kind.ENCRYPTED_OOXML:
        raise InputError(
            "the file is encrypted (password-protected): save it without a password",
            file=source_name,
        )
    raise InputError(f"the file is binary, not {READABLE}", file=source_name)
