"""``/api/…``: the cross-year questions as JSON (or CSV), documented in the OpenAPI schema.

Thin routes over :mod:`.canned`: each runs one canned query with its year parameters bound
and returns its rows (``?format=csv`` for a CSV table). The query text with its parameters
(:meth:`CannedQuery.render`) runs as ``/sparql`` queries do, by the app's query runner: in
the query workers (from their in-memory replicas when ready) and within the same time limit
(HTTP 503 past it). The same rows come from posting that text to ``/sparql``; a test holds
the two to it.

An answer is computed once per store generation and kept as the body it is sent as: the
same question asked meanwhile waits for that computation on the event loop. The query runs
in the runner (its workers and bounded queue, as ``/sparql``'s); turning its rows into the
JSON or CSV body runs in threads (a small one, up to :data:`INLINE_TSV_BYTES`, on the event
loop), at most :data:`COMPUTING_AT_ONCE` at once, so a burst of
large answers leaves the shared thread pool to the pages. A large body goes out
gzip-compressed to clients that take it, compressed once and kept too.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from jixiao.ingest.errors import UsageError
from jixiao.ingest.years import check_year
from jixiao.service.answers.by_unit import UNIT_VARIABLE
from jixiao.service.answers.canned import CannedQuery, QueryRows, load_queries, rows_from_tsv
from jixiao.service.http.bodies import accepts_gzip, gzipped, respond
from jixiao.service.http.state import computing_of, queries_of, settings_of, store_of
from jixiao.service.http.unit_answers import answer_tsv
from jixiao.service.query.evaluation import Answer as QueryAnswer
from jixiao.service.query.evaluation import QueryJob
from jixiao.service.query.threads import QueryRunner
from jixiao.service.settings import Settings
from jixiao.service.store.base import Store
from jixiao.service.store.cache import StoreCache

__all__ = ["COMPUTING_AT_ONCE", "evaluate_question", "prepare_every_unit", "router"]


async def _known_parameters(request: Request) -> None:
    """A query parameter the route does not take is refused (HTTP 400) rather than dropped:
    ``?unitName=`` for ``?unit=`` would otherwise answer for every funding unit. (A
    coroutine: FastAPI runs a plain function dependency in the shared thread pool.)"""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    known = {p.alias for p in dependant.query_params} if dependant is not None else set()
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(sorted(known)) or "none"
        raise UsageError(
            f"unknown parameter(s) {', '.join(unknown)} (this question takes: {takes})"
        )


router = APIRouter(
    prefix="/api", tags=["cross-year questions"], dependencies=[Depends(_known_parameters)]
)

# Answers (JSON or CSV bodies) kept until the next write: a cross-year query costs ~10 ms
# of Oxigraph on the seed tables, seconds on a large store.
# A question for one unit is small (kilobytes): thousands are kept, plain and compressed.
# For every unit it can be megabytes (8.9 MB of JSON, 0.7 MB compressed, for target-changes
# at 1M triples): kept compressed only, and decompressed for a client that takes no gzip.
_ANSWERS: StoreCache[bytes] = StoreCache(4096, name="api")
_GZIPPED: StoreCache[tuple[bytes, str | None]] = StoreCache(4096, name="api-gzip")
_WHOLE: StoreCache[tuple[bytes, str | None]] = StoreCache(1024, name="api-every-unit")
# Different questions computed at once, per app (see the module's docstring).
COMPUTING_AT_ONCE = 4
# An answer of at most this much TSV (a funding unit's, mostly: ~50 rows, about a
# millisecond to read and write as JSON) is made into its body on the event loop: under
# issue 15's mixed load at 1M, the questions for one unit waited 3 s (p50) for one of the
# COMPUTING_AT_ONCE threads while those for every unit, kept, took 0.3 s.
INLINE_TSV_BYTES = 32 * 1024

Number = int | float | None
Text = str | None


class RecurringRow(BaseModel):
    """One recurring series in one budget year."""

    unitName: Text = Field(description="the funding unit (资金使用单位)")
    series: Text = Field(description="IRI of the jx:ProjectSeries")
    seriesLabel: Text = Field(description="the series' name (its first project's)")
    year: Number = Field(description="budget year")
    names: Text = Field(description="the projects' names that year, ' / '-separated")
    projects: Number = Field(description="how many projects the series has that year")
    amountTotal: Number = Field(description="their total amount (万元)")


class AmountChangeRow(BaseModel):
    """A series that recurs from year A to year B, with its amounts."""

    unitName: Text
    series: Text
    seriesLabel: Text
    yearA: Number
    namesA: Text
    projectsA: Number
    amountA: Number = Field(description="total amount in year A (万元)")
    yearB: Number
    namesB: Text
    projectsB: Number
    amountB: Number = Field(description="total amount in year B (万元)")
    change: Number = Field(description="amountB − amountA (万元)")
    changePercent: Number = Field(description="the change in percent of amountA")


class NewOrDiscontinuedRow(BaseModel):
    """A project new in year B, or discontinued after year A."""

    unitName: Text
    status: Literal["new", "discontinued"] | None
    yearA: Number
    yearB: Number
    year: Number = Field(description="the project's budget year")
    project: Text = Field(description="IRI of the jx:Project")
    name: Text
    amountTotal: Number
    series: Text


class TargetChangeRow(BaseModel):
    """An indicator's annual target in year A and in year B, and how it changed."""

    unitName: Text
    series: Text
    seriesLabel: Text
    change: (
        Literal["increased", "decreased", "unchanged", "reworded", "added", "removed"] | None
    ) = Field(description="how the target changed")
    yearA: Number
    yearB: Number
    projectA: Text
    projectNameA: Text
    indicatorA: Text
    indicatorNameA: Text
    rawA: Text = Field(description="the year-A target as written")
    comparatorA: Text = Field(description="≥ ≤ > < = ≈ –")
    numberA: Number
    unitA: Text
    projectB: Text
    projectNameB: Text
    indicatorB: Text
    indicatorNameB: Text
    rawB: Text
    comparatorB: Text
    numberB: Number
    unitB: Text


