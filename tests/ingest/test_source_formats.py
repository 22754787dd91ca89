"""The same 项目支出绩效目标表 in text, XLSX, XLS or PDF gives the same graph, provenance
aside; readers are picked by content; bad files are refused with one line, nothing loaded.

The XLSX, XLS and PDF fixtures are written here from the seed text files
(tests/support/seed_formats.py says how they are laid out)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from support.seed_formats import (
    CJK_FONT,
    encrypted_pdf,
    scanned_pdf,
    seed_pdf,
    seed_table,
    seed_xls,
    seed_xlsx,
)

from jixiao.ingest.errors import InputError
from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.series import link_series
from jixiao.ingest.mapping import map_table
from jixiao.ingest.readers import read_source_table, read_workbook
from jixiao.ontology import JX
from jixiao.service.cli import main
from jixiao.service.pipeline import load as loader
from jixiao.service.pipeline.linking import fetch_projects
from jixiao.service.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
SEEDS = {
    2023: ROOT / "ingest" / "seeds" / "gzast-2023-project-performance-targets.txt",
    2025: ROOT / "ingest" / "seeds" / "gzast-2025-project-performance-targets.txt",
}
MINI = Path(__file__).parents[1] / "data" / "mini-2024.txt"
# (funding units, projects, indicators) of each seed, as `jixiao ingest` of the text says
COUNTS = {2023: (4, 45, 367), 2025: (3, 19, 145)}
needs_font = pytest.mark.skipif(
    not CJK_FONT.is_file(), reason="Debian's fonts-wqy-microhei (make system-deps) is missing"
)
WRITERS = {
    "xlsx": seed_xlsx,
    "xls": seed_xls,
    "pdf": pytest.param(seed_pdf, marks=needs_font),
}


def _graph(data: bytes, name: str, year: int) -> Graph:
    """The document's graph without its provenance: source lines and the source file."""
    mapped = map_table(read_source_table(data, name), year, IriMinter())
    graph = Graph()
    for triple in mapped.triples:
        if triple[1] != JX.sourceLine:
            graph.add(triple)
    for source in list(graph.subjects(None, JX.SourceFile)):
        graph.remove((source, None, None))
    for triple in mapped.organization_triples:
        graph.add(triple)
    return graph


def _assert_isomorphic(expected: Graph, got: Graph) -> None:
    if isomorphic(expected, got):
        return
    _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
    lines = [f"- {t}" for t in sorted(only_expected)[:10]] + [
        f"+ {t}" for t in sorted(only_got)[:10]
    ]
    pytest.fail("graphs differ:\n" + "\n".join(lines))


@pytest.mark.parametrize("year", sorted(SEEDS))
@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_the_same_table_in_any_format_gives_the_same_graph(
    year: int, writer: Callable[[Path], bytes]
) -> None:
    seed = SEEDS[year]
    text_graph = _graph(seed.read_bytes(), seed.name, year)
    other = writer(seed)
    table = read_source_table(other, f"{seed.stem}.bin")  # the name says nothing
    counts = (
        len(table.units),
        len(table.projects),
        sum(len(p.indicators) for p in table.projects),
    )
    assert counts == COUNTS[year]
    assert len(text_graph) > 3000
    _assert_isomorphic(text_graph, _graph(other, f"{seed.stem}.bin", year))


