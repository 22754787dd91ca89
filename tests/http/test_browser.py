"""The query page: served in process, then driven in headless Chromium against ``jixiao serve``.

The browser test uses Debian's ``/usr/bin/chromium`` through Playwright (which must not
download a browser of its own). It checks what a person does: the page loads with no console
errors and nothing fetched from outside the server, an example fills the editor, running it
shows a table, an IRI in the table opens that resource's page with its indicators.
"""

from __future__ import annotations

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

from jixiao.service.http.routes.query_page import complete_prefixes, examples

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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
    for name in ("jx", "jxc", "rdfs", "skos", "org", "prov", "dcterms", "xsd"):
        assert re.search(rf"PREFIX {name}:\s+&lt;http", text), name
    for example in examples():
        assert f'data-name="{example.name}"' in text
    # assets are local, nothing from elsewhere
    sources = re.findall(r'(?:src|href)="([^"#]+)"', text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for asset in ("/static/style.css", "/static/query.js", "/static/sparql-highlight.js"):
        assert (await client.get(asset)).status_code == 200


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


@pytest.mark.slow
def test_query_page_in_chromium(browser: Any, jixiao_server: Any, tmp_path: Path) -> None:
    server = jixiao_server.url
    host = urlparse(server).netloc
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: urlparse(r.url).netloc != host and outside.append(r.url))

    page.goto(server + "/", wait_until="networkidle")
    editor = page.locator("#sparql")
    assert "PREFIX jx:" in editor.input_value()
    assert page.locator("#highlight .tok-keyword").count() > 5

    page.click('button.example[data-name="01-projects-per-year.rq"]')
    assert "# title: Projects per budget year" in editor.input_value()
    page.click("#run")
    rows = page.locator("table.results-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2
    assert page.locator("table.results-table thead th").all_inner_texts()[:2] == ["?year", "?units"]

    page.click('button.example[data-name="04-project-amounts.rq"]')
    editor.press("Control+Enter")
    page.wait_for_function("document.querySelectorAll('table.results-table tbody tr').length > 2")
    assert rows.count() == 45 + 19
    assert "64 rows" in page.locator("#status").inner_text()

    with page.expect_download() as csv_download:
        page.click("#download-csv")
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("year,project,name")
    assert len(csv_text.strip().splitlines()) == 1 + 64
    with page.expect_download() as json_download:
        page.click("#download-json")
    assert '"bindings"' in Path(json_download.value.path()).read_text(encoding="utf-8")
    page.locator("#status").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "query-page.png"))

    first = page.locator("table.results-table tbody tr").first
    name = first.locator("td").nth(2).locator("span.literal").inner_text()
    link = first.locator('td a[href^="/id/doc/"]').first
    link.click()
    page.wait_for_load_state("networkidle")
    assert urlparse(page.url).path.startswith("/id/doc/")
    assert page.locator("h1#label").inner_text() == name
    indicator_rows = page.locator("#indicators tbody tr")
    assert indicator_rows.count() > 0
    page.screenshot(path=str(tmp_path / "project-page.png"))

    assert problems == []
    assert outside == []
    if shots := os.environ.get("JIXIAO_SCREENSHOTS"):  # to look at them
        for shot in tmp_path.glob("*.png"):
            shutil.copy(shot, Path(shots) / shot.name)
