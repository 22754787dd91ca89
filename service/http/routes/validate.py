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
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from jixiao.ingest.errors import JixiaoError, UsageError
from jixiao.ingest.years import check_year
from jixiao.service.errors import (
    NotAcceptable,
    UnreadableUpload,
    UnsupportedMediaType,
    ValidationBusy,
    ValidationTimeout,
)
from jixiao.service.formats import by_media, rdflib_name
from jixiao.service.http.bodies import read_body
from jixiao.service.http.i18n import N_, gettext_for
from jixiao.service.http.multipart import multipart_parts
from jixiao.service.http.negotiation import negotiate
from jixiao.service.http.state import AppSettings, settings_of
from jixiao.service.http.templating import language, render
from jixiao.service.pipeline.corpus import exit_with_parent
from jixiao.shapes.contexts import allowed_hosts
from jixiao.shapes.report import Location

__all__ = [
    "router",
    "shutdown_worker",
    "validation_jobs",
    "worker_pids",
]


START_SECONDS = 120.0  # starting the worker (spawn and imports), before any job's clock

router = APIRouter(tags=["validation"])

# The formats a graph to validate may come in (text/plain, N-Triples' alias, is a table).
_RDF_UPLOADS = ("turtle", "jsonld", "ntriples")
_REPORT_OFFERS = ("application/ld+json", "text/turtle", "application/n-triples", "text/html")
_SHAPES_OFFERS = ("text/turtle", "application/ld+json", "application/n-triples")


