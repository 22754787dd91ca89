"""``POST /validate`` and ``GET /shapes``: SHACL validation over HTTP, and the shapes themselves.

pySHACL patches rdflib globals when imported, so validation never runs in this process: each
request is handed to one worker process (``spawn``, created on first use) with a time limit.
A worker that runs over is killed and replaced. The worker returns plain values (counts,
located results, the serialised report), never live rdflib objects.

``POST /validate`` reads a source table (``multipart/form-data`` with ``file`` and ``year``,
or a ``text/plain`` body with ``?year=``) or an RDF graph (``text/turtle``,
``application/ld+json``, ``application/n-triples``), and answers the ``sh:ValidationReport``
as JSON-LD (the default), Turtle, or an HTML page for a browser. ``GET /validate`` is the
upload form.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import AsyncGenerator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.formparsers import MultiPartParser

from jixiao.ingest.errors import JixiaoError, UsageError
from jixiao.ingest.years import check_year
from jixiao.service.errors import (
    NotAcceptable,
    UnreadableUpload,
    UnsupportedMediaType,
    ValidationTimeout,
)
from jixiao.service.http.bodies import read_body
from jixiao.service.http.i18n import N_, gettext_for
from jixiao.service.http.negotiation import negotiate
from jixiao.service.http.state import AppSettings
from jixiao.service.http.templating import language, render
from jixiao.shapes.report import Location

__all__ = [
    "TIMEOUT_SECONDS",
    "router",
    "shutdown_worker",
]

TIMEOUT_SECONDS = 120.0  # one validation in the worker; a seed table takes a few seconds

router = APIRouter(tags=["validation"])

_RDF_BODY = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
_REPORT_OFFERS = ("application/ld+json", "text/turtle", "application/n-triples", "text/html")
_REPORT_FORMATS = {
    "application/ld+json": "json-ld",
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
}
_SHAPES_OFFERS = ("text/turtle", "application/ld+json", "application/n-triples")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the worker sends back: plain, picklable values."""

    conforms: bool
    summary: str
    title: str
    results: list[tuple[str, str, str, str]]  # severity, where, message en, message zh
    body: bytes | None  # the serialised report, for RDF answers
    error: tuple[str, str, int] | None = None  # (kind, message, exit code)


def _validate_in_worker(
    kind: str, data: bytes, name: str, year: int | None, base_iri: str, fmt: str | None
) -> Outcome:
    """Run in the worker process: parse, validate, and flatten the report."""
    from jixiao.shapes.validate import parse_rdf, validate_graph, validate_source

    try:
        if kind == "table":
            assert year is not None
            report = validate_source(data, name, year, base_iri=base_iri, engine="oxigraph")
        else:
            graph = parse_rdf(data, kind, name)
            report = validate_graph(graph, base_iri=base_iri, title=name, engine="oxigraph")
    except JixiaoError as exc:  # sent back as values: our exceptions do not all pickle
        return Outcome(False, "", name, [], None, (type(exc).__name__, str(exc), exc.exit_code))
    results = [
        (r.severity, _where(r.location), r.messages.get("en", ""), r.messages.get("zh", ""))
        for r in report.results
    ]
    body = report.serialize(fmt) if fmt else None
    return Outcome(report.conforms, report.summary(), report.title, results, body)


def _where(location: Location) -> str:
    detail = location.detail("en")
    return location.group("en") + (f", {detail}" if detail else "")


