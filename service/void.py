"""The dataset described and downloadable: ``/.well-known/void`` and ``/dumps/…``.

``GET /.well-known/void`` is a VoID + DCAT description of what the service holds: the whole
dataset (``void:Dataset``/``dcat:Dataset``, its triple count, SPARQL endpoint, dump and
vocabularies, entities per class), and one subset per named graph (each document, the
organisations, the vocabulary, the series) with its own triple count and dump.

Dumps are N-Quads, gzip-compressed while they stream, so a large store never sits in memory:
``GET /dumps/dataset.nq.gz`` (everything), ``GET /dumps/doc/{key}/{year}.nq.gz`` (one
document's graph) and ``GET /dumps/graph.nq.gz?graph=IRI`` (any named graph).
"""

from __future__ import annotations

import queue
import threading
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, PROV, SKOS, VOID

from jixiao.ontology import JXC, ONTOLOGY_IRI, PREFIXES
from jixiao.service.describe import checked_iri
from jixiao.service.negotiation import negotiate
from jixiao.service.pages import error_response
from jixiao.service.store.base import Store

__all__ = ["dataset_description", "dump_chunks", "router"]

router = APIRouter(tags=["dataset"])

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
JX = PREFIXES["jx"]

_OFFERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class GraphInfo:
    """One named graph: its IRI, triple count, and a label and year for documents."""

    iri: str
    triples: int
    label: str | None = None
    year: int | None = None


def _rows(store: Store, sparql: str) -> Iterator[dict[str, object]]:
    result = store.query(sparql)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        for solution in result:
            yield {n: solution[n] for n in names}


def _value(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_DOCUMENTS = f"""\
SELECT ?g ?label ?year WHERE {{
  GRAPH ?g {{ ?g a <{JX}BudgetDocument> .
    OPTIONAL {{ ?g <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
    OPTIONAL {{ ?g <{JX}budgetYear> ?year }} }}
}}"""
_CLASSES = f"""\
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  ?s a ?class FILTER (STRSTARTS(STR(?class), "{JX}"))
}} GROUP BY ?class ORDER BY ?class"""


def graphs(store: Store) -> list[GraphInfo]:
    """Every named graph with its size; documents first (by year), then the rest by IRI."""
    sizes = {_value(r["g"]): int(_value(r["n"]) or 0) for r in _rows(store, _GRAPH_SIZES)}
    documents: dict[str, tuple[str | None, int | None]] = {}
    for row in _rows(store, _DOCUMENTS):
        iri, year = _value(row["g"]), _value(row["year"])
        if iri and iri not in documents:
            documents[iri] = (_value(row["label"]), int(year) if year else None)
    infos = [
        GraphInfo(iri, count, *documents.get(iri, (None, None)))
        for iri, count in sizes.items()
        if iri is not None
    ]
    return sorted(infos, key=lambda g: (g.year is None, g.year or 0, g.iri))


def _subset_name(iri: str, base: str) -> str:
    if iri.startswith(base):
        return iri[len(base) :]
    return "ontology" if iri == str(ONTOLOGY_IRI) else iri.rsplit("/", 1)[-1]


def _distribution(graph: Graph, node: URIRef, url: str) -> None:
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCAT.downloadURL, URIRef(url)))
    graph.add((node, DCAT.mediaType, IANA["application/n-quads"]))
    graph.add((node, DCAT.compressFormat, IANA["application/gzip"]))


def dataset_description(store: Store, site: str, base: str) -> Graph:
    """The VoID + DCAT description of ``store`` as served at ``site`` (ending in ``/``)."""
    here = f"{site}.well-known/void#"
    dataset, service = URIRef(here + "dataset"), URIRef(here + "sparql")
    dump = f"{site}dumps/dataset.nq.gz"
    g = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("sd", SD)):
        g.bind(prefix, ns)
    g.bind("jx", Namespace(JX))
    found = graphs(store)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("jixiao: project performance targets", lang="en")))
    g.add((dataset, DCTERMS.title, Literal("项目支出绩效目标", lang="zh")))
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Performance-target tables of project expenditure (项目支出绩效目标表) of "
                "Chinese departmental budgets as RDF: one named graph per document.",
                lang="en",
            ),
        )
    )
    g.add((dataset, VOID.triples, Literal(sum(i.triples for i in found), datatype=XSD.integer)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{site}sparql")))
    g.add((dataset, VOID.dataDump, URIRef(dump)))
    g.add((dataset, VOID.uriSpace, Literal(base)))
    for vocabulary in (JX, str(JXC), str(ORG), str(PROV), str(SKOS), str(DCTERMS), str(DCAT)):
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    whole = URIRef(here + "dump")
    g.add((dataset, DCAT.distribution, whole))
    _distribution(g, whole, dump)
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, URIRef(f"{site}sparql")))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((dataset, DCAT.accessService, service))
    for row in _rows(store, _CLASSES):
        cls, count = _value(row["class"]), _value(row["n"])
        if cls and count:
            partition = URIRef(here + "class-" + cls[len(JX) :])
            g.add((dataset, VOID.classPartition, partition))
            g.add((partition, VOID["class"], URIRef(cls)))
            g.add((partition, VOID.entities, Literal(int(count), datatype=XSD.integer)))
    for info in found:
        name = _subset_name(info.iri, base)
        subset = URIRef(here + name)
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, RDF.type, DCAT.Dataset))
        g.add((subset, SD.name, URIRef(info.iri)))
        g.add((subset, VOID.triples, Literal(info.triples, datatype=XSD.integer)))
        g.add((subset, DCTERMS.title, Literal(info.label or name)))
        if info.year is not None:
            g.add((subset, VOID.rootResource, URIRef(info.iri)))
        url = (
            f"{site}dumps/{name}.nq.gz"
            if name.startswith("doc/")
            else f"{site}dumps/graph.nq.gz?graph={info.iri}"
        )
        distribution = URIRef(here + name + "/dump")
        g.add((subset, DCAT.distribution, distribution))
        g.add((subset, VOID.dataDump, URIRef(url)))
        _distribution(g, distribution, url)
    return g


