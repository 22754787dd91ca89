"""The HTML page of a project series: its projects by year, a chart of amounts, target changes.

``GET /series/{unit}/{key}`` serves the series ``{base}series/{unit}/{key}``. The data come
from the canned queries (``series-projects``, ``target-changes`` between each pair of
consecutive years); the chart is a small inline SVG drawn here, with no JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from jixiao.ingest.errors import UsageError
from jixiao.service.answers.canned import Value
from jixiao.service.answers.series import SeriesFacts, SeriesTask
from jixiao.service.http import templating as pages
from jixiao.service.http.i18n import N_
from jixiao.service.http.state import paging_of, queries_of, settings_of, store_of
from jixiao.service.query.runner import WorkerPool
from jixiao.service.store.cache import StoreCache

__all__ = ["router"]

router = APIRouter(tags=["pages"])

# What each kind of target change is called on the page.
_CHANGE_WORDS = {
    "increased": N_("increased"),
    "decreased": N_("decreased"),
    "unchanged": N_("unchanged"),
    "reworded": N_("reworded"),
    "added": N_("added"),
    "removed": N_("removed"),
}

_SEGMENT = re.compile(r"[0-9a-f]{12}")
_KEY = re.compile(r"[0-9a-f]{12}(?:-\d{4}(?:-\d+)?)?")


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of the amounts chart (SVG coordinates)."""

    year: Value
    amount: float
    x: float
    y: float
    width: float
    height: float


def chart(amounts: Sequence[tuple[Value, float]], width: int = 360, height: int = 140) -> list[Bar]:
    """Bars for (year, amount) pairs, scaled to the largest amount."""
    if not amounts:
        return []
    top = max(a for _, a in amounts) or 1.0
    slot = width / len(amounts)
    bars = []
    for i, (year, amount) in enumerate(amounts):
        h = (height - 30) * max(amount, 0.0) / top
        bars.append(Bar(year, amount, i * slot + slot * 0.2, height - 20 - h, slot * 0.6, h))
    return bars


# Kept until the store's next write: made once however many ask (the pages of every
# language are written from it).
_FACTS: StoreCache[SeriesFacts | None] = StoreCache(1024, name="series")


@router.get("/series/{unit}/{key}", response_class=HTMLResponse)
async def series_page(request: Request, unit: str, key: str) -> Response:
    """A series: its projects year by year, a chart of its amounts, its target changes."""
    if not _SEGMENT.fullmatch(unit) or not _KEY.fullmatch(key):
        raise UsageError("not a series address: /series/{12 hex digits}/{key}")
    settings, store = settings_of(request), store_of(request)
    runner, paging = queries_of(request), paging_of(request)
    iri = f"{settings.base_iri}series/{unit}/{key}"
    task = SeriesTask(iri)

    async def produce() -> SeriesFacts | None:
        # As the linked-data pages: in a query worker while one holds a replica of the
        # on-disk store, else in one of the pages' threads here.
        if isinstance(runner, WorkerPool) and runner.replica_states()["ready"]:
            found = await runner.run_task(task, settings.query_timeout)
            assert found is None or isinstance(found, SeriesFacts)
            return found
        return await to_thread.run_sync(task.over, store, limiter=paging)

    facts = await _FACTS.ashared(store, iri, produce)
    if facts is None:
        return pages.error_response(request, 404, "NotFound", f"no such series: {iri}")
    projects = facts.projects
    return pages.render(
        request,
        "series.html",
        title=str(projects[0]["seriesLabel"]),
        iri=iri,
        unit_name=projects[0]["unitName"],
        projects=projects,
        bars=chart(facts.totals),
        changes=facts.changes,
        change_words=_CHANGE_WORDS,
    )
