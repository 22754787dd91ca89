"""``/api/…`` on the real app: the same answers as the canned SPARQL posted to ``/sparql``."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from support.app import app_client

from jixiao.service.answers.canned import Value, load_queries, rows_from_tsv, term_value
from jixiao.service.query.evaluation import QueryJob, evaluate
from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

YEARS = {"yearA": "2023", "yearB": "2025"}
# (endpoint, canned query, parameters): every /api question with its query
CASES = [
    ("/api/recurring", "recurring-series", {}),
    ("/api/recurring", "recurring-series", {"unit": "广州市科学技术发展中心"}),
    ("/api/amount-changes", "amount-changes", YEARS),
    ("/api/new-and-discontinued", "new-and-discontinued", YEARS),
    ("/api/target-changes", "target-changes", YEARS),
    ("/api/target-changes", "target-changes", {**YEARS, "unit": "广州市科学技术协会"}),
]


@pytest.fixture
def settings(seeded_store: Path, tmp_path: Path) -> Settings:
    """A copy of the seeded store per test (an open store holds its directory's lock)."""
    copy = tmp_path / "store"
    shutil.copytree(seeded_store, copy)
    return Settings(store=str(copy))


def _json_term(binding: dict[str, str]) -> object:
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    datatype = binding.get("datatype")
    return ox.Literal(binding["value"], datatype=ox.NamedNode(datatype) if datatype else None)


def _sparql_rows(body: dict[str, object]) -> list[dict[str, Value]]:
    names = body["head"]["vars"]  # type: ignore[index]
    return [
        {n: term_value(_json_term(b[n])) if n in b else None for n in names}
        for b in body["results"]["bindings"]  # type: ignore[index]
    ]


@pytest.mark.parametrize(("path", "name", "params"), CASES)
async def test_api_equals_sparql(
    settings: Settings, path: str, name: str, params: dict[str, str]
) -> None:
    query = load_queries()[name]
    values = {
        "yearA": params.get("yearA"),
        "yearB": params.get("yearB"),
        "unitName": params.get("unit"),
    }
    text = query.render(query.bind({k: v for k, v in values.items() if k in _names(name)}))
    async with app_client(settings) as client:
        api = await client.get(path, params=params)
        sparql = await client.post(
            "/sparql",
            content=text.encode("utf-8"),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
        )
    assert api.status_code == 200, api.text
    assert sparql.status_code == 200, sparql.text
    rows = api.json()["rows"]
    assert rows, "the seeds answer every question"
    assert rows == _sparql_rows(sparql.json())


def _names(name: str) -> set[str]:
    return {p.name for p in load_queries()[name].parameters}


def test_render_puts_the_values_at_each_marked_place_or_else_after_where() -> None:
    queries = load_queries()
    marked = queries["target-changes"]
    text = marked.render(marked.bind({"yearA": 2023, "yearB": 2025}))
    assert "(parameters)" in marked.text and "(parameters)" not in text
    assert text.count("VALUES (?yearA ?yearB)") == marked.text.count("# (parameters)") == 3
    plain = queries["recurring-series"]
    text = plain.render(plain.bind({"unitName": "广州市科学技术协会"}))
    assert text.count("VALUES") == 1
    assert text.split("WHERE {", 1)[1].lstrip().startswith('VALUES (?unitName) { ("广州')
    wanted = ((marked, {"yearA": 2023, "yearB": 2025, "unitName": "x"}), (plain, {"unitName": "x"}))
    for query, values in wanted:  # both texts parse
        ox.Store().query(query.render(query.bind(values)))


def test_render_puts_a_filter_at_a_filter_place() -> None:
    """target-met's parameters are a FILTER after the patterns it starts from, not a VALUES
    block (from which Oxigraph would start), and the filtered answer is the VALUES one."""
    query = load_queries()["target-met"]
    bound = query.bind({"year": 2021, "unitName": "x"})
    text = query.render(bound)
    assert "VALUES (" not in text and "(parameters as filter)" not in text
    assert 'FILTER (sameTerm(?year, "2021"^^<http://www.w3.org/2001/XMLSchema#integer>)' in text
    assert 'sameTerm(?unitName, "x"@zh))' in text
    assert query.render({}) == query.text
    ox.Store().query(text)  # it parses


def test_rows_from_tsv_give_the_values_of_the_terms() -> None:
    """The rows of the TSV a query worker writes — Oxigraph's own, or the runner's for an
    answer cut at the row cap — read without making terms, are the values
    :func:`term_value` gives the terms: numbers of each datatype, IRIs, blank nodes, plain,
    typed and language-tagged literals with tabs, newlines, quotes and escapes, unbound."""
    store = ox.Store()
    store.add(ox.Quad(ox.BlankNode("b"), ox.NamedNode("https://e.org/p"), ox.Literal("o")))
    terms = (
        '<https://example.org/a> "文字" "x"@zh "2023"^^xsd:integer "-7"^^xsd:int '
        '"12"^^xsd:long "12.50"^^xsd:decimal "3.0"^^xsd:decimal "1.5E3"^^xsd:double '
        '"0.25"^^xsd:float "true"^^xsd:boolean "2024-01-01"^^xsd:date "v"^^<https://e.org/t> '
        r'"tab\there" "two\nlines\r" "say \"hi\"\\" "引号\"@zh"@zh "\u0001\U0001F600" '
        '"" "-0.5"^^xsd:decimal "1e-3"^^xsd:double'
    )
    query = (
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
        f"SELECT ?v ?unbound {{ {{ VALUES ?v {{ {terms} }} }} UNION {{ ?v <https://e.org/p> ?o }} "
        "OPTIONAL { ?v <https://e.org/none> ?unbound } }"
    )
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    expected = [{"v": term_value(s["v"]), "unbound": None} for s in result]
    assert len(expected) == 22

    def run() -> ox.QuerySolutions:
        return store.query(query)  # type: ignore[return-value]

    native = evaluate(run, QueryJob(query, formats={"solutions": "tsv"}), deadline=1e12)
    cut = evaluate(run, QueryJob(query, max_rows=21, formats={"solutions": "tsv"}), deadline=1e12)
    assert not native.truncated and cut.truncated
    rows = rows_from_tsv(native.payload)
    assert rows.columns == ["v", "unbound"]
    assert rows.rows == expected
    assert rows_from_tsv(cut.payload).rows == expected[:21]
    numbers = [(r["v"], type(r["v"])) for r in rows.rows if not isinstance(r["v"], str)]
    integers = [(2023, int), (-7, int), (12, int), (3, int), (1500, int)]
    fractions = [(12.5, float), (0.25, float), (-0.5, float), (0.001, float)]
    assert sorted(numbers, key=str) == sorted([*integers, *fractions], key=str)
    assert {"b", "tab\there", "two\nlines\r", 'say "hi"\\', '引号"@zh', "\x01\U0001f600", ""} < {
        r["v"] for r in rows.rows
    }


def test_api_cases_ran() -> None:
    assert len(CASES) == 6


async def test_csv_and_errors(settings: Settings) -> None:
    async with app_client(settings) as client:
        as_csv = await client.get("/api/amount-changes", params={**YEARS, "format": "csv"})
        backwards = await client.get("/api/amount-changes", params={"yearA": 2025, "yearB": 2023})
        not_a_year = await client.get("/api/target-changes", params={"yearA": "x", "yearB": 2025})
        missing = await client.get("/api/new-and-discontinued", params={"yearA": 2023})
    assert as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(table) == 15
    assert {r["unitName"] for r in table} == {
        "广州市科学技术协会",
        "广州市科学技术发展中心",
        "广州市科学技术协会创新与交流中心",
    }
    for response in (backwards, not_a_year):
        assert response.status_code == 400
        assert set(response.json()) == {"error", "message"}
    assert missing.status_code in (400, 422)


async def test_a_large_answer_goes_out_gzipped_to_who_takes_it(settings: Settings) -> None:
    async with app_client(settings) as client:
        plain = await client.get(
            "/api/target-changes", params=YEARS, headers={"accept-encoding": "identity"}
        )
        packed = await client.get(
            "/api/target-changes", params=YEARS, headers={"accept-encoding": "gzip"}
        )
        tiny = await client.get(
            "/api/recurring", params={"unit": "none such"}, headers={"accept-encoding": "gzip"}
        )
    assert len(plain.content) > 4096
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content) // 4
    assert packed.json() == plain.json()
    assert "content-encoding" not in tiny.headers and tiny.json()["rows"] == []
    for response in (plain, packed, tiny):
        assert response.headers["vary"] == "Accept-Encoding"


