"""``POST /validate`` takes a workbook as it takes a text table: read by content, on the real
app (validation in its worker process); an unreadable one is the one JSON error, 400."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from conftest import app_client
from seed_formats import seed_xlsx

from jixiao.service.settings import Settings
from jixiao.service.validation import shutdown_worker

pytestmark = pytest.mark.anyio
SEED_2025 = (
    Path(__file__).resolve().parents[1] / "ingest/seeds/gzast-2025-project-performance-targets.txt"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module", autouse=True)
def _stop_worker() -> Iterator[None]:
    yield
    shutdown_worker()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(Settings(store=":memory:", max_body_bytes=400_000)) as client:
        yield client


async def test_a_workbook_by_form_is_validated(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/validate",
        files={"file": ("gzast-2025.xlsx", seed_xlsx(SEED_2025), XLSX)},
        data={"year": "2025"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["x-jixiao-conforms"] == "true"


async def test_a_damaged_workbook_is_a_400_naming_it(client: httpx.AsyncClient) -> None:
    data = seed_xlsx(SEED_2025)
    response = await client.post(
        "/validate",
        files={"file": ("damaged.xlsx", data[: len(data) // 2], XLSX)},
        data={"year": "2025"},
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "message"}
    assert body["message"].startswith("damaged.xlsx: the XLSX workbook is corrupt or truncated")
