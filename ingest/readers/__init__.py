"""Readers of source files, picked by what the bytes are (``sniff``), not by the file's name.

- :mod:`.sniff` — ``sniff(data) -> Kind``: text table, XLSX, XLS, PDF, encrypted OOXML, unknown.
- :mod:`.workbook` — ``read_workbook(data, source) -> list[Sheet]``: the cells of an XLSX or XLS
  file, 1-based, merged ranges resolved on request; the layer every spreadsheet layout reads.
"""

from .sniff import Kind, sniff
from .workbook import CellValue, MergedRange, Sheet, read_workbook

__all__ = ["CellValue", "Kind", "MergedRange", "Sheet", "read_workbook", "sniff"]
