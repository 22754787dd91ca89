"""``/sparql``: the SPARQL 1.1 Protocol — query, update, and the service description.

Queries are open to all; updates need the write token (:func:`.protocol.check_write_token`).
Every query runs within the limits of :mod:`.query_runner` (time, a bounded queue) and
:mod:`.evaluation` (rows), and its result is negotiated against ``Accept`` with
:mod:`.negotiation`. The default graph is the union of
all graphs unless the request names ``default-graph-uri``/``named-graph-uri``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from jixiao.ontology import PREFIXES
from jixiao.service.answers.service_description import describe_service
from jixiao.service.errors import MethodNotAllowed, NotAcceptable
from jixiao.service.formats import RDF_FORMATS
from jixiao.service.http.bodies import accepts_gzip, gzipped, read_body, respond
from jixiao.service.http.negotiation import (
    BOOLEAN_OFFERS,
    RDF_OFFERS,
    SOLUTIONS_OFFERS,
    format_of,
    negotiate,
)
from jixiao.service.http.protocol import (
    Operation,
    check_write_token,
    form_has_update,
    is_direct_update,
    read_operation,
    with_using,
)
from jixiao.service.http.state import queries_of, settings_of, store_of
from jixiao.service.http.unit_answers import CannedFirst
from jixiao.service.query import pages
from jixiao.service.query.evaluation import Answer, QueryJob
from jixiao.service.query.pages import Page, page_of
from jixiao.service.query.runner import QueryRunner
from jixiao.service.query.text import inspect, may_say
from jixiao.service.settings import Settings
from jixiao.service.store.cache import StoreCache

__all__ = ["router"]

router = APIRouter(tags=["sparql"])

_OFFERS = {"solutions": SOLUTIONS_OFFERS, "boolean": BOOLEAN_OFFERS, "triples": RDF_OFFERS}
_DESCRIPTION_OFFERS = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
)
_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "Query results (SELECT/ASK: SPARQL JSON, XML, CSV, TSV; "
        "CONSTRUCT/DESCRIBE: Turtle, N-Triples, JSON-LD, RDF/XML, TriG, N-Quads), "
        "negotiated by `Accept`; `X-Jixiao-Truncated: true` when the row cap cut it. "
        "Without a query: the SPARQL Service Description (Turtle).",
        "content": {m: {} for m in (*SOLUTIONS_OFFERS, *RDF_OFFERS)},
    },
    204: {"description": "Update applied."},
    400: {
        "description": "Malformed or missing query/update, nested deeper than "
        "`max_query_depth`, or SERVICE/LOAD of a variable or a non-HTTP IRI "
        "(`{error, message}`)."
    },
    401: {"description": "Update without `Authorization: Bearer <token>`."},
    403: {"description": "Wrong token, writes disabled, or SERVICE/LOAD refused."},
    406: {"description": "No result format fits `Accept`."},
    408: {"description": "Request body not whole within `body_timeout` seconds."},
    413: {"description": "Request body larger than `max_body_bytes`."},
    415: {"description": "POST body in an unsupported media type or charset."},
    503: {"description": "Query time limit reached, or the store is unavailable."},
}
_QUERY_DOC = "The SPARQL query (GET, or POST form)."
_GRAPH_DOC = "Default graph(s) of the query dataset (repeatable)."
_NAMED_DOC = "Named graph(s) of the query dataset (repeatable)."


def _endpoint(request: Request) -> str:
    return str(request.url.replace(query="", fragment="")).rstrip("?")


def _settings(request: Request) -> Settings:
    settings = settings_of(request)
    return settings


# A request of at most this many bytes (body and query string) is read and checked on the
# event loop (0.3 ms for a canned query, 1 ms at worst); a larger one in a thread.
INLINE_CHECK_BYTES = 8 * 1024


async def _handle(request: Request) -> Response:
    """Read, check and answer one protocol request. Whoever may not write is refused before
    the body of a direct update is read, and nothing proportional to a large body runs on the
    event loop: the operation is read and checked (in a thread, past
    :data:`INLINE_CHECK_BYTES`), and a query is read as a page of an ordered answer or not
    (:func:`.pages.page_of`)."""
    settings = _settings(request)
    content_type = request.headers.get("content-type")
    authorization = request.headers.get("authorization")
    if request.method == "POST" and is_direct_update(content_type):
        check_write_token(authorization, settings.write_token)
    body = b""
    if request.method == "POST":
        body = await read_body(request, settings.max_body_bytes, settings.body_timeout)

    def checked() -> tuple[Operation, Page | None]:
        if form_has_update(content_type, body):
            check_write_token(authorization, settings.write_token)
        operation = read_operation(
            request.method, request.query_params.multi_items(), content_type, body
        )
        if operation.kind == "update":
            check_write_token(authorization, settings.write_token)
        if operation.kind != "describe-service":  # before any parser reads the text
            inspect(
                operation.text,
                operation.kind,
                allow_external=settings.allow_external,
                max_depth=settings.max_query_depth,
                base_iri=_endpoint(request),
            )
        return operation, page_of(operation.text) if operation.kind == "query" else None

    if len(body) + len(request.url.query) <= INLINE_CHECK_BYTES:
        operation, page = checked()  # a fraction of a millisecond: less than a thread's hop
    else:
        operation, page = await run_in_threadpool(checked)
    if operation.kind == "describe-service":
        return await _describe(request)
    if operation.kind == "update":
        return await _update(request, operation)
    return await _query(request, operation, page)


async def _query(request: Request, operation: Operation, page: Page | None) -> Response:
    settings = _settings(request)
    accept = request.headers.get("accept")
    media = {kind: negotiate(accept, offers) for kind, offers in _OFFERS.items()}
    formats = {kind: format_of(m) for kind, m in media.items() if m is not None}
    if not formats:
        raise NotAcceptable(f"no result format fits Accept: {accept}")
    job = QueryJob(
        operation.text,
        default_graphs=tuple(operation.default_graphs),
        named_graphs=tuple(operation.named_graphs),
        base_iri=_endpoint(request),
        max_rows=settings.max_rows,
        formats=formats,
        accept=accept,
    )
    runner, store = queries_of(request), store_of(request)
    if settings.api_precompute:  # a canned query as rendered: from the answers computed ahead
        runner = CannedFirst(runner, store)
    timeout, gzip_ok = settings.query_timeout, accepts_gzip(request)
    answer = await _answer(store, runner, job, page, timeout, gzip_ok)
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["X-Jixiao-Truncated"] = "true"
        headers["X-Jixiao-Max-Rows"] = str(settings.max_rows)
    return respond(answer.payload, media[answer.kind], encoding=answer.encoding, headers=headers)


# Answers kept until the store's next write (see :class:`.operations.StoreCache`): the same
# query asked again, or by many clients at once, is evaluated once. Kept: answers of at most
# _KEPT_BYTES, plain or, for clients that take gzip, compressed (so a large answer that
# compresses well is kept too). Never kept: queries whose answer may differ between two runs
# on the same data. A page of an ordered answer (a final LIMIT/OFFSET) is cut from one
# evaluation of the whole, kept beside (:mod:`.pages`).
_ANSWERS: StoreCache[Answer] = StoreCache(128, name="sparql")
_GZIPPED: StoreCache[Answer] = StoreCache(128, name="sparql-gzip")
_KEPT_BYTES = 1 << 20
_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
_VOLATILE_WORDS = ("now", "rand", "uuid", "bnode")


async def _answer(
    store: object,
    runner: QueryRunner,
    job: QueryJob,
    page: Page | None,
    timeout: float,
    gzip_ok: bool,
) -> Answer:
    if may_say(job.text, _VOLATILE_WORDS) and _VOLATILE.search(job.text):
        return await _compressed(await runner.run(job, timeout), gzip_ok)
    key = (
        job.text,
        job.default_graphs,
        job.named_graphs,
        job.base_iri,
        job.max_rows,
        tuple(sorted(job.formats.items())),
    )

    async def plain() -> Answer:
        return await _ANSWERS.ashared(
            store,
            key,
            lambda: pages.answer(store, runner, job, page, timeout),
            keep=lambda answer: len(answer.payload) <= _KEPT_BYTES,
        )

    if not gzip_ok:
        return await plain()

    async def compressed() -> Answer:
        return await _compressed(await plain(), gzip_ok)

    return await _GZIPPED.ashared(
        store, key, compressed, keep=lambda answer: len(answer.payload) <= _KEPT_BYTES
    )


async def _compressed(answer: Answer, gzip_ok: bool) -> Answer:
    packed = await gzipped(answer.payload, gzip_ok)
    if packed is None:
        return answer
    return dataclasses.replace(answer, payload=packed, encoding="gzip")


async def _update(request: Request, operation: Operation) -> Response:
    """Apply an update (its token checked in :func:`_handle`) in the runner's update thread,
    which cannot open a socket over the embedded store (see :mod:`.egress`)."""
    using = (operation.using_graphs, operation.using_named_graphs)
    text = await run_in_threadpool(with_using, operation.text, *using)
    runner = queries_of(request)
    await runner.update(text, _endpoint(request))
    return Response(status_code=204)


async def _describe(request: Request) -> Response:
    media = negotiate(request.headers.get("accept"), _DESCRIPTION_OFFERS)
    if media is None:
        media = "text/turtle"  # a browser or a tool asking for results: still describe
    store = store_of(request)
    graphs = await run_in_threadpool(store.named_graphs)
    quads = describe_service(_endpoint(request), _settings(request), graphs)
    rdf = RDF_FORMATS[format_of(media)]
    if rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        prefixes = {**PREFIXES, "sd": "http://www.w3.org/ns/sparql-service-description#"}
        payload = ox.serialize(quads, format=rdf, prefixes=prefixes)
    elif rdf is ox.RdfFormat.N_QUADS:
        payload = ox.serialize(quads, format=rdf)
    else:
        payload = ox.serialize([q.triple for q in quads], format=rdf)
    return Response(payload, media_type=media, headers={"Vary": "Accept"})


@router.get("/sparql", responses=_RESPONSES, summary="SPARQL query (GET) or service description")
async def sparql_get(
    request: Request,
    query: Annotated[str | None, Query(description=_QUERY_DOC)] = None,
    default_graph_uri: Annotated[
        list[str] | None, Query(alias="default-graph-uri", description=_GRAPH_DOC)
    ] = None,
    named_graph_uri: Annotated[
        list[str] | None, Query(alias="named-graph-uri", description=_NAMED_DOC)
    ] = None,
) -> Response:
    """SPARQL 1.1 Protocol query by GET; without `query`, the SPARQL Service Description."""
    return await _handle(request)


@router.post(
    "/sparql",
    responses=_RESPONSES,
    summary="SPARQL query or update (POST)",
    openapi_extra={
        "requestBody": {
            "description": "A form (`query=` or `update=`, plus dataset parameters), or the "
            "query/update itself as `application/sparql-query` / `application/sparql-update`. "
            "Updates need `Authorization: Bearer <token>`.",
            "content": {
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                "application/sparql-query": {"schema": {"type": "string"}},
                "application/sparql-update": {"schema": {"type": "string"}},
            },
        }
    },
)
async def sparql_post(request: Request) -> Response:
    """SPARQL 1.1 Protocol query or update by POST (form or direct body)."""
    return await _handle(request)


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    """Other methods are not part of the protocol."""
    raise MethodNotAllowed(f"{request.method} is not allowed on /sparql; use GET or POST")
