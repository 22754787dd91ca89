"""Linked data: ``GET /id/{rest}`` for every resource, and ``GET /ontology``.

Both are negotiated (``Accept``, with ``.ttl``/``.jsonld``/``.nt``/``.html`` suffixes
overriding it) between an HTML page for people and Turtle, JSON-LD and N-Triples for
machines. Every representation says ``Vary: Accept`` and links its twins with
``Link: <…>; rel="alternate"; type="…"``. An unknown resource is a 404, an unsatisfiable
``Accept`` a 406, both in the one error shape (:func:`.pages.error_response`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from jixiao.ontology import JX, PREFIXES, SCHEME_IRI, vocabulary_graph
from jixiao.service.describe import INCOMING_LIMIT, Term, checked_iri, describe, resource_rdf
from jixiao.service.negotiation import negotiate, split_suffix
from jixiao.service.pages import error_response, linker, render
from jixiao.service.store.cache import StoreCache

__all__ = ["OFFERS", "ontology_page_model", "router"]

router = APIRouter(tags=["linked data"])

# What /id and /ontology offer, the first being the default for */* or no Accept.
OFFERS: tuple[str, ...] = (
    "text/turtle",
    "text/html",
    "application/ld+json",
    "application/n-triples",
    "application/json",  # served as JSON-LD
)
_SUFFIX_OF = {
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/n-triples": ".nt",
    "text/html": ".html",
}
_OX_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/json": ox.RdfFormat.JSON_LD,
}
# The representations served lately, kept until the next write: a page costs milliseconds
# of SPARQL and templating, a kept one nothing (None: the store does not know the resource).
_PAGES: StoreCache[bytes | None] = StoreCache(1024)
_CONTENT_TYPES = {
    "text/turtle": "text/turtle; charset=utf-8",
    "application/ld+json": "application/ld+json",
    "application/n-triples": "application/n-triples",
    "text/html": "text/html; charset=utf-8",
    "application/json": "application/ld+json",
}


def _choose(request: Request, path: str) -> tuple[str, str | None]:
    """(path without a format suffix, the media type to serve, or None if none fits)."""
    if path.endswith(".html") and len(path) > len(".html"):
        return path[: -len(".html")], "text/html"
    stripped, forced = split_suffix(path)
    if forced is not None:
        return stripped, forced
    return path, negotiate(request.headers.get("accept"), OFFERS)


def _headers(canonical: str) -> dict[str, str]:
    """``Vary`` and the ``Link`` headers to every representation of ``canonical``."""
    links = [
        f'<{canonical}{suffix}>; rel="alternate"; type="{media}"'
        for media, suffix in _SUFFIX_OF.items()
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
    store = request.app.state.store

    def representation() -> bytes | None:
        if media == "text/html":
            description = describe(store, iri)
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
        return ox.serialize(found, format=_OX_FORMATS[media], prefixes=prefixes)

    body = await _PAGES.aget(store, (media, iri, link.root), representation)
    if body is None:
        missing = f"no resource <{iri}> in this dataset"
        return error_response(request, 404, "NotFound", missing, {"Vary": "Accept"})
    return Response(body, media_type=_CONTENT_TYPES[media], headers=headers)


# ── the vocabulary ────────────────────────────────────────────────────────────────────────

_RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
}


@cache
def _vocabulary_bytes(media: str) -> bytes:
    graph = vocabulary_graph()
    return graph.serialize(format=_RDFLIB_FORMATS[media], encoding="utf-8")


@router.get("/ontology", summary="The vocabulary jx: and the indicator categories, negotiated")
async def ontology(request: Request) -> Response:
    """The vocabulary (graph ``https://w3id.org/jixiao/ontology``) and its readable page."""
    return await _ontology(request, negotiate(request.headers.get("accept"), OFFERS))


@router.get("/ontology.{ext}", include_in_schema=False)
async def ontology_suffixed(ext: str, request: Request) -> Response:
    """``/ontology.ttl``, ``.jsonld``, ``.nt``, ``.html``."""
    media = {suffix[1:]: media for media, suffix in _SUFFIX_OF.items()}.get(ext)
    if media is None:
        return error_response(request, 404, "NotFound", f"no such page /ontology.{ext}")
    return await _ontology(request, media)


async def _ontology(request: Request, media: str | None) -> Response:
    headers = _headers(f"{linker(request).root}/ontology")
    if media is None:
        return _not_acceptable(request, headers)
    if media == "text/html":
        model = await run_in_threadpool(ontology_page_model)
        page = render(request, "ontology.html", v=model, title="Ontology")
        page.headers.update(headers)
        return page
    body = await run_in_threadpool(_vocabulary_bytes, media)
    return Response(body, media_type=_CONTENT_TYPES[media], headers=headers)


@dataclass(slots=True)
class VocabularyTerm:
    """One term of the vocabulary as the ontology page lists it."""

    name: str
    iri: str
    label_en: str = ""
    label_zh: str = ""
    comment: str = ""
    kind: str = ""
    notation: str = ""
    parents: list[Term] = field(default_factory=list)
    domain: list[list[Term]] = field(default_factory=list)
    range: list[list[Term]] = field(default_factory=list)
    alt_labels: list[str] = field(default_factory=list)
    children: list[VocabularyTerm] = field(default_factory=list)


@dataclass(slots=True)
class VocabularyPage:
    """What the ontology page shows."""

    title: str
    description: str
    version: str
    classes: list[VocabularyTerm]
    properties: list[VocabularyTerm]
    comparators: list[VocabularyTerm]
    individuals: list[VocabularyTerm]
    categories: list[VocabularyTerm]


def _text(graph: Graph, subject: Node, predicate: URIRef, lang: str = "en") -> str:
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for value in values:
        if value.language == lang:
            return str(value)
    return str(values[0]) if values else ""


def _terms(graph: Graph, node: Node) -> list[Term]:
    """A class expression as terms: the members of an ``owl:unionOf``, or the node itself."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return [t for member in Collection(graph, union) for t in _terms(graph, member)]
        return []
    return [Term("iri", str(node), _text(graph, node, RDFS.label) or None)]


def _term(graph: Graph, subject: URIRef, kind: str = "") -> VocabularyTerm:
    name = str(subject).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return VocabularyTerm(
        name=name,
        iri=str(subject),
        label_en=_text(graph, subject, RDFS.label, "en"),
        label_zh=_text(graph, subject, RDFS.label, "zh"),
        comment=_text(graph, subject, RDFS.comment, "en"),
        kind=kind,
        notation=_text(graph, subject, SKOS.notation, ""),
    )


def _jx_subjects(graph: Graph, cls: URIRef) -> list[URIRef]:
    """The ``jx:`` terms of type ``cls``, sorted."""
    found = graph.subjects(RDF.type, cls)
    return sorted(s for s in found if isinstance(s, URIRef) and str(s).startswith(str(JX)))


def _code_key(term: VocabularyTerm) -> tuple[int, str]:
    return (int(term.notation), "") if term.notation.isdigit() else (1 << 30, term.notation)


@cache
def ontology_page_model() -> VocabularyPage:
    """The vocabulary, read from the Turtle files, arranged for the ontology page."""
    g = vocabulary_graph()
    classes: list[VocabularyTerm] = []
    properties: list[VocabularyTerm] = []
    comparators: list[VocabularyTerm] = []
    individuals: list[VocabularyTerm] = []
    for subject in _jx_subjects(g, OWL.Class):
        term = _term(g, subject)
        term.parents = [t for p in g.objects(subject, RDFS.subClassOf) for t in _terms(g, p)]
        classes.append(term)
    kinds = {OWL.ObjectProperty: "object", OWL.DatatypeProperty: "datatype"}
    for kind, label in kinds.items():
        for subject in _jx_subjects(g, kind):
            term = _term(g, subject, label)
            term.domain = [_terms(g, d) for d in g.objects(subject, RDFS.domain)]
            term.range = [_terms(g, r) for r in g.objects(subject, RDFS.range)]
            term.parents = [t for p in g.objects(subject, RDFS.subPropertyOf) for t in _terms(g, p)]
            properties.append(term)
    properties.sort(key=lambda t: t.name.lower())
    for subject in _jx_subjects(g, OWL.NamedIndividual):
        types = [t for t in g.objects(subject, RDF.type) if t != OWL.NamedIndividual]
        term = _term(g, subject)
        term.parents = [t for node in types for t in _terms(g, node)]
        (comparators if JX.Comparator in types else individuals).append(term)
    top = []
    for concept in g.objects(SCHEME_IRI, SKOS.hasTopConcept):
        term = _term(g, concept)  # type: ignore[arg-type]
        term.label_zh = _text(g, concept, SKOS.prefLabel, "zh")
        for narrower in g.subjects(SKOS.broader, concept):
            child = _term(g, narrower)  # type: ignore[arg-type]
            child.label_zh = _text(g, narrower, SKOS.prefLabel, "zh")
            child.alt_labels = sorted(
                str(a)
                for a in g.objects(narrower, SKOS.altLabel)
                if a.language == "zh"  # type: ignore[attr-defined]
            )
            term.children.append(child)
        term.children.sort(key=_code_key)
        top.append(term)
    top.sort(key=_code_key)
    ontology = URIRef("https://w3id.org/jixiao/ontology")
    return VocabularyPage(
        title=_text(g, ontology, URIRef("http://purl.org/dc/terms/title")),
        description=_text(g, ontology, URIRef("http://purl.org/dc/terms/description")),
        version=_text(g, ontology, OWL.versionInfo, ""),
        classes=classes,
        properties=properties,
        comparators=comparators,
        individuals=individuals,
        categories=top,
    )
