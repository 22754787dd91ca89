"""Linked data: ``GET /id/{rest}`` for every resource, and ``GET /ontology``.

Both are negotiated (``Accept``, with ``.ttl``/``.jsonld``/``.nt``/``.html`` suffixes
overriding it) between an HTML page for people and Turtle, JSON-LD and N-Triples for
machines. Every representation says ``Vary: Accept`` and links its twins with
``Link: <…>; rel="alternate"; type="…"``. An unknown resource is a 404, an unsatisfiable
``Accept`` a 406, both in the one error shape (:func:`.pages.error_response`).
"""

from __future__ import annotations

from functools import cache

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from jixiao.ontology import vocabulary_graph
from jixiao.service.answers.describe import INCOMING_LIMIT, Description, PageTask, checked_iri
from jixiao.service.answers.vocabulary import ontology_page_model
from jixiao.service.formats import by_key, rdflib_name
from jixiao.service.http.i18n import gettext_for
from jixiao.service.http.negotiation import format_of, negotiate, split_suffix
from jixiao.service.http.state import paging_of, queries_of, settings_of, store_of
from jixiao.service.http.templating import error_response, language, linker, render
from jixiao.service.query.runner import WorkerPool
from jixiao.service.store.cache import StoreCache

__all__ = ["OFFERS", "PAGES_AT_ONCE", "router"]

router = APIRouter(tags=["linked data"])

HTML = "text/html"
# What /id and /ontology offer, the first being the default for */* or no Accept.
OFFERS: tuple[str, ...] = (
    "text/turtle",
    HTML,
    "application/ld+json",
    "application/n-triples",
    "application/json",  # served as JSON-LD
)
# Every representation, as the Link headers name them (RDF in the formats of service/formats.py).
_REPRESENTATIONS = ("text/turtle", "application/ld+json", "application/n-triples", HTML)
# The representations served lately, kept until the next write: a page costs milliseconds
# of SPARQL and templating, a kept one nothing (None: the store does not know the resource).
_PAGES: StoreCache[bytes | None] = StoreCache(1024, name="pages")
# Pages made at once, per app, in threads of their own (see :func:`.state.paging_of`).
PAGES_AT_ONCE = 8


def _served(media: str | None) -> str | None:
    """The media type served for a negotiated one: JSON-LD for plain JSON."""
    return "application/ld+json" if media == "application/json" else media


def _suffix(media: str) -> str:
    """``.html``, or the RDF format's own suffix (``.ttl``, ``.jsonld``, ``.nt``)."""
    return ".html" if media == HTML else by_key(format_of(media)).suffixes[0]


def _content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


def _choose(request: Request, path: str) -> tuple[str, str | None]:
    """(path without a format suffix, the media type to serve, or None if none fits)."""
    if path.endswith(".html") and len(path) > len(".html"):
        return path[: -len(".html")], HTML
    stripped, forced = split_suffix(path)
    if forced is not None:
        return stripped, forced
    return path, _served(negotiate(request.headers.get("accept"), OFFERS))


def _headers(canonical: str) -> dict[str, str]:
    """``Vary`` and the ``Link`` headers to every representation of ``canonical``."""
    links = [
        f'<{canonical}{suffix}>; rel="alternate"; type="{media}"'
        for media in _REPRESENTATIONS
        for suffix in [_suffix(media)]
    ]
    return {"Vary": "Accept", "Link": ", ".join(links)}


# A page of at most this many links and table rows is rendered on the event loop (about a
# millisecond); a larger one in a thread.
_INLINE_ITEMS = 100


def _small(d: Description) -> bool:
    links = sum(len(link.values) for link in (*d.properties, *d.incoming))
    rows = len(d.indicators) + len(d.series) + len(d.units) + len(d.projects)
    return links + rows <= _INLINE_ITEMS