class _Worker:
    """One lazily started worker process, replaced if it runs over time."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
            return self._pool

    def kill(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)

    def run(
        self, kind: str, data: bytes, name: str, year: int | None, base_iri: str, fmt: str | None
    ) -> Outcome:
        future = self.pool().submit(_validate_in_worker, kind, data, name, year, base_iri, fmt)
        try:
            return future.result(timeout=TIMEOUT_SECONDS)
        except FutureTimeout:
            self.kill()
            raise ValidationTimeout(
                f"validation took longer than {TIMEOUT_SECONDS:.0f} s and was stopped"
            ) from None
        except BrokenProcessPool:
            self.kill()
            raise ValidationTimeout("the validation worker stopped; try again") from None


_worker = _Worker()


def shutdown_worker() -> None:
    """Stop the worker process (tests and shutdown); the next request starts a new one."""
    _worker.kill()


def _media(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _upload(request: Request, max_bytes: int) -> tuple[str, bytes, str, int | None]:
    """(kind, bytes, name, year) of the request: kind is "table" or an rdflib format."""
    media = _media(request)
    body = await read_body(request, max_bytes)  # the cap holds for every kind of body
    if media in _RDF_BODY:
        return _RDF_BODY[media], body, "upload", None
    if media == "text/plain":
        return "table", body, "upload.txt", _year(request.query_params.get("year"))
    if media == "multipart/form-data":
        form = await MultiPartParser(request.headers, _chunks(body)).parse()
        try:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise UsageError("the form needs a file field with the table")
            data = await upload.read()
            name = upload.filename or "upload.txt"
            year = form.get("year") or request.query_params.get("year")
        finally:
            await form.close()
        return "table", data, name, _year(str(year) if year is not None else None)
    raise UnsupportedMediaType(
        f"cannot validate {media or 'a body without a Content-Type'}: send a table "
        "(multipart/form-data or text/plain with ?year=) or RDF (text/turtle, "
        "application/ld+json, application/n-triples)"
    )


async def _chunks(body: bytes) -> AsyncGenerator[bytes, None]:
    yield body  # the body is read (and its size checked) before the form is parsed


def _year(value: str | None) -> int:
    if not value:
        raise UsageError("a source table needs its budget year (year=2025)")
    return check_year(value)


@router.post("/validate")
async def validate(request: Request, settings: AppSettings) -> Response:
    """Validate an uploaded table or RDF graph; the SHACL report, negotiated."""
    accept = request.headers.get("accept")
    wanted = negotiate(accept, _REPORT_OFFERS)
    if wanted is None:
        raise NotAcceptable("the report is offered as JSON-LD, Turtle, N-Triples or HTML")
    kind, data, name, year = await _upload(request, settings.max_body_bytes)
    fmt = _REPORT_FORMATS.get(wanted)
    outcome = await asyncio.to_thread(_worker.run, kind, data, name, year, settings.base_iri, fmt)
    if outcome.error is not None:
        raise UnreadableUpload(outcome.error[1])
    headers = {"X-Jixiao-Conforms": "true" if outcome.conforms else "false"}
    if wanted == "text/html":
        return _page(request, outcome, headers)
    return Response(outcome.body, media_type=wanted, headers=headers)


@router.get("/validate", response_class=HTMLResponse)
def validate_form(request: Request) -> HTMLResponse:
    """A small form to upload a table for validation."""
    return _page(request, None)


@cache
def _shapes(base_iri: str, fmt: str) -> bytes:
    from jixiao.shapes.validate import shapes_graph

    graph = shapes_graph(base_iri)
    return graph.serialize(format=fmt).encode("utf-8")


@router.get("/shapes")
def shapes(request: Request, settings: AppSettings) -> Response:
    """The SHACL shapes, negotiated: Turtle (default), JSON-LD or N-Triples."""
    wanted = negotiate(request.headers.get("accept"), _SHAPES_OFFERS)
    if wanted is None:
        raise NotAcceptable("the shapes are offered as Turtle, JSON-LD or N-Triples")
    fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld"}.get(wanted, "nt11")
    return Response(_shapes(settings.base_iri, fmt), media_type=wanted)


# The severities as the report page names them.
_SEVERITIES = (N_("Violation"), N_("Warning"), N_("Info"))


def _page(
    request: Request, outcome: Outcome | None, headers: dict[str, str] | None = None
) -> HTMLResponse:
    title = gettext_for(language(request))("Validate")
    page = render(request, "validate.html", title=title, outcome=outcome)
    page.headers.update(headers or {})
    return page
