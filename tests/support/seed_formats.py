"""The seed tables written as a department would publish them: XLSX (openpyxl) and PDF
(reportlab, with Debian's WenQuanYi Micro Hei), built from the seed text files.

What the fixtures hold is what the text says, cleaned, laid out as published tables are:

- XLSX: the title merged over the seven columns, ``部门名称：…`` and ``单位：万元`` in their own
  cells, the header, amounts as numbers (every third as text with separators), the goal and
  the indicators one per line in their cells; the rows spread over two sheets (the second
  repeats the header), and on each sheet one project spread over two rows (its name, amounts
  and goal merged down, its indicators split between the rows).
- PDF: A4 landscape pages of a ruled table whose header repeats on every page, with rows
  split across page breaks (reportlab's ``splitInRow``); the title and department lines
  above the table on the first page.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jixiao.ingest.reader import decode
from jixiao.ingest.text import clean_text

__all__ = [
    "CJK_FONT",
    "SeedTable",
    "encrypted_pdf",
    "scanned_pdf",
    "seed_pdf",
    "seed_table",
    "seed_xls",
    "seed_xlsx",
]

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian fonts-wqy-microhei
_INDICATOR_START = re.compile(
    r"(?<=[。；])(?=\d{1,3}、(?:产出指标|效益指标|满意度指标|成本指标|\d-))"
)


@dataclass(frozen=True)
class SeedTable:
    title: str
    department: str
    header: list[str]
    rows: list[list[str]]  # cleaned cells; indicators one per line


def seed_table(path: Path) -> SeedTable:
    """The seed text file's table, cells cleaned as the publisher wrote them."""
    text, _ = decode(path.read_bytes(), path.name)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("项目名称"))
    preamble = [clean_text(line).lstrip("#").strip() for line in lines[:at]]
    title = next(line for line in preamble if "绩效目标表" in line)
    department = next(line for line in preamble if line.startswith("部门名称"))
    rows = []
    for line in lines[at + 1 :]:
        if not line.strip():
            continue
        cells = [clean_text(cell) for cell in line.split("\t")]
        cells[6] = _INDICATOR_START.sub("\n", cells[6])
        rows.append(cells)
    header = [clean_text(cell) for cell in lines[at].split("\t")]
    return SeedTable(title, department.split("：", 1)[1], header, rows)


def _number(text: str, as_text: bool) -> str | float | None:
    if not text:
        return None
    return text if as_text else float(Decimal(text.replace(",", "")))


def _split_row_at(table: SeedTable, start: int) -> int | None:
    """The first project row (with several indicators) at or after ``start``."""
    return next(
        (i for i, row in enumerate(table.rows) if i >= start and row[6].count("\n") >= 1),
        None,
    )


@functools.cache
def seed_xlsx(path: Path) -> bytes:
    import openpyxl

    table = seed_table(path)
    book = openpyxl.Workbook()
    half = len(table.rows) // 2
    parts = [table.rows[:half], table.rows[half:]]
    for number, rows in enumerate(parts, start=1):
        sheet = book.active if number == 1 else book.create_sheet()
        assert sheet is not None
        sheet.title = f"表{number}"
        if number == 1:
            sheet.append([table.title])
            sheet.merge_cells("A1:G1")
            sheet.append(
                [f"部门名称：{table.department}", None, None, None, None, None, "单位：万元"]
            )
            sheet.merge_cells("A2:E2")
            sheet.append([])
        sheet.append(table.header)
        first = 0 if number == 1 else half
        split = _split_row_at(table, first + 1)
        for i, cells in enumerate(rows):
            amounts = [_number(cells[c], as_text=(i % 3 == 2)) for c in range(1, 5)]
            if split is None or i != split - first:
                sheet.append([cells[0], *amounts, cells[5] or None, cells[6] or None])
                continue
            indicators = cells[6].split("\n")
            cut = len(indicators) // 2
            sheet.append([cells[0], *amounts, cells[5], "\n".join(indicators[:cut])])
            sheet.append([None] * 6 + ["\n".join(indicators[cut:])])
            row = sheet.max_row
            for column in "ABCDEF":
                sheet.merge_cells(f"{column}{row - 1}:{column}{row}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def seed_xls(path: Path) -> bytes:
    """The table on one XLS sheet (xlwt): the title merged, amounts as numbers."""
    import xlwt

    table = seed_table(path)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表1")
    sheet.write_merge(0, 0, 0, 6, table.title)
    sheet.write(1, 0, f"部门名称：{table.department}")
    sheet.write(1, 6, "单位：万元")
    for c, name in enumerate(table.header):
        sheet.write(2, c, name)
    for r, cells in enumerate(table.rows, start=3):
        for c, text in enumerate(cells):
            value = _number(text, as_text=False) if 1 <= c <= 4 else text
            if value is not None and value != "":
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def seed_pdf(path: Path) -> bytes:
    return _pdf(path)


def _pdf(path: Path, encrypt: object = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", str(CJK_FONT), subfontIndex=0))
    table = seed_table(path)
    cell = ParagraphStyle("cell", fontName="WQY", fontSize=7, leading=9, wordWrap="CJK")
    line = ParagraphStyle("line", fontName="WQY", fontSize=10, leading=14)
    title = ParagraphStyle("title", parent=line, fontSize=14, leading=20, alignment=1)

    def paragraph(text: str) -> Paragraph:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped.replace("\n", "<br/>"), cell)

    data = [[paragraph(name) for name in table.header]]
    data += [[paragraph(text) for text in cells] for cells in table.rows]
    grid = Table(
        data,
        colWidths=[95, 52, 52, 52, 45, 200, 290],
        repeatRows=1,
        splitInRow=1,
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), "WQY"),
            ]
        ),
    )
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=20,
        rightMargin=20,
        topMargin=30,
        bottomMargin=30,
        encrypt=encrypt,
    )
    document.build(
        [
            Paragraph(table.title, title),
            Paragraph(f"部门名称：{table.department}", line),
            Paragraph("单位：万元", line),
            grid,
        ]
    )
    return out.getvalue()


def encrypted_pdf(path: Path) -> bytes:
    """The table's PDF with a user password (it opens only with ``secret``)."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    return _pdf(path, encrypt=StandardEncryption("secret", ownerPassword="owner"))


def scanned_pdf() -> bytes:
    """A page that is only an image, as a scanner makes: no text layer."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    picture = Image.new("L", (200, 100), color=255)
    for x in range(20, 180):
        picture.putpixel((x, 50), 0)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.drawImage(ImageReader(picture), 50, 500, width=400, height=200)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