class TargetMetRow(BaseModel):
    """An indicator's target beside its actual value (a self-evaluation), and the verdict."""

    year: Number
    unitName: Text
    project: Text = Field(description="IRI of the jx:Project")
    projectName: Text
    indicator: Text = Field(description="IRI of the jx:Indicator")
    position: Number
    indicatorName: Text
    category: Text = Field(description="the category as written (指标类型 / 一级指标)")
    weight: Number = Field(description="the indicator's weight (指标权重), points of 100")
    target: Text = Field(description="the target as written (指标值)")
    comparator: Text = Field(description="≥ ≤ > < = ≈ –")
    targetNumber: Number = Field(description="the target's number as compared")
    unit: Text
    actual: Text = Field(description="the actual value as written (全年完成值)")
    actualNumber: Number = Field(description="the actual value's number as compared")
    met: Literal["met", "not met", "undetermined"] | None = Field(description="the verdict")
    comparedAs: Literal["number", "percentage", "same words"] | None = Field(
        description="how the verdict was reached"
    )


RowT = TypeVar("RowT", bound=BaseModel)


class Answer(BaseModel, Generic[RowT]):
    """A canned query's answer: which query, the bound parameters, the columns and rows."""

    query: str = Field(description="the canned query's name")
    title: str
    parameters: dict[str, str | int]
    columns: list[str]
    rows: list[RowT]
    truncated: bool = Field(description="true when rows were cut at the row limit")


class ParameterInfo(BaseModel):
    name: str
    type: str
    required: bool
    help: str


class QueryInfo(BaseModel):
    """A canned query: what it answers, its parameters and its SPARQL text."""

    name: str
    title: str
    description: str
    parameters: list[ParameterInfo]
    text: str


# Each /api question's canned query and the shape of its JSON answer.
_SHAPES: dict[str, type[BaseModel]] = {
    "recurring-series": Answer[RecurringRow],
    "amount-changes": Answer[AmountChangeRow],
    "new-and-discontinued": Answer[NewOrDiscontinuedRow],
    "target-changes": Answer[TargetChangeRow],
    "target-met": Answer[TargetMetRow],
}

