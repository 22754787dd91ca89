"""The query page: served in process, then driven in headless Chromium against ``jixiao serve``.

The browser tests use Debian's ``/usr/bin/chromium`` through Playwright (which must not
download a browser of its own), with every request routed: one to any host but the server's
fails the test (and is not sent). They check what a person does in a zh-CN browser: a Chinese
workbench, completion of ``jx:`` terms from this service, an example run, the table paged and
sorted, a chart, the share link, the history, CSV/JSON downloads, an IRI opening its page, and
the switch to English remembered on reload.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from support.app import seeded_app_client
from support.chromium import CHROMIUM, CHROMIUM_ARGS, Offline

from jixiao.service.http.routes.query_page import complete_prefixes, examples

QUERIES = Path(__file__).resolve().parents[2] / "service" / "queries"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with seeded_app_client() as c:
        yield c


# ── in process ────────────────────────────────────────────────────────────────────────────


def test_every_query_file_is_an_example_with_a_title() -> None:
    files = sorted(QUERIES.glob("*.rq"))
    found = examples()
    assert len(files) >= 4
    assert [e.name for e in found] == [f.name for f in files]
    for example in found:
        assert example.title and not example.title.endswith(".rq"), example.name
        assert example.description, example.name
        assert re.search("[\u4e00-\u9fff]", example.title_zh), example.name
        assert re.search("[\u4e00-\u9fff]", example.description_zh), example.name


def test_complete_prefixes_adds_only_what_is_used_and_missing() -> None:
    query = (
        "# title: t\nPREFIX jx: <https://w3id.org/jixiao/ontology#>\n"
        "SELECT * { ?s rdfs:label ?o ; jx:x <http://a/skos:no> . FILTER(?o != 'org:no') }"
    )
    done = complete_prefixes(query)
    assert done.startswith("# title: t\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
    assert done.count("PREFIX") == 2
    assert complete_prefixes(done) == done


@pytest.mark.anyio
async def test_query_page_lists_the_examples_and_prefixes(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    text = response.text
    data = json.loads(re.search(r'id="workbench-data">(.*?)</script>', text, re.S).group(1))  # type: ignore[union-attr]
    for name in ("jx", "jxc", "rdfs", "skos", "org", "prov", "dcterms", "xsd"):
        assert re.search(rf"PREFIX {name}:\s+<http", data["startQuery"]), name
    assert [e["name"] for e in data["examples"]] == [e.name for e in examples()]
    for example in examples():
        assert f'data-name="{example.name}"' in text
    # assets are local, nothing from elsewhere
    sources = re.findall(r'(?:src|href)="([^"#]+)"', text)
    sources = [s for s in sources if not s.startswith("?lang=")]
    assert sources and all(s.startswith("/") for s in sources), sources
    scripts = re.findall(r'<script src="([^"]+)"', text)
    assert scripts == [
        "/static/vendor/yasgui.min.js",
        "/static/vendor/chart.umd.min.js",
        "/static/workbench.js",
    ]
    for asset in [*scripts, "/static/style.css", "/static/vendor/yasgui.min.css"]:
        assert (await client.get(asset)).status_code == 200, asset


@pytest.mark.anyio
@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
async def test_every_example_runs(client: httpx.AsyncClient, example: Any) -> None:
    response = await client.post(
        "/sparql",
        data={"query": example.query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    assert "results" in response.json() or "boolean" in response.json()


# ── in Chromium ───────────────────────────────────────────────────────────────────────────


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _editor(page: Any) -> str:
    return str(page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()"))


def _type_in_editor(page: Any, text: str) -> None:
    page.evaluate(
        """text => { const cm = document.querySelector('.CodeMirror').CodeMirror;
        cm.setValue(text); cm.setCursor({line: cm.lastLine(), ch: 1e6}); cm.focus(); }""",
        text,
    )


def _column(page: Any, index: int) -> list[str]:
    cells = page.locator(f".yasr table.dataTable tbody tr td:nth-child({index + 1})")
    return [c.strip() for c in cells.all_inner_texts()]


def _totals_by_year(server: str) -> dict[str, float]:
    query = (
        "PREFIX jx: <https://w3id.org/jixiao/ontology#> SELECT ?year (SUM(?t) AS ?total) "
        "{ ?p a jx:Project ; jx:budgetYear ?year ; jx:amountTotal ?t } GROUP BY ?year"
    )
    answer = httpx.post(
        server + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    return {b["year"]["value"]: float(b["total"]["value"]) for b in answer["results"]["bindings"]}


@pytest.mark.slow
def test_workbench_in_a_chinese_browser(browser: Any, jixiao_server: Any, tmp_path: Path) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    server = jixiao_server.url
    offline = Offline(browser, server)
    page = offline.page()
    page.goto(server + "/", wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "SPARQL 查询"
    assert page.locator(".yasgui .tabsList").inner_text().strip().startswith("查询")
    assert "PREFIX jx:" in _editor(page)
    assert page.locator(".yasqe_queryButton").get_attribute("title") == "运行查询"  # YASGUI's own

    # completion from this service: jx: classes with their Chinese labels (and counts, VoID)
    _type_in_editor(page, "PREFIX jx: <https://w3id.org/jixiao/ontology#>\nSELECT * { ?s a jx:Proj")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hint")
    hints.first.wait_for()
    offered = hints.all_inner_texts()
    assert any(h.startswith("jx:Project") and "项目" in h for h in offered), offered
    assert all(h.startswith("jx:Proj") for h in offered), offered
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('.CodeMirror').CodeMirror.getValue().endsWith('?s a jx:Project')"
    )
    _type_in_editor(page, "PREFIX jx: <https://w3id.org/jixiao/ontology#>\nSELECT * { ?s jx:budget")
    page.keyboard.press("Control+Space")
    hints.first.wait_for()
    assert any(h.startswith("jx:budgetYear") for h in hints.all_inner_texts())
    page.keyboard.press("Escape")
    _type_in_editor(page, "SELECT * WHERE { ?s a ")  # a known prefix, used: it is declared
    page.keyboard.type("jx:")
    page.wait_for_function(
        "document.querySelector('.CodeMirror').CodeMirror.getValue()"
        ".startsWith('PREFIX jx: <https://w3id.org/jixiao/ontology#>')"
    )
    page.keyboard.press("Escape")

    # an example, run: 64 rows in pages of 50, sortable, IRIs to this service's pages
    page.click('button.example[data-name="04-project-amounts.rq"]')
    assert "# title: Project amounts" in _editor(page)
    page.keyboard.press("Control+Enter")
    page.locator(".yasr table.dataTable tbody tr").first.wait_for()
    page.wait_for_function("document.querySelector('#status').textContent.includes('64')")
    assert page.locator("#status").inner_text() == "64 行"
    rows = page.locator(".yasr table.dataTable tbody tr")
    expect(rows).to_have_count(50)
    expect(page.locator(".yasr .dt-info")).to_have_text("第 1 至 50 行，共 64 行")
    years = _column(page, 0)
    assert years[0] == "2025"
    page.locator(".yasr .dt-paging button.next").click()
    expect(rows).to_have_count(14)
    expect(page.locator(".yasr .dt-info")).to_have_text("第 51 至 64 行，共 64 行")
    page.locator(".yasr .dt-paging button.previous").click()
    page.locator(".yasr table.dataTable thead th", has_text="year").first.click()
    expect(rows.first.locator("td").first).to_have_text("2023")
    ascending = _column(page, 0)
    assert ascending[0] == "2023" and ascending == sorted(ascending)
    link = page.locator('.yasr table.dataTable tbody a[href^="/id/doc/"]').first
    assert link.get_attribute("target") is None
    page.screenshot(path=str(tmp_path / "query-page.png"))

    # the chart: amounts by year, summed from one row per project
    page.locator(".yasr .select_chart").click()
    page.locator("#result-chart").wait_for()
    chart = page.evaluate(
        """() => { const c = Chart.getChart('result-chart');
        return {labels: c.data.labels, data: c.data.datasets[0].data}; }"""
    )
    expected = _totals_by_year(server)
    assert chart["labels"] == sorted(expected)
    for label, value in zip(chart["labels"], chart["data"], strict=True):
        assert value == pytest.approx(expected[label])
    assert page.locator(".yasr .chart-controls select").count() == 2
    page.screenshot(path=str(tmp_path / "chart.png"))

    # downloads from the endpoint
    with page.expect_download() as csv_download:
        page.click("#download-csv")
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("year,project,name")
    assert len(csv_text.strip().splitlines()) == 1 + 64
    with page.expect_download() as json_download:
        page.click("#download-json")
    assert '"bindings"' in Path(json_download.value.path()).read_text(encoding="utf-8")

    # the history keeps what ran; the share link opens the query in a fresh browser
    history = page.locator("#history li button")
    assert history.count() >= 1 and history.first.inner_text() == "Project amounts"
    assert (
        page.locator('button.example[data-name="04-project-amounts.rq"]').inner_text() == "项目金额"
    )
    page.click("#share")
    shared = page.locator("#share-url").input_value()
    assert shared.startswith(server + "/") and "query=" in shared
    elsewhere = Offline(browser, server)
    other = elsewhere.page()
    other.goto(shared, wait_until="networkidle")
    assert "# title: Project amounts" in _editor(other)
    other.wait_for_function("document.querySelector('#status').textContent === '64 行'")
    other.locator("#result-chart").wait_for()  # it ran, and shows the view it was shared in
    elsewhere.context.close()

    # an IRI in the table opens its page, in Chinese
    page.locator(".yasr .select_table").click()
    link = page.locator('.yasr table.dataTable tbody a[href^="/id/doc/"]').first
    with page.expect_navigation():
        link.evaluate("a => a.click()")
    page.wait_for_load_state("networkidle")
    assert urlparse(page.url).path.startswith("/id/doc/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("#indicators tbody tr").count() > 0
    assert "年度指标值" in page.locator("#indicators thead").inner_text()

    assert offline.problems == [] and elsewhere.problems == []
    assert offline.outside == [] and elsewhere.outside == []
    if shots := os.environ.get("JIXIAO_SCREENSHOTS"):  # to look at them
        for shot in tmp_path.glob("*.png"):
            shutil.copy(shot, Path(shots) / shot.name)


@pytest.mark.slow
def test_the_language_switch_is_remembered(browser: Any, jixiao_server: Any) -> None:
    server = jixiao_server.url
    offline = Offline(browser, server)
    page = offline.page()
    page.goto(server + "/ontology", wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("header nav").first.inner_text().split()[0] == "查询"
    page.click('header .languages a[data-lang="en"]')
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#classes h2").inner_text() == "Classes"
    page.goto(server + "/", wait_until="networkidle")  # no ?lang= any more: the cookie
    assert page.locator("h1").inner_text() == "SPARQL query"
    assert page.locator(".yasgui .tabsList").inner_text().strip().startswith("Query")
    page.reload(wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click('header .languages a[data-lang="zh"]')
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "SPARQL 查询"
    assert offline.problems == [] and offline.outside == []
