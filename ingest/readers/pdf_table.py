"""A 项目支出绩效目标表 in a PDF with a text layer, in the Guangzhou layout.

The table is found on each page by its ruling lines (pdfplumber's table finder over
pdfminer's characters); what it reads:

- **Above the table** on the page where it starts: the title and the ``部门名称：…`` /
  ``单位：万元`` lines (text of earlier pages counts too).
- **The header**: the table's first row, with a cell starting 项目名称 and the six other
  columns found by name. Each later page may repeat it; a repeated header is skipped.
- **Cells**: a cell's text as its lines joined without a separator — a PDF wraps a cell's
  text to its width, and in Chinese text a wrap is no character (a space at a wrap, where
  the PDF draws one, is kept).
- **Rows across a page break**: the first row of a page (below its repeated header) with no
  amount is the rest of the row the previous page ended with: its name, goal and indicator
  text carry on that row's (every row of the layout has an amount, in its first part).

``jx:sourceLine`` is the row's number in the table read as one (the header is row 1, and
repeated headers are not counted); errors name the page and the row on that page.

Refused, with one line naming the file (and page): an encrypted PDF, a damaged one (no
``%%EOF`` at its end, or one pdfminer cannot parse), a PDF with no text layer (a scan: run
OCR first), a PDF whose first table is not this layout.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from jixiao.ingest import target_table as layout
from jixiao.ingest.errors import InputError
from jixiao.ingest.model import SourceTable
from jixiao.ingest.text import clean_text

__all__ = ["MEDIA_TYPE", "read_pdf_table"]

MEDIA_TYPE = "application/pdf"
NO_TEXT_LAYER = "no text layer (a scanned image?): run OCR first"


def _cell_text(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return "".join(text.split("\n"))


def _closing_rules(page: Page) -> dict[str, Any]:
    """Table settings that close a table whose ruling stops short: a row cut by the page
    break is often drawn open (no rule under it, or above its rest on the next page), so the
    ends of the vertical rules count as horizontal rules too."""
    verticals = [edge for edge in page.edges if edge["orientation"] == "v"]
    if not verticals:
        return {}
    top = min(edge["top"] for edge in verticals)
    bottom = max(edge["bottom"] for edge in verticals)
    return {"explicit_horizontal_lines": [top, bottom]}


@dataclass
class _Reading:
    source: str
    header: layout.Header | None = None
    preamble: list[str] = field(default_factory=list)
    rows: list[layout.LayoutRow] = field(default_factory=list)
    next_line: int = 2  # the header is row 1 of the table read as one

    def page(self, page: Page, number: int) -> None:
        tables = page.find_tables(_closing_rules(page))
        if not tables:
            if self.header is None:
                self.preamble += (page.extract_text() or "").splitlines()
            return
        if self.header is None:
            top = tables[0].bbox[1]
            above = page.crop((0, 0, page.width, top)) if top > 0 else None
            if above is not None:
                self.preamble += (above.extract_text() or "").splitlines()
        for table in tables:
            self.table(table.extract(), number)

    def table(self, cut: list[list[str | None]], page: int) -> None:
        first_row = True
        for row_on_page, raw in enumerate(cut, start=1):
            cells = [_cell_text(c) for c in raw]
            names = [clean_text(c or "") for c in cells]
            index = layout.match_header(names)
            where: dict[str, Any] = {"page": page, "line": row_on_page}
            if isinstance(index, str):
                raise InputError(f"the header row has no column {index}", file=self.source, **where)
            if index is not None:
                if self.header is None:
                    self.header = layout.Header(1, index, names, {"page": page})
                continue
            if self.header is None:
                raise InputError(layout.NO_HEADER, file=self.source, **where)
            self.row(cells, where, first_row)
            first_row = False

    def row(self, cells: list[str | None], where: dict[str, Any], first_row: bool) -> None:
        assert self.header is not None
        by_key: dict[str, layout.Cell] = {
            key: cells[i] if i < len(cells) else None for key, i in self.header.index.items()
        }
        if all(v is None for v in by_key.values()):
            return
        carries_on = first_row and all(by_key[key] is None for key in layout.AMOUNT_KEYS)
        if self.rows and (carries_on or layout.continues(by_key)):
            held = self.rows[-1]
            joined = dict(held.cells)
            for key in ("name", "goal", "indicators"):
                more = by_key[key]
                if more is not None:
                    before = joined[key]
                    joined[key] = str(more) if before is None else f"{before}{more}"
            self.rows[-1] = layout.LayoutRow(held.line, joined, held.header, held.where)
            return
        self.rows.append(layout.LayoutRow(self.next_line, by_key, self.header, where))
        self.next_line += 1


def _read(pdf: pdfplumber.PDF, reading: _Reading) -> None:
    any_text = False
    for number, page in enumerate(pdf.pages, start=1):
        if not page.chars:
            if page.images or not any_text:
                raise InputError(NO_TEXT_LAYER, file=reading.source, page=number)
            continue
        any_text = True
        reading.page(page, number)


def read_pdf_table(data: bytes, source: str) -> SourceTable:
    """Read a 项目支出绩效目标表 from the bytes of a PDF with a text layer."""
    if b"%%EOF" not in data[-1024:]:
        raise InputError("the PDF is truncated or damaged (no %%EOF at its end)", file=source)
    reading = _Reading(source)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _read(pdf, reading)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise InputError(
                "the PDF is encrypted (password-protected): save it without a password",
                file=source,
            ) from None
        raise InputError(
            f"the PDF is damaged and cannot be read ({type(cause).__name__})", file=source
        ) from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"the PDF is damaged and cannot be read ({type(exc).__name__})", file=source
        ) from None
    if reading.header is None:
        raise InputError(f"{layout.NO_HEADER} (no ruled table on any page)", file=source, page=1)
    preamble = layout.read_preamble(
        reading.preamble, source, {"page": reading.header.where["page"]}
    )
    return layout.assemble_table(
        data,
        source,
        encoding="",
        media_type=MEDIA_TYPE,
        preamble=preamble,
        header=reading.header,
        rows=reading.rows,
    )