@dataclass(frozen=True, slots=True)
class Job:
    """One validation, as the worker gets it."""

    kind: str  # "table" or an rdflib format
    data: bytes
    name: str
    year: int | None
    base_iri: str
    fmt: str | None  # the report's serialisation (rdflib's name), None for an HTML page
    context_hosts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the worker sends back: plain, picklable values."""

    conforms: bool
    summary: str
    title: str
    results: list[tuple[str, str, str, str]]  # severity, where, message en, message zh
    body: bytes | None  # the serialised report, for RDF answers
    error: tuple[str, str, int] | None = None  # (kind, message, exit code)


def _validate_in_worker(job: Job) -> Outcome:
    """Run in the worker process: parse, validate, and flatten the report."""
    from jixiao.shapes.validate import parse_rdf, validate_graph, validate_source

    kind, data, name, year, base_iri = job.kind, job.data, job.name, job.year, job.base_iri
    try:
        if kind == "table":
            assert year is not None
            report = validate_source(data, name, year, base_iri=base_iri, engine="oxigraph")
        else:
            graph = parse_rdf(data, kind, name, context_hosts=job.context_hosts)
            report = validate_graph(graph, base_iri=base_iri, title=name, engine="oxigraph")
    except JixiaoError as exc:  # sent back as values: our exceptions do not all pickle
        return Outcome(False, "", name, [], None, (type(exc).__name__, str(exc), exc.exit_code))
    results = [
        (r.severity, _where(r.location), r.messages.get("en", ""), r.messages.get("zh", ""))
        for r in report.results
    ]
    body = report.serialize(job.fmt) if job.fmt else None
    return Outcome(report.conforms, report.summary(), report.title, results, body)


def _where(location: Location) -> str:
    detail = location.detail("en")
    return location.group("en") + (f", {detail}" if detail else "")


class _Worker:
    """One lazily started worker process, running one job at a time.

    Jobs wait for the worker on the event loop (holding no thread), at most their time
    limit; one that waits longer is refused with :class:`ValidationBusy` and touches nothing.
    A job's time limit counts from its start in the worker: past it, the worker is killed
    (it runs only that job) and the next job starts a new one.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._slot: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self.running = 0  # jobs given the worker, until it is free again
        self.waiting = 0  # jobs waiting for it

    def pool(self, base_iri: str) -> ProcessPoolExecutor:
        """The worker, started and warm (a job's clock starts after this)."""
        with self._lock:
            if self._pool is None:
                pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_started,
                    initargs=(os.getpid(),),
                )
                try:
                    pool.submit(_ready, base_iri).result(timeout=START_SECONDS)
                except (FutureTimeout, BrokenProcessPool):
                    for process in list(getattr(pool, "_processes", {}).values()):
                        process.terminate()
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise ValidationTimeout("the validation worker did not start") from None
                self._pool = pool
            return self._pool

    def pids(self) -> list[int]:
        with self._lock:
            processes = getattr(self._pool, "_processes", None) or {}
            return sorted(p.pid for p in processes.values() if p.is_alive())

    def kill(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            processes = list(getattr(pool, "_processes", {}).values())
            for process in processes:
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.join(timeout=5)

    async def validate(self, job: Job, timeout: float) -> Outcome:
        """The job's outcome, waiting for the worker at most ``timeout``, then running in it
        at most ``timeout``."""
        slot = self._free_slot()
        self.waiting += 1
        try:
            await asyncio.wait_for(slot.acquire(), timeout)
        except TimeoutError:
            raise ValidationBusy(
                f"the validation worker was busy with other uploads for {timeout:g} s; "
                "try again shortly"
            ) from None
        finally:
            self.waiting -= 1
        self.running += 1
        running = asyncio.ensure_future(asyncio.to_thread(self._run, job, timeout))
        running.add_done_callback(lambda _: self._free(slot))  # when the worker is free
        return await asyncio.shield(running)

    def _free(self, slot: asyncio.Semaphore) -> None:
        self.running -= 1
        slot.release()

    def _free_slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slot is None or self._slot[0] is not loop:
            self._slot = (loop, asyncio.Semaphore(1))
        return self._slot[1]

    def _run(self, job: Job, timeout: float) -> Outcome:
        future = self.pool(job.base_iri).submit(_validate_in_worker, job)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            self.kill()
            raise ValidationTimeout(
                f"validation took longer than {timeout:g} s and was stopped"
            ) from None
        except BrokenProcessPool:
            self.kill()
            raise ValidationTimeout("the validation worker stopped; try again") from None


def _ready(base_iri: str) -> None:
    """In the worker, before its first job: import, parse and compile what validation needs
    (by validating the bundled 2025 seed table once)."""
    from jixiao.service.pipeline.load import seed_files
    from jixiao.shapes.validate import validate_source

    data, name, year = seed_files()[-1]
    validate_source(data, name, year, base_iri=base_iri, engine="oxigraph")


def _worker_started(parent: int) -> None:
    """In the worker: Ctrl-C is for the server (which stops us), and we exit if it dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)


_worker = _Worker()


def worker_pids() -> list[int]:
    """Process ids of the validation worker (none until the first upload; for tests)."""
    return _worker.pids()


def validation_jobs() -> tuple[int, int]:
    """(running, waiting) uploads of the validation worker (for ``GET /metrics``)."""
    return _worker.running, _worker.waiting


def shutdown_worker() -> None:
    """Stop the worker process (tests and shutdown); the next request starts a new one."""
    _worker.kill()


def _media(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _upload(request: Request, max_bytes: int) -> tuple[str, bytes, str, int | None]:
    """(kind, bytes, name, year) of the request: kind is "table" or an rdflib format."""
    media = _media(request)
    timeout = settings_of(request).body_timeout
    body = await read_body(request, max_bytes, timeout)  # the cap holds for every kind of body
    if media == "text/plain":
        return "table", body, "upload.txt", _year(request.query_params.get("year"))
    found = by_media(media)
    if found is not None and found.key in _RDF_UPLOADS and found.rdflib is not None:
        return found.rdflib, body, "upload", None
    if media == "multipart/form-data":
        return await asyncio.to_thread(_form, body, request)
    raise UnsupportedMediaType(
        f"cannot validate {media or 'a body without a Content-Type'}: send a table "
        "(multipart/form-data or text/plain with ?year=) or RDF (text/turtle, "
        "application/ld+json, application/n-triples)"
    )


def _form(body: bytes, request: Request) -> tuple[str, bytes, str, int | None]:
    """The table and year of an upload form (``file``, ``year`` or ``?year=``)."""
    fields = {part.disposition("name"): part for part in multipart_parts(body, _type(request))}
    upload = fields.get("file")
    if upload is None:
        raise UsageError("the form needs a file field with the table")
    year = fields.get("year")
    given = bytes(year.data).decode("utf-8", "replace") if year is not None else None
    name = upload.disposition("filename") or "upload.txt"
    return "table", bytes(upload.data), name, _year(given or request.query_params.get("year"))


def _type(request: Request) -> str | None:
    return request.headers.get("content-type")


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
    fmt = rdflib_name(wanted)  # None for the HTML page
    hosts = allowed_hosts(settings.jsonld_context_hosts)
    job = Job(kind, data, name, year, settings.base_iri, fmt, hosts)
    outcome = await _worker.validate(job, settings.validate_timeout)
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
    fmt = rdflib_name(wanted)
    assert fmt is not None  # every one of _SHAPES_OFFERS is an RDF format
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
