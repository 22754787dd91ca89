"""Linked data: ``GET /id/{rest}`` for every resource, and ``GET /ontology``.

Both are negotiated (``Accept``, with ``.ttl``/``.jsonld``/``.nt``/``.html`` suffixes
overriding it) between an HTML page for people and Turtle, JSON-LD and N-Triples for
machines. Every representation says ``Vary: Accept`` and links its twins with
``Link: <…>; rel="alternate"; type="…"``. An unknown resource is a 404, an unsatisfiable
``Accept`` a 406, both in the one error shape (:func:`.pages.error_response`).
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from jixiao.ontology import PREFIXES, vocabulary_graph
from jixiao.service.answers.describe import (
    INCOMING_LIMIT,
    checked_iri,
    describe,
    resource_rdf,
)
from jixiao.service.answers.vocabulary import ontology_page_model
from jixiao.service.formats import RDF_FORMATS, by_key, rdflib_name
from jixiao.service.http.i18n import gettext_for
from jixiao.service.http.negotiation import format_of, negotiate, split_suffix
from jixiao.service.http.state import store_of
from jixiao.service.http.templating import error_response, language, linker, render
from jixiao.service.store.cache import StoreCache

__all__ = ["OFFERS", "router"]

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
    store = store_of(request)
    lang = language(request) if media == HTML else ""

    def representation() -> bytes | None:
        if media == HTML:
            description = describe(store, iri, lang)
            if not description.exists:
                return None
            title = description.label or iri
            page = render(
                request, "resource.html", d=description, title=title, limit=INCOMING_LIMIT
            )
            return bytes(page.body)
        result = resource_rdf(store, iri)
        found = list(result) if isinstance(result, ox.QueryTriples) else []
        if not found:
            return None
        prefixes = PREFIXES if media == "text/turtle" else None
        return ox.serialize(found, format=RDF_FORMATS[format_of(media)], prefixes=prefixes)

    body = await _PAGES.aget(store, (media, iri, link.root, lang), representation)
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