async def test_openapi_documents_the_questions(settings: Settings) -> None:
    async with app_client(settings) as client:
        schema = (await client.get("/openapi.json")).json()
        listing = (await client.get("/api/queries")).json()
    paths = schema["paths"]
    for path in ("/api/amount-changes", "/api/new-and-discontinued", "/api/target-changes"):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"yearA", "yearB", "unit", "format"} <= names
    assert "TargetChangeRow" in schema["components"]["schemas"]
    cross_year = {q["name"]: q for q in listing if q["parameters"]}
    assert {"amount-changes", "new-and-discontinued", "target-changes"} <= set(cross_year)
    assert cross_year["target-changes"]["title"] == "Target changes between two years"


async def test_series_page(settings: Settings) -> None:
    async with app_client(settings) as client:
        rows = (await client.get("/api/amount-changes", params=YEARS)).json()["rows"]
        museum = next(r for r in rows if r["seriesLabel"] == "广州科学馆")
        rest = museum["series"].split("/id/", 1)[1]
        page = await client.get(f"/{rest}", headers={"Accept": "text/html"})
        missing = await client.get("/series/000000000000/000000000000")
        bad = await client.get("/series/xyz/abc")
    assert page.status_code == 200
    assert page.text.count("<rect") == 2  # one bar per year
    assert page.text.count("广州科学馆") >= 4
    assert "工程进度" in page.text  # a target change
    assert missing.status_code == 404
    assert bad.status_code == 400
