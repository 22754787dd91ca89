"""The spreadsheet layer (ingest/readers): sniffing by content, and the cells of XLSX and XLS
files as held — 1-based positions, merged ranges, line breaks, several sheets — on workbooks
written here and on the four real spreadsheets of ../shared/real-tables/."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile

from jixiao.ingest.errors import InputError
from jixiao.ingest.readers import Kind, MergedRange, read_workbook, sheet_extent, sniff

REAL_TABLES = Path(__file__).resolve().parents[3] / "shared" / "real-tables"
REAL_FILES = sorted(REAL_TABLES.glob("*.xlsx"))
needs_real = pytest.mark.skipif(not REAL_FILES, reason="../shared/real-tables/ is not here")


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "表1"
    first["A1"] = "项目支出绩效目标表"
    first.merge_cells("A1:G1")
    first["A3"] = "项目名称"
    first["B3"] = 1200.5
    first["C3"] = 7574
    first["G3"] = "1、产出指标：数量\n2、效益指标：效果"
    first.merge_cells("F4:G5")
    first["F4"] = "合并"
    second = book.create_sheet("第二页")
    second["C5"] = "右下"
    hidden = book.create_sheet("隐藏")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表1")
    sheet.write_merge(0, 0, 0, 6, "项目支出绩效目标表")
    sheet.write(2, 0, "项目名称")
    sheet.write(2, 1, 1200.5)
    sheet.write(2, 6, "1、产出指标\n2、效益指标")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _damaged(data: bytes) -> bytes:
    """The middle of a file overwritten, its first and last kilobyte kept."""
    return data[:1024] + b"\xff" * (len(data) - 2048) + data[-1024:]


def _encrypted(xlsx: bytes) -> bytes:
    source = OOXMLFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    source.encrypt("secret", out)
    return out.getvalue()


def test_sniff_tells_each_kind_by_content() -> None:
    xlsx = _xlsx()
    cases = {
        Kind.TEXT: "部门名称：某部门\n项目名称\t总计\n".encode(),
        Kind.XLSX: xlsx,
        Kind.XLS: _xls(),
        Kind.PDF: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        Kind.ENCRYPTED_OOXML: _encrypted(xlsx),
        Kind.UNKNOWN: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    }
    for kind, data in cases.items():
        assert sniff(data) is kind, kind
    assert len(cases) == len(Kind)


def test_sniff_calls_a_zip_without_a_workbook_unknown_and_a_truncated_workbook_xlsx() -> None:
    other_zip = io.BytesIO()

    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert sniff(other_zip.getvalue()) is Kind.UNKNOWN
    xlsx = _xlsx()
    assert sniff(xlsx[: len(xlsx) // 2]) is Kind.XLSX


def test_cells_are_one_based_with_values_as_held() -> None:
    sheets = read_workbook(_xlsx(), "t.xlsx")
    assert [(s.name, s.position, s.visible) for s in sheets] == [
        ("表1", 1, True),
        ("第二页", 2, True),
        ("隐藏", 3, False),
    ]
    first = sheets[0]
    assert first.cell(1, 1) == "项目支出绩效目标表"
    assert first.cell(3, 1) == "项目名称"
    assert first.cell(3, 2) == 1200.5
    assert first.cell(3, 3) == 7574
    assert first.cell(3, 4) is None
    assert first.cell(3, 7) == "1、产出指标：数量\n2、效益指标：效果"
    assert first.cell(99, 99) is None
    assert (first.height, first.width) == (4, 7)  # F4:G5 is merged, F4 holds the value
    assert all(len(row) == first.width for row in first.rows)


def test_leading_empty_rows_and_columns_keep_positions() -> None:
    second = read_workbook(_xlsx(), "t.xlsx")[1]
    assert second.cell(5, 3) == "右下"
    assert (second.height, second.width) == (5, 3)


def test_merged_ranges_hold_their_value_top_left_and_value_resolves_them() -> None:
    first = read_workbook(_xlsx(), "t.xlsx")[0]
    assert set(first.merged) == {MergedRange(1, 1, 1, 7), MergedRange(4, 6, 5, 7)}
    assert first.cell(1, 7) is None
    assert first.value(1, 7) == "项目支出绩效目标表"
    assert first.anchor(5, 7) == (4, 6)
    assert first.value(5, 7) == "合并"
    assert first.anchor(5, 5) == (5, 5)
    assert first.value(2, 1) is None


def test_xls_reads_like_xlsx() -> None:
    (sheet,) = read_workbook(_xls(), "t.xls")
    assert sheet.name == "表1"
    assert sheet.merged == (MergedRange(1, 1, 1, 7),)
    assert sheet.value(1, 5) == "项目支出绩效目标表"
    assert (sheet.cell(3, 1), sheet.cell(3, 2)) == ("项目名称", 1200.5)
    assert sheet.cell(3, 7) == "1、产出指标\n2、效益指标"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: _encrypted(_xlsx()), "encrypted (password-protected)"),
        (lambda: _xlsx()[:3000], "XLSX workbook is corrupt or truncated"),
        (lambda: _damaged(_xls()), "XLS workbook is corrupt or truncated"),
        (lambda: b"%PDF-1.4\n", "expected an XLSX or XLS workbook, found a PDF"),
        (lambda: b"\x89PNG\r\n\x1a\n\x00", "found an unknown binary file"),
    ],
    ids=["encrypted", "truncated-xlsx", "damaged-xls", "pdf", "png"],
)
def test_unreadable_workbooks_raise_one_line_naming_the_file(
    data: Callable[[], bytes], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_workbook(data(), "budget.xlsx")
    text = str(caught.value)
    assert text.startswith("budget.xlsx: ")
    assert message in text
    assert "\n" not in text


def test_a_sheet_location_names_sheet_row_and_column() -> None:
    error = InputError(
        "not a number", file="b.xlsx", sheet="表1", line=5, column=2, column_name="总计"
    )
    assert str(error) == "b.xlsx: sheet 表1, row 5, column 2 (总计): not a number"
    assert str(InputError("no text layer", file="s.pdf", page=3)) == "s.pdf: page 3: no text layer"


@needs_real
def test_the_real_spreadsheets_read_with_their_merges() -> None:
    read = {path.name: read_workbook(path.read_bytes(), path.name) for path in REAL_FILES}
    assert len(read) == 4
    overall = read["zhanjiang-rsj-2023-dept-overall.xlsx"][0]
    assert overall.cell(2, 1) == "部门名称"
    assert overall.cell(2, 2) == "湛江市人力资源和社会保障局"
    assert overall.cell(5, 5) == pytest.approx(82800.92)
    assert MergedRange(17, 1, 39, 1) in overall.merged
    assert overall.value(30, 1) == overall.cell(17, 1)
    selfeval = read["chongqing-yuzhong-jiuye-2021-project-selfeval.xlsx"][0]
    assert selfeval.name == "就业补助资金"
    assert selfeval.value(1, 15) == "2021年度项目支出绩效自评表"
    assert selfeval.width == 9  # its cells stop at I; merged ranges reach O
    for sheets in read.values():
        assert sum(len(s.merged) for s in sheets) > 0


def _far_xlsx(reference: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "项目名称"
    sheet[reference] = "远"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_reaching_past_the_cell_limit_is_refused_before_it_is_built() -> None:
    # calamine would build 1,048,576 × 16,384 cells from these few kilobytes
    with pytest.raises(InputError) as caught:
        read_workbook(_far_xlsx("XFD1048576"), "far.xlsx")
    assert "spans 1,048,576 rows × 16,384 columns, more than the 2,000,000 cells" in str(
        caught.value
    )
    assert read_workbook(_far_xlsx("G3000"), "near.xlsx")[0].cell(3000, 7) == "远"


def test_worksheet_xml_past_its_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_SHEET_XML", 200)
    with pytest.raises(InputError, match="more than 0 MB of XML"):
        read_workbook(_xlsx(), "big.xlsx")


def test_an_xls_sheet_reaching_past_the_cell_limit_is_refused() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表1")
    sheet.write(0, 0, "项目名称")
    sheet.write(65535, 255, "远")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InputError, match="sheet 表1 spans 65,536 rows × 256 columns"):
        read_workbook(out.getvalue(), "far.xls")