def test_provenance_says_the_format() -> None:
    seed = SEEDS[2025]
    media = {}
    for suffix, data in (("txt", seed.read_bytes()), ("xlsx", seed_xlsx(seed))):
        mapped = map_table(read_source_table(data, f"t.{suffix}"), 2025, IriMinter())
        (source,) = {s for s, p, o in mapped.triples if o == JX.SourceFile}
        media[suffix] = {str(o) for s, p, o in mapped.triples if s == source and "mediaType" in p}
    assert media == {
        "txt": {"https://www.iana.org/assignments/media-types/text/plain"},
        "xlsx": {
            "https://www.iana.org/assignments/media-types/"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    }


def test_the_xlsx_fixture_has_merges_text_amounts_and_two_sheets() -> None:
    sheets = read_workbook(seed_xlsx(SEEDS[2023]), "t.xlsx")
    assert [s.name for s in sheets] == ["表1", "表2"]
    assert sum(len(s.merged) for s in sheets) >= 1 + 6 + 6  # title, a two-row project each
    texts = [v for s in sheets for row in s.rows for v in row[1:5] if isinstance(v, str)]
    assert any("," in v for v in texts)  # amounts as text with separators
    numbers = [v for s in sheets for row in s.rows for v in row[1:5] if isinstance(v, float)]
    assert numbers
    for sheet in sheets:  # each sheet has its header
        assert any(row[0] == "项目名称（资金使用单位）" for row in sheet.rows)


@needs_font
def test_the_pdf_fixture_repeats_its_header_and_splits_rows_across_pages() -> None:
    with pdfplumber.open(io.BytesIO(seed_pdf(SEEDS[2025]))) as pdf:
        pages = [page.find_tables()[0].extract() for page in pdf.pages]
    assert len(pages) >= 3
    assert all(rows[0][0] == "项目名称（资金使用单位）" for rows in pages)
    carried = [rows[1] for rows in pages[1:] if not any(rows[1][1:5])]
    assert carried, "no row runs on from one page to the next"
    # a row's text is cut mid-indicator, not only between indicators
    assert any(row[6] and not re.match(r"\d{1,3}、", row[6]) for row in carried)


def test_a_two_row_header_and_a_department_label_in_its_own_cell() -> None:
    table = seed_table(MINI)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([table.title])
    sheet.append(["部门名称", table.department, None, None, None, None, "单位：万元"])
    sheet.append(["项目名称", "总计", "资金来源", None, None, "绩效目标", "绩效指标"])
    sheet.append([None, None, "财政拨款", "财政专户拨款", "其他资金", None, None])
    for column in "ABFG":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("C3:E3")
    for cells in table.rows:
        sheet.append([c or None for c in cells])
    out = io.BytesIO()
    book.save(out)
    _assert_isomorphic(
        _graph(MINI.read_bytes(), MINI.name, 2024), _graph(out.getvalue(), "m", 2024)
    )


def test_a_bad_cell_in_a_workbook_names_sheet_row_and_column() -> None:
    data = seed_xlsx(SEEDS[2025])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["表2"]
    sheet.cell(row=3, column=2).value = "约10万"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InputError) as caught:
        read_source_table(out.getvalue(), "b.xlsx")
    assert str(caught.value).startswith("b.xlsx: sheet 表2, row 3, column 2 (总计): not an amount")


# --- the command line --------------------------------------------------------------------------

QUERY_COUNTS = """PREFIX jx: <https://w3id.org/jixiao/ontology#>
SELECT ?year (COUNT(DISTINCT ?unit) AS ?units) (COUNT(DISTINCT ?p) AS ?projects)
       (COUNT(?i) AS ?indicators)
WHERE { ?p a jx:Project ; jx:budgetYear ?year ; jx:fundingUnit ?unit ; jx:hasIndicator ?i }
GROUP BY ?year ORDER BY ?year"""
ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "jixiao"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _count_rows(store: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["query", "--store", str(store), "--format", "csv", QUERY_COUNTS]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_cli_ingests_a_folder_of_xlsx_and_pdf_by_the_years_in_their_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "gzast-2023.xlsx").write_bytes(seed_xlsx(SEEDS[2023]))
    if CJK_FONT.is_file():
        (folder / "gzast-2025.pdf").write_bytes(seed_pdf(SEEDS[2025]))
    else:
        (folder / "gzast-2025.xls").write_bytes(seed_xls(SEEDS[2025]))
    (folder / "notes.md").write_text("not a table")
    store = tmp_path / "store"
    assert main(["ingest", str(folder), "--store", str(store)]) == 0
    assert "loaded 2 of 2 tables" in capsys.readouterr().out
    assert _count_rows(store, capsys) == [
        {"year": str(y), "units": str(u), "projects": str(p), "indicators": str(i)}
        for y, (u, p, i) in sorted(COUNTS.items())
    ]


@pytest.mark.slow
def test_cli_ingest_and_validate_read_an_xlsx_named_anything(tmp_path: Path) -> None:
    source = tmp_path / "download"  # no suffix: read by content
    source.write_bytes(seed_xlsx(SEEDS[2025]))
    done = run("ingest", str(source), "--year", "2025", "--store", str(tmp_path / "s"))
    assert done.returncode == 0, done.stderr
    assert "3 funding units, 19 projects, 145 indicators" in done.stdout
    done = run("validate", str(source), "--year", "2025")
    assert done.returncode == 0, done.stdout + done.stderr


def _xlsx_with_a_notes_sheet() -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(seed_xlsx(MINI)))
    notes = book.create_sheet("说明")
    notes["A1"] = "本表金额单位为万元。"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _damaged_xlsx() -> bytes:
    data = seed_xlsx(MINI)
    return data[: len(data) * 2 // 3]


def _encrypted_xlsx() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(seed_xlsx(MINI))).encrypt("secret", out)
    return out.getvalue()