YearA = Annotated[str, Query(description="the earlier budget year (an integer)", examples=["2023"])]
YearB = Annotated[str, Query(description="the later budget year (an integer)", examples=["2025"])]
Unit = Annotated[
    str | None,
    Query(description="only this funding unit (its name)", examples=["广州市科学技术协会"]),
]
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
Year = Annotated[
    str | None, Query(description="only this budget year (an integer)", examples=["2021"])
]


@dataclass(frozen=True, slots=True)
class _Asking:
    """What answering needs from the app: its store, settings, a way to run a canned
    query's job, and the limit on bodies made at once."""

    store: Store
    settings: Settings
    run: Callable[[QueryJob], Awaitable[QueryAnswer]]
    limiter: anyio.CapacityLimiter


async def _answer(
    request: Request,
    name: str,
    shape: type[BaseModel],
    values: Mapping[str, object],
    fmt: str,
) -> Response:
    """The answer to canned query ``name`` as JSON of ``shape`` (the route's response model,
    checked as FastAPI would) or as CSV."""
    if "yearA" in values:  # a year that is not one is a UsageError (HTTP 400), not a 422
        year_a, year_b = check_year(str(values["yearA"])), check_year(str(values["yearB"]))
        if year_a >= year_b:
            raise UsageError(f"yearA must be earlier than yearB: {year_a}, {year_b}")
        values = {**values, "yearA": year_a, "yearB": year_b}
    asking = _Asking(
        store_of(request),
        settings_of(request),
        lambda job: evaluate_question(request, name, job),
        computing_of(request),
    )
    content, encoding = await _body(asking, name, shape, values, fmt, accepts_gzip(request))
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return respond(content, media, encoding=encoding)


async def _body(
    asking: _Asking,
    name: str,
    shape: type[BaseModel],
    values: Mapping[str, object],
    fmt: str,
    gzip_ok: bool,
) -> tuple[bytes, str | None]:
    """The body (and its Content-Encoding) of the answer to ``name`` for ``values``, kept
    until the next write: cut from the answer for every unit when that is computed (see
    :mod:`.unit_answers`), else from the canned query's rows."""
    query: CannedQuery = load_queries()[name]
    store, max_rows = asking.store, asking.settings.max_rows
    job = QueryJob(
        query.render(query.bind(values)), max_rows=max_rows, formats={"solutions": "tsv"}
    )

    def encoded(payload: bytes, truncated: bool) -> bytes:
        rows = rows_from_tsv(payload, truncated=truncated)
        if fmt == "csv":
            return _csv(rows)
        out = {
            "query": name,
            "title": query.title,
            "parameters": {k: v for k, v in values.items() if isinstance(v, str | int)},
            "columns": rows.columns,
            "rows": rows.rows,
            "truncated": rows.truncated,
        }
        return shape.model_validate(out, from_attributes=True).model_dump_json().encode()

    async def body() -> bytes:
        cut = answer_tsv(store, query, values, max_rows)
        if cut is None:
            answer = await asking.run(job)
            cut = answer.payload, answer.truncated
        if len(cut[0]) <= INLINE_TSV_BYTES:
            return encoded(*cut)
        return await anyio.to_thread.run_sync(encoded, *cut, limiter=asking.limiter)

    key = (name, tuple(sorted(values.items())), max_rows, fmt)

    if values.get(UNIT_VARIABLE) is None:  # for every unit: large, kept compressed only
        content, encoding = await _WHOLE.ashared(store, key, lambda: _compressed(body()))
        if encoding is None or gzip_ok:
            return content, encoding
        return await anyio.to_thread.run_sync(gzip.decompress, content), None

    async def plain() -> bytes:
        return await _ANSWERS.ashared(store, key, body)

    if gzip_ok:
        return await _GZIPPED.ashared(store, key, lambda: _compressed(plain()))
    return await plain(), None


