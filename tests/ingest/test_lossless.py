"""Nothing is lost: every row of both seed tables is rebuilt from the graph alone.

The rows are rebuilt by SPARQL from the store (names, amounts, goal text, each indicator's
number, category, name and values) and compared with the source rows after artefact
cleaning. Only the kind of separator between fields may differ (``，`` vs ``。`` before
年度指标值); every other character must come back, in order.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.text import clean_amount, clean_text
from jixiao.service.pipeline.load import SEEDS, ingest_bytes
from jixiao.service.store.embedded import EmbeddedStore

SEED_DIR = Path(__file__).resolve().parents[2] / "ingest" / "seeds"
PREFIX = """PREFIX jx: <https://w3id.org/jixiao/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_SEPARATORS = re.compile(r"[\s，。；：,;:]+")


def canonical(text: str) -> str:
    """Text with every run of field separators folded to one mark, and no whitespace."""
    return _SEPARATORS.sub("|", text).strip("|")


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    store = EmbeddedStore(None)
    for name, year in SEEDS:
        ingest_bytes((SEED_DIR / name).read_bytes(), name, year, store, IriMinter())
    return store


def _value(term: ox.Literal | ox.NamedNode | None) -> str | None:
    return None if term is None else term.value


def _rows(store: EmbeddedStore, year: int) -> dict[int, list]:
    """Source line → rebuilt cells (name, 4 amounts, goal, indicator text)."""
    rows: dict[int, list] = {}
    total = f"""{PREFIX}
    SELECT ?year ?line ?name ?t ?f ?s ?o ?goal WHERE {{
      {{ ?r a jx:BudgetDocument ; jx:budgetYear ?year ; jx:sourceLine ?line .
         BIND("合计" AS ?name) }}
      UNION {{ ?r a jx:UnitBudget ; jx:budgetYear ?year ; jx:sourceLine ?line ; jx:fundingUnit ?u .
               ?u rdfs:label ?name }}
      UNION {{ ?r a jx:Project ; jx:budgetYear ?year ; jx:sourceLine ?line ; rdfs:label ?name .
               OPTIONAL {{ ?r jx:goal ?goal }} }}
      ?r jx:amountTotal ?t ; jx:amountFiscal ?f ; jx:amountSpecialAccount ?s ; jx:amountOther ?o .
    }}"""
    for sol in _select(store, total, year):
        line = int(sol["line"].value)
        rows[line] = [
            sol["name"].value,
            *(Decimal(sol[k].value) for k in ("t", "f", "s", "o")),
            _value(sol["goal"]) or "",
            "",
        ]
    indicators = f"""{PREFIX}
    SELECT ?year ?line ?pos ?num ?l1code ?l1 ?l2code ?l2 ?name ?annual ?period WHERE {{
      ?p a jx:Project ; jx:budgetYear ?year ; jx:sourceLine ?line ; jx:hasIndicator ?i .
      ?i jx:position ?pos ; jx:writtenNumber ?num ; jx:indicatorName ?name ;
         jx:level1 ?c1 ; jx:level1Text ?l1 ; jx:annualTarget/jx:rawValue ?annual .
      ?c1 skos:notation ?l1code .
      OPTIONAL {{ ?i jx:level2 ?c2 ; jx:level2Text ?l2 . ?c2 skos:notation ?l2code }}
      OPTIONAL {{ ?i jx:periodTarget/jx:rawValue ?period }}
    }} ORDER BY ?line ?pos"""
    for sol in _select(store, indicators, year):
        line = int(sol["line"].value)
        number, name, annual = sol["num"].value, sol["name"].value, sol["annual"].value
        if sol["l2"] is None:  # the labelled layout (2023)
            text = f"{number}、{sol['l1'].value}：{name}，年度指标值：{annual}。"
        else:  # the coded layout (2025)
            text = (
                f"{number}、{sol['l1code'].value}-{sol['l1'].value}；"
                f"{sol['l2code'].value}-{sol['l2'].value}；{name}；"
                f"实施周期指标值：{_value(sol['period'])}；年度指标值：{annual}。"
            )
        rows[line][6] += text
    return rows


def _select(store: EmbeddedStore, query: str, year: int) -> list[ox.QuerySolution]:
    raw = store.raw.query(
        query,
        use_default_graph_as_union=True,
        substitutions={ox.Variable("year"): ox.Literal(str(year), datatype=XSD_INTEGER)},
    )
    return list(raw)


def _source_rows(path: Path) -> dict[int, list]:
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("项目名称"))
    rows = {}
    for number, line in enumerate(lines[header + 1 :], start=header + 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        amounts = [clean_amount(c) or Decimal(0) for c in cells[1:5]]
        rows[number] = [
            clean_text(cells[0]),
            *amounts,
            clean_text(cells[5]),
            clean_text(cells[6]),
        ]
    return rows


@pytest.mark.parametrize(("name", "year"), SEEDS)
def test_every_row_is_rebuilt_from_the_graph(store: EmbeddedStore, name: str, year: int) -> None:
    source = _source_rows(SEED_DIR / name)
    rebuilt = _rows(store, year)
    assert sorted(rebuilt) == sorted(source), "the same rows, at the same lines"
    for line, cells in source.items():
        again = rebuilt[line]
        assert again[:6] == cells[:6], f"line {line}"
        assert canonical(again[6]) == canonical(cells[6]), f"line {line} indicators"
    assert len(source) == {2023: 1 + 4 + 45, 2025: 1 + 3 + 19}[year]


def test_document_header_is_kept(store: EmbeddedStore) -> None:
    query = f"""{PREFIX}
    SELECT ?year ?title ?dept ?unit ?file ?sha WHERE {{
      ?d a jx:BudgetDocument ; jx:budgetYear ?year ; dcterms:title ?title ;
         jx:department/rdfs:label ?dept ; jx:amountUnitText ?unit ;
         <http://www.w3.org/ns/prov#wasDerivedFrom> ?src .
      ?src jx:fileName ?file ; jx:sha256 ?sha }}"""
    for name, year in SEEDS:
        (sol,) = _select(store, query, year)
        assert sol["title"].value == "项目支出绩效目标表（含转移支付项目）"
        assert sol["dept"].value == "广州市科学技术协会"
        assert sol["unit"].value == "万元"
        assert sol["file"].value == name
        assert sol["sha"].value == hashlib.sha256((SEED_DIR / name).read_bytes()).hexdigest()