def _truncated_pdf() -> bytes:
    data = seed_pdf(MINI)
    return data[: len(data) // 2]


BAD_FILES = [
    ("encrypted.xlsx", _encrypted_xlsx, "encrypted (password-protected)", None),
    ("damaged.xlsx", _damaged_xlsx, "XLSX workbook is corrupt or truncated", None),
    ("notes.xlsx", _xlsx_with_a_notes_sheet, "sheet 说明: not in a known table layout", None),
    (
        "encrypted.pdf",
        lambda: encrypted_pdf(MINI),
        "PDF is encrypted (password-protected)",
        CJK_FONT,
    ),
    ("truncated.pdf", _truncated_pdf, "PDF is truncated or damaged", CJK_FONT),
    ("scanned.pdf", scanned_pdf, "page 1: no text layer (a scanned image?): run OCR first", None),
]


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the mini table."""
    store = tmp_path_factory.mktemp("bad-files") / "store"
    assert main(["ingest", str(MINI), "--year", "2024", "--store", str(store)]) == 0
    return store


def _count_all(store: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["query", "--store", str(store), "--format", "json", ALL]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "make", "message", "needs"), BAD_FILES, ids=[case[0] for case in BAD_FILES]
)
def test_bad_files_exit_2_with_one_line_and_load_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    loaded_store: Path,
    name: str,
    make: Callable[[], bytes],
    message: str,
    needs: Path | None,
) -> None:
    if needs is not None and not needs.is_file():
        pytest.skip(f"{needs} is missing (make system-deps)")
    store = loaded_store
    before = _count_all(store, capsys)
    bad = tmp_path / name
    bad.write_bytes(make())
    for command in (["ingest", str(bad), "--year", "2024", "--store", str(store)],
                    ["validate", str(bad), "--year", "2024"]):  # fmt: skip
        assert main(command) == 2
        err = capsys.readouterr().err
        assert re.match(rf"jixiao: (\S*/)?{re.escape(name)}: ", err), err  # names the file
        assert message in err
        assert err.count("\n") == 1 and "Traceback" not in err
    assert _count_all(store, capsys) == before
    assert json.loads(before)["results"]["bindings"][0]["n"]["value"] != "0"


# --- across formats and years ------------------------------------------------------------------


def _series(sources: list[tuple[bytes, str, int]]) -> set[tuple[str, tuple[int, ...], str]]:
    store = EmbeddedStore(None)
    for data, name, year in sources:
        loader.ingest_bytes(data, name, year, store, IriMinter())
    return {
        (s.unit, tuple(s.years), " | ".join(sorted(p.name for p in s.members)))
        for s in link_series(fetch_projects(store))
    }


def test_a_2023_text_table_and_a_2025_workbook_link_into_the_same_series() -> None:
    text_2023 = (SEEDS[2023].read_bytes(), SEEDS[2023].name, 2023)
    in_text = _series([text_2023, (SEEDS[2025].read_bytes(), SEEDS[2025].name, 2025)])
    across = _series([text_2023, (seed_xlsx(SEEDS[2025]), "gzast-2025.xlsx", 2025)])
    assert across == in_text
    recurring = [s for s in across if s[1] == (2023, 2025)]
    assert len(recurring) >= 10
    assert any(s[2] == "工作经费 | 工作经费" for s in recurring)


# --- the README's examples ---------------------------------------------------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMATS = README.split("## Formats read", 1)[1].split("\n## ", 1)[0]


def test_the_readme_shows_what_ingest_prints_for_a_workbook() -> None:
    data = seed_xlsx(SEEDS[2025])
    result = loader.ingest_bytes(data, "gzast-2025.xlsx", 2025, EmbeddedStore(None), IriMinter())
    printed = (
        f"loaded gzast-2025.xlsx ({result.year}): {result.units} funding units, "
        f"{result.projects} projects, {result.indicators} indicators, {result.triples} "
        f"triples into <{result.document}> in "
    )
    assert printed in FORMATS


@pytest.mark.parametrize(
    ("name", "make"),
    [("scan.pdf", scanned_pdf), ("tables.xlsx", _xlsx_with_a_notes_sheet)],
)
def test_the_readme_shows_the_refusals_as_they_are(name: str, make: Callable[[], bytes]) -> None:
    with pytest.raises(InputError) as caught:
        read_source_table(make(), name)
    assert f"jixiao: {caught.value}\n" in FORMATS


def test_the_readme_names_every_suffix_a_corpus_folder_takes() -> None:
    from jixiao.service.pipeline.sources import SOURCE_SUFFIXES

    for suffix in SOURCE_SUFFIXES:
        assert f"`*{suffix}`" in README, suffix