def _not_acceptable(request: Request, headers: dict[str, str]) -> Response:
    offered = ", ".join(OFFERS[:4])
    return error_response(
        request, 406, "NotAcceptable", f"no representation fits Accept; offered: {offered}", headers
    )


@router.get("/id/{rest:path}", summary="A resource, negotiated (HTML, Turtle, JSON-LD, N-Triples)")
async def resource(rest: str, request: Request) -> Response:
    """The resource ``{base}{rest}``: its page, or its triples and the triples naming it."""
    path, media = _choose(request, rest)
    link = linker(request)
    iri = link.base + path
    canonical = link.href(iri) if checked_iri(iri) else None
    if canonical is None or canonical == iri:
        return error_response(request, 404, "NotFound", f"no resource /id/{rest}")
    headers = _headers(canonical)
    if media is None:
        return _not_acceptable(request, headers)
    store, runner, paging = store_of(request), queries_of(request), paging_of(request)
    lang = language(request) if media == HTML else ""
    task = PageTask(iri, media, lang)

    def page(found: Description | bytes | None) -> bytes | None:
        if not isinstance(found, Description):
            return found
        title = found.label or iri
        return bytes(
            render(request, "resource.html", d=found, title=title, limit=INCOMING_LIMIT).body
        )

    async def produce() -> bytes | None:
        # In a query worker while one holds a replica of the on-disk store: the server's
        # process then spends no GIL on the page's SPARQL, and the replica is faster than the
        # disk. Else in one of the pages' threads here: answered from disk, the workers are
        # no faster, and a page would wait behind the queries they answer (issue 15: at 5M,
        # with no replica, pages reached the time limit).
        if isinstance(runner, WorkerPool) and runner.replica_states()["ready"]:
            found = await runner.run_task(task, settings_of(request).query_timeout)
            assert found is None or isinstance(found, Description | bytes)
            if isinstance(found, Description) and not _small(found):
                return await to_thread.run_sync(page, found, limiter=paging)
            return page(found)
        return await to_thread.run_sync(lambda: page(task.over(store)), limiter=paging)

    key = (media, iri, link.root, lang)
    body = await _PAGES.ashared(store, key, produce)
    if body is None:
        missing = f"no resource <{iri}> in this dataset"
        return error_response(request, 404, "NotFound", missing, {"Vary": "Accept"})
    return Response(body, media_type=_content_type(media), headers=headers)


# ── the vocabulary ────────────────────────────────────────────────────────────────────────


@cache
def _vocabulary_bytes(media: str) -> bytes:
    graph = vocabulary_graph()
    return graph.serialize(format=rdflib_name(media) or "turtle", encoding="utf-8")


@router.get("/ontology", summary="The vocabulary jx: and the indicator categories, negotiated")
async def ontology(request: Request) -> Response:
    """The vocabulary (graph ``https://w3id.org/jixiao/ontology``) and its readable page."""
    return await _ontology(request, _served(negotiate(request.headers.get("accept"), OFFERS)))


@router.get("/ontology.{ext}", include_in_schema=False)
async def ontology_suffixed(ext: str, request: Request) -> Response:
    """``/ontology.ttl``, ``.jsonld``, ``.nt``, ``.html``."""
    media = next((m for m in _REPRESENTATIONS if _suffix(m) == f".{ext}"), None)
    if media is None:
        return error_response(request, 404, "NotFound", f"no such page /ontology.{ext}")
    return await _ontology(request, media)


async def _ontology(request: Request, media: str | None) -> Response:
    headers = _headers(f"{linker(request).root}/ontology")
    if media is None:
        return _not_acceptable(request, headers)
    if media == HTML:
        model = await run_in_threadpool(ontology_page_model)
        title = gettext_for(language(request))("Ontology")
        page = render(request, "ontology.html", v=model, title=title)
        page.headers.update(headers)
        return page
    body = await run_in_threadpool(_vocabulary_bytes, media)
    return Response(body, media_type=_content_type(media), headers=headers)
