"""``POST /validate`` and ``GET /shapes`` on the real app (validation in its worker process);
a table is read by content, so a workbook uploads as a text table does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from rdflib.namespace import SH
from support.app import app_client
from support.seed_formats import seed_xlsx

from jixiao.service.pipeline.load import seed_files
from jixiao.service.settings import Settings
from jixiao.shapes.validate import JXSH, parse_rdf

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("stop_validation_worker")]
SEED_2025 = next(data for data, _, year in seed_files() if year == 2025)
BROKEN_2025 = SEED_2025.replace("\n工作经费\t13.25\t".encode(), "\n工作经费\t13.26\t".encode())
MAX_BODY = 400_000
SEED_2025_PATH = (
    Path(__file__).resolve().parents[2] / "ingest/seeds/gzast-2025-project-performance-targets.txt"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(store=":memory:", max_body_bytes=MAX_BODY)
    async with app_client(settings) as client:
        yield client


async def test_a_table_as_text_gets_a_json_ld_report(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/validate?year=2025", content=SEED_2025, headers={"content-type": "text/plain"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.headers["x-jixiao-conforms"] == "true"
    graph = parse_rdf(response.content, "json-ld")
    assert len(list(graph.subjects(None, SH.ValidationReport))) == 1


async def test_a_broken_table_by_form_gets_turtle_naming_the_project(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/validate",
        files={"file": ("broken.txt", BROKEN_2025, "text/plain")},
        data={"year": "2025"},
        headers={"accept": "text/turtle"},
    )
    assert response.status_code == 200
    assert response.headers["x-jixiao-conforms"] == "false"
    graph = parse_rdf(response.content, "turtle")
    shapes = {
        graph.value(r, SH.sourceShape) for r in graph.subjects(SH.resultSeverity, SH.Violation)
    }
    assert shapes == {JXSH.RowSumShape, JXSH.UnitBudgetSumShape}
    assert "project “工作经费” (line 13, row 2)" in response.text


async def test_a_browser_gets_a_page(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/validate",
        files={"file": ("broken.txt", BROKEN_2025, "text/plain")},
        data={"year": "2025"},
        headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "broken.txt (2025): does not conform: 2 violations" in response.text
    assert "project “工作经费” (line 13, row 2)" in response.text
    form = await client.get("/validate")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text


async def test_an_rdf_graph_is_validated(client: httpx.AsyncClient) -> None:
    body = (
        b"<https://example.org/d> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        b"<https://w3id.org/jixiao/ontology#Department> .\n"
        b'<https://example.org/d> <http://www.w3.org/2000/01/rdf-schema#label> "d"@zh .\n'
    )
    response = await client.post(
        "/validate", content=body, headers={"content-type": "application/n-triples"}
    )
    assert response.status_code == 200
    assert response.headers["x-jixiao-conforms"] == "false"
    graph = parse_rdf(response.content, "json-ld")
    assert set(graph.objects(None, SH.sourceShape)) == {JXSH.InstanceIriShape}


@pytest.mark.parametrize(
    ("content_type", "body", "path", "status", "error"),
    [
        ("text/turtle", b"<a> <b> .", "/validate", 400, "UnreadableUpload"),
        ("application/ld+json", b"{not json", "/validate", 400, "UnreadableUpload"),
        ("text/plain", b"\xff\xfe not a table", "/validate?year=2025", 400, "UnreadableUpload"),
        ("text/plain", SEED_2025, "/validate", 400, "UsageError"),
        ("text/plain", SEED_2025, "/validate?year=1800", 400, "UsageError"),
        ("image/png", b"x", "/validate", 415, "UnsupportedMediaType"),
        ("text/turtle", b"#" * (MAX_BODY + 1), "/validate", 413, "BodyTooLarge"),
    ],
)
async def test_bad_uploads_get_one_json_error(
    client: httpx.AsyncClient, content_type: str, body: bytes, path: str, status: int, error: str
) -> None:
    response = await client.post(path, content=body, headers={"content-type": content_type})
    assert response.status_code == status
    assert set(response.json()) == {"error", "message"}
    assert response.json()["error"] == error
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        (None, "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
    ],
)
async def test_the_shapes_are_served(
    client: httpx.AsyncClient, accept: str | None, media: str, fmt: str
) -> None:
    headers = {"accept": accept} if accept else {}
    response = await client.get("/shapes", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    graph = parse_rdf(response.content, fmt)
    assert (JXSH.RowSumShape, None, None) in graph
    pattern = graph.value(JXSH.InstanceIriShape, SH.pattern)
    assert str(pattern) == "^https://w3id\\.org/jixiao/id/"


async def test_a_workbook_by_form_is_validated(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/validate",
        files={"file": ("gzast-2025.xlsx", seed_xlsx(SEED_2025_PATH), XLSX)},
        data={"year": "2025"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["x-jixiao-conforms"] == "true"


async def test_a_damaged_workbook_is_a_400_naming_it(client: httpx.AsyncClient) -> None:
    data = seed_xlsx(SEED_2025_PATH)
    response = await client.post(
        "/validate",
        files={"file": ("damaged.xlsx", data[: len(data) // 2], XLSX)},
        data={"year": "2025"},
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "message"}
    assert body["message"].startswith("damaged.xlsx: the XLSX workbook is corrupt or truncated")
