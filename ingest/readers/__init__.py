"""Readers of source files, picked by what the bytes are (``sniff``), not by the file's name.

- :mod:`.sniff` — ``sniff(data) -> Kind``: text table, XLSX, XLS, PDF, encrypted OOXML, unknown.
- :mod:`.workbook` — ``read_workbook(data, source) -> list[Sheet]``: the cells of an XLSX or XLS
  file, 1-based, merged ranges resolved on request; the layer every spreadsheet layout reads.
- :mod:`.workbook_table`, :mod:`.pdf_table` — the Guangzhou 项目支出绩效目标表 in a workbook
  or a PDF with a text layer (the text reader is :mod:`jixiao.ingest.reader`).
- :mod:`.source` — ``read_source_table(data, source_name)``: the table, whatever the format.
"""

from jixiao.ingest.readers import sheet_extent
from jixiao.ingest.readers.sniff import Kind, sniff
from jixiao.ingest.readers.source import read_source_table
from jixiao.ingest.readers.workbook import CellValue, MergedRange, Sheet, read_workbook

__all__ = [
    "CellValue",
    "Kind",
    "MergedRange",
    "Sheet",
    "read_source_table",
    "read_workbook",
    "sheet_extent",
    "sniff",
]
