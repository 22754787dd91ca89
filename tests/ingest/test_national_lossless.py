"""Nothing is lost from the real tables in the national layouts: every cell comes back.

Each of the four real spreadsheets (``tests/data/real-tables/``, byte for byte as published)
is ingested; then every non-empty cell of its sheet must be either one of the layout's own
words (a heading such as 一级指标, which says nothing about the department) or a text the
graph holds — found by SPARQL from the document's graph alone, never from the source. Texts
are compared without whitespace, numbers by value (``750.0`` in the file is ``750``, the float
noise ``82800.92000000001`` is ``82800.92``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.national.cells import origin_cells
from jixiao.ingest.national.department import LABELS as DEPARTMENT_LABELS
from jixiao.ingest.national.forms import APPLICATION_LABELS, SELF_EVALUATION_LABELS
from jixiao.ingest.readers import read_workbook
from jixiao.service.pipeline.load import ingest_bytes
from jixiao.service.store.embedded import EmbeddedStore

REAL = Path(__file__).parents[1] / "data" / "real-tables"
# file → (year, the layout's own words, indicators, rows of empty categories)
TABLES = {
    "zhanjiang-rsj-2024-dept-overall.xlsx": (2024, DEPARTMENT_LABELS, 19, [25, 32]),
    "zhanjiang-rsj-2023-dept-overall.xlsx": (2023, DEPARTMENT_LABELS, 16, [27, 33, 35]),
    "wuhan-donghu-rsj-2020-project-application.xlsx": (
        2020, APPLICATION_LABELS, 13, [47, 48, 50, 51]
    ),
    "chongqing-yuzhong-jiuye-2021-project-selfeval.xlsx": (
        2021, SELF_EVALUATION_LABELS, 16, []
    ),
}  # fmt: skip
PREFIX = """PREFIX jx: <https://w3id.org/jixiao/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# Texts at a row: the literals of whatever was read from that row (an indicator, a key task,
# a table field), with its target and actual value.
AT_ROWS = (
    PREFIX
    + """
SELECT ?line ?text WHERE { GRAPH ?doc {
  ?s jx:sourceLine ?line .
  { ?s ?p ?text } UNION { ?s jx:annualTarget|jx:actualValue ?value . ?value ?p ?text }
  FILTER (isLITERAL(?text) && ?p != jx:sourceLine)
} }"""
)
# Texts of the whole table: the document's and its project's (title, goal, amounts), the
# sections of its fields, and the names of the department and the funding unit.
ANYWHERE = (
    PREFIX
    + """
SELECT ?text WHERE {
  { GRAPH ?doc { { ?doc ?p ?text } UNION { ?project jx:document ?doc ; ?p ?text }
                 UNION { ?field jx:section ?text } FILTER (isLITERAL(?text)) } }
  UNION { GRAPH ?doc { ?doc jx:department ?org } ?org rdfs:label ?text }
  UNION { GRAPH ?doc { ?project jx:fundingUnit ?org } ?org rdfs:label ?text }
}"""
)
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def canonical(text: str) -> str:
    """Whitespace gone; a number by its value."""
    bare = "".join(text.split())
    if _NUMBER.match(bare):
        try:
            value = Decimal(bare).normalize()
        except InvalidOperation:
            return bare
        return format(value, "f") if value != value.to_integral() else str(int(value))
    return bare


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    store = EmbeddedStore(None)
    for name, (year, *_) in TABLES.items():
        ingest_bytes((REAL / name).read_bytes(), name, year, store, IriMinter())
    return store


def _document(store: EmbeddedStore, name: str) -> ox.NamedNode:
    query = (
        PREFIX
        + f"""
    SELECT ?doc WHERE {{ GRAPH ?doc {{ ?doc <http://www.w3.org/ns/prov#wasDerivedFrom> ?s .
                                       ?s jx:fileName "{name}" }} }}"""
    )
    (solution,) = list(store.raw.query(query))
    return solution["doc"]


def _bound(query: str, document: ox.NamedNode) -> str:
    """``query`` with ``?doc`` bound to ``document`` (a VALUES block opening its WHERE)."""
    return query.replace("WHERE {", f"WHERE {{ VALUES ?doc {{ {document} }}", 1)


def _rebuilt(store: EmbeddedStore, document: ox.NamedNode) -> tuple[set[tuple[int, str]], set[str]]:
    """(row, text) pairs read from rows, and the texts of the whole table."""
    at_rows = {
        (int(s["line"].value), canonical(s["text"].value))
        for s in store.raw.query(_bound(AT_ROWS, document))
    }
    anywhere = {
        canonical(s["text"].value)
        for s in store.raw.query(_bound(ANYWHERE, document), use_default_graph_as_union=True)
    }
    return at_rows, anywhere


@pytest.mark.parametrize("name", TABLES)
def test_every_cell_is_rebuilt_from_the_graph(store: EmbeddedStore, name: str) -> None:
    year, labels, _, _ = TABLES[name]
    (sheet,) = read_workbook((REAL / name).read_bytes(), name)
    at_rows, anywhere = _rebuilt(store, _document(store, name))
    own_words = {canonical(label) for label in labels}
    cells = origin_cells(sheet)

    def rows_of(row: int, column: int) -> range:  # a merged cell stands for all its rows
        spans = [m for m in sheet.merged if (row, column) == (m.first_row, m.first_column)]
        return range(row, (spans[0].last_row if spans else row) + 1)

    missing = {
        (row, column): text
        for (row, column), text in cells.items()
        if canonical(text) not in own_words
        and canonical(text) not in anywhere
        and not any((r, canonical(text)) in at_rows for r in rows_of(row, column))
    }
    assert missing == {}
    # the layout's words are only words: no cell of data is taken for one
    data_cells = [t for t in cells.values() if canonical(t) not in own_words]
    assert len(data_cells) > 40
    assert str(year) in next(t for t in cells.values() if "表" in t)


@pytest.mark.parametrize("name", TABLES)
def test_indicators_come_back_at_their_rows(store: EmbeddedStore, name: str) -> None:
    _, _, count, empty_rows = TABLES[name]
    query = (
        PREFIX
        + """
    SELECT ?line ?name WHERE { GRAPH ?doc {
      ?owner jx:hasIndicator ?i . ?i jx:sourceLine ?line ; jx:indicatorName ?name } }"""
    )
    document = _document(store, name)
    found = {
        int(s["line"].value): s["name"].value for s in store.raw.query(_bound(query, document))
    }
    (sheet,) = read_workbook((REAL / name).read_bytes(), name)
    column = {"dept": 4, "appl": 5, "self": 2}[
        "dept" if "dept" in name else "appl" if "application" in name else "self"
    ]
    assert len(found) == count
    for line, indicator in found.items():
        assert canonical(str(sheet.cell(line, column))) == canonical(indicator)
    # an empty category row is no indicator: it is kept as a table field at its row
    fields = (
        PREFIX
        + """
    SELECT ?line WHERE { GRAPH ?doc {
      ?f a jx:TableField ; jx:sourceLine ?line ; jx:section ?section
      FILTER (CONTAINS(?section, "绩效指标")) } }"""
    )
    rows = sorted(int(s["line"].value) for s in store.raw.query(_bound(fields, document)))
    assert rows == empty_rows
    assert not set(rows) & set(found)