def _site(request: Request) -> str:
    return str(request.base_url)


@router.get("/.well-known/void", summary="VoID + DCAT description of the dataset")
async def void(request: Request) -> Response:
    """The dataset: size, endpoint, dumps, vocabularies, and one subset per named graph."""
    media = negotiate(request.headers.get("accept"), tuple(_OFFERS))
    if media is None:
        offered = ", ".join(_OFFERS)
        message = f"no representation fits Accept; offered: {offered}"
        return error_response(request, 406, "NotAcceptable", message, {"Vary": "Accept"})
    store, base = request.app.state.store, request.app.state.settings.base_iri

    def build() -> bytes:
        graph = dataset_description(store, _site(request), base)
        return graph.serialize(format=_OFFERS[media], encoding="utf-8")

    body = await run_in_threadpool(build)
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def dump_chunks(store: Store, graph: str | None) -> Iterator[bytes]:
    """The quads of ``graph`` (or of the whole store) as gzip-compressed N-Quads chunks."""
    gzip = zlib.compressobj(6, zlib.DEFLATED, 31)
    buffered: list[str] = []
    size = 0
    for line in _nquads(store, graph):
        buffered.append(line)
        size += len(line)
        if size >= _CHUNK:
            yield gzip.compress("".join(buffered).encode("utf-8"))
            buffered, size = [], 0
    yield gzip.compress("".join(buffered).encode("utf-8")) + gzip.flush()


def _nquads(store: Store, graph: str | None) -> Iterator[str]:
    raw = getattr(store, "raw", None)
    if isinstance(raw, ox.Store):
        name = ox.NamedNode(graph) if graph else None
        for quad in raw.quads_for_pattern(None, None, None, name):
            yield f"{quad} .\n"
        return
    if graph is not None and checked_iri(graph) is None:
        return
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
    for row in _rows(store, f"SELECT * WHERE {{ {where} }}"):
        terms = [row["s"], row["p"], row["o"], row.get("g") or ox.NamedNode(str(graph))]
        yield f"{ox.Quad(*terms)} .\n"  # type: ignore[arg-type]


async def _streamed(store: Store, graph: str | None) -> AsyncIterator[bytes]:
    """:func:`dump_chunks`, produced in one thread of its own.

    A pyoxigraph iterator must stay on the thread that made it, but a streaming response
    pulls a plain iterator in whatever pool thread is free, chunk by chunk — which broke any
    dump longer than one chunk. Here one producer thread iterates, a small queue hands the
    chunks over, and the producer stops when the client goes away.
    """
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=8)
    stop = threading.Event()

    def produce() -> None:
        try:
            for chunk in dump_chunks(store, graph):
                while not stop.is_set():
                    try:
                        chunks.put(chunk, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            chunks.put(None)
        except Exception as exc:  # handed to the response, which ends the stream
            chunks.put(exc)

    threading.Thread(target=produce, name="jixiao-dump", daemon=True).start()
    try:
        while True:
            item = await run_in_threadpool(chunks.get)
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def _dump(request: Request, graph: str | None, filename: str) -> StreamingResponse:
    return StreamingResponse(
        _streamed(request.app.state.store, graph),
        media_type="application/gzip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/dumps/dataset.nq.gz", summary="The whole dataset as gzip-compressed N-Quads")
def dump_dataset(request: Request) -> StreamingResponse:
    """Every quad of every graph, streamed."""
    return _dump(request, None, "dataset.nq.gz")


@router.get("/dumps/graph.nq.gz", summary="One named graph as gzip-compressed N-Quads")
async def dump_graph(
    request: Request, graph: str | None = Query(None, description="the named graph's IRI")
) -> Response:
    """The named graph ``graph`` (400 without one, 404 if the store has no such graph)."""
    if not graph:
        return error_response(request, 400, "BadRequest", "give the graph: ?graph=IRI")
    return await _dump_named(request, graph)


@router.get("/dumps/doc/{rest:path}", summary="One document's graph as gzip-compressed N-Quads")
async def dump_document(rest: str, request: Request) -> Response:
    """``/dumps/doc/{key}/{year}.nq.gz``: the graph of the document ``{base}doc/{key}/{year}``."""
    if not rest.endswith(".nq.gz"):
        return error_response(request, 404, "NotFound", f"no dump /dumps/doc/{rest}")
    base = request.app.state.settings.base_iri
    return await _dump_named(request, f"{base}doc/{rest.removesuffix('.nq.gz')}")


async def _dump_named(request: Request, graph: str) -> Response:
    store = request.app.state.store
    known = await run_in_threadpool(store.named_graphs)
    if graph not in known:
        return error_response(request, 404, "NotFound", f"no graph <{graph}> in this dataset")
    name = graph.rstrip("/").rsplit("/", 2)
    return _dump(request, graph, "-".join(name[-2:]) + ".nq.gz")