async def _compressed(content: Awaitable[bytes]) -> tuple[bytes, str | None]:
    """The body, gzip-compressed if it gains by it, and its Content-Encoding."""
    plain = await content
    packed = await gzipped(plain, gzip_ok=True)
    return (plain, None) if packed is None else (packed, "gzip")


async def prepare_every_unit(
    store: Store,
    settings: Settings,
    runner: QueryRunner,
    limiter: anyio.CapacityLimiter,
    name: str,
    values: Mapping[str, object],
) -> None:
    """Make and keep the JSON body of question ``name`` for every unit (no ``unitName``),
    plain and gzip-compressed, as a route would for ``values`` (its years): called by
    :func:`.unit_answers.keep_ready` once the answer for every unit is computed, so that the
    largest bodies are not made while people wait."""
    route_values = {**values, UNIT_VARIABLE: None}

    async def run(job: QueryJob) -> QueryAnswer:
        return await runner.run(job, settings.query_timeout)

    asking = _Asking(store, settings, run, limiter)
    await _body(asking, name, _SHAPES[name], route_values, "json", True)


async def evaluate_question(request: Request, name: str, job: QueryJob) -> QueryAnswer:
    """Canned query ``name`` (rendered in ``job``) run by the app's query runner, within the
    query time limit."""
    return await queries_of(request).run(job, settings_of(request).query_timeout)


def _csv(rows: QueryRows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=rows.columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows.rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue().encode()


_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "rows as JSON, or CSV"}
}


@router.get("/queries", response_model=list[QueryInfo])
def queries() -> list[dict[str, object]]:
    """Every canned query, with its title, description, parameters and SPARQL text."""
    return [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "parameters": [
                {"name": p.name, "type": p.type, "required": p.required, "help": p.help}
                for p in q.parameters
            ],
            "text": q.text,
        }
        for q in load_queries().values()
    ]


@router.get("/recurring", response_model=Answer[RecurringRow], responses=_CSV)
async def recurring(request: Request, unit: Unit = None, format: Format = "json") -> object:
    """Recurring projects, year by year: series with projects in more than one year."""
    values = {"unitName": unit}
    return await _answer(request, "recurring-series", Answer[RecurringRow], values, format)


@router.get("/amount-changes", response_model=Answer[AmountChangeRow], responses=_CSV)
async def amount_changes(
    request: Request, yearA: YearA, yearB: YearB, unit: Unit = None, format: Format = "json"
) -> object:
    """Projects that recur from yearA to yearB, with their amounts and the change."""
    values = {"yearA": yearA, "yearB": yearB, "unitName": unit}
    return await _answer(request, "amount-changes", Answer[AmountChangeRow], values, format)


@router.get("/new-and-discontinued", response_model=Answer[NewOrDiscontinuedRow], responses=_CSV)
async def new_and_discontinued(
    request: Request, yearA: YearA, yearB: YearB, unit: Unit = None, format: Format = "json"
) -> object:
    """Projects new in yearB, and projects of yearA not continued in yearB."""
    values = {"yearA": yearA, "yearB": yearB, "unitName": unit}
    return await _answer(
        request, "new-and-discontinued", Answer[NewOrDiscontinuedRow], values, format
    )


@router.get("/target-changes", response_model=Answer[TargetChangeRow], responses=_CSV)
async def target_changes(
    request: Request, yearA: YearA, yearB: YearB, unit: Unit = None, format: Format = "json"
) -> object:
    """Targets of recurring projects from yearA to yearB: changed, added and removed."""
    values = {"yearA": yearA, "yearB": yearB, "unitName": unit}
    return await _answer(request, "target-changes", Answer[TargetChangeRow], values, format)


@router.get("/target-met", response_model=Answer[TargetMetRow], responses=_CSV)
async def target_met(
    request: Request, year: Year = None, unit: Unit = None, format: Format = "json"
) -> object:
    """Was the target met? Each indicator with an actual value (a self-evaluation's 全年完成值)
    beside its target: met, not met, or undetermined (a target in other words)."""
    values = {"year": None if year is None else check_year(year), "unitName": unit}
    return await _answer(request, "target-met", Answer[TargetMetRow], values, format)
