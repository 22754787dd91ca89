"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol.

A graph is named indirectly (``/store?graph=IRI``, ``/store?default``) or directly (the
request URL ``/store/some/path`` *is* the graph IRI). Reads are open; PUT, POST and DELETE
need the write token, like SPARQL updates.

``?default`` is the store's own unnamed default graph, which holds nothing jixiao loads
(every document lives in its named graph). SPARQL queries see the union of all graphs —
this one included — as their default graph; the Graph Store Protocol reads and writes the
real one, so what a client PUTs to ``?default`` is exactly what it GETs back.

``GET /store`` without a graph returns the whole dataset (N-Quads or TriG, negotiated);
``POST /store`` without a graph creates a new graph under ``/store/`` and answers
``201 Created`` with its IRI in ``Location``.
"""

from __future__ import annotations

import itertools
import uuid

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response, StreamingResponse

from jixiao.ontology import PREFIXES
from jixiao.service.errors import BadRequest, NotAcceptable, NotFound, UnsupportedMediaType
from jixiao.service.formats import FORMATS, RDF_FORMATS, by_media
from jixiao.service.http.bodies import accepts_gzip, read_body
from jixiao.service.http.dumps import dump_file, inflated
from jixiao.service.http.multipart import multipart_parts
from jixiao.service.http.negotiation import DATASET_OFFERS, format_of, negotiate
from jixiao.service.http.protocol import check_write_token, parse_iri
from jixiao.service.http.state import settings_of, store_of
from jixiao.service.query.text import nesting_depth
from jixiao.service.store.base import Store
from jixiao.service.store.cache import StoreCache
from jixiao.shapes.contexts import ContextRefused, allowed_hosts, self_contained

__all__ = ["router"]

router = APIRouter(tags=["graph store"])

GRAPH_OFFERS = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
# The media types a graph is read in (a graph's formats, not a dataset's).
_GRAPH_INPUT = [m for f in FORMATS if f.kind == "graph" for m in f.media_types]
_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]
_NO_GRAPH = object()


def _target(request: Request, path: str | None) -> object:
    """The graph a request names: an IRI, None (the default graph) or ``_NO_GRAPH``."""
    params = request.query_params
    graphs = params.getlist("graph")
    has_default = "default" in params
    if path is not None:
        if graphs or has_default:
            raise BadRequest("a direct graph URL takes no 'graph' or 'default' parameter")
        return parse_iri(str(request.url.replace(query="", fragment="")), "the graph URL")
    if len(graphs) > 1 or (graphs and has_default):
        raise BadRequest("name one graph: one 'graph=IRI' parameter, or 'default'")
    if graphs:
        return parse_iri(graphs[0], "graph")
    return None if has_default else _NO_GRAPH


def _parse_body(
    body: bytes,
    content_type: str | None,
    base: str,
    context_hosts: frozenset[str],
    max_depth: int,
) -> list[ox.Triple]:
    """The triples of a write's body (every part of a multipart one), or a 4xx: nothing is
    written unless the whole body parses."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        triples: list[ox.Triple] = []
        for number, part in enumerate(multipart_parts(body, content_type), 1):
            if not part.content_type:
                raise BadRequest(f"part {number} of the multipart body has no Content-Type")
            data = bytes(part.data)
            triples += _parse_body(data, part.content_type, base, context_hosts, max_depth)
        return triples
    found = by_media(media)
    if found is None or found.kind != "graph":
        raise UnsupportedMediaType(
            f"cannot read a graph in {media or 'no media type'}; send one of "
            + ", ".join(sorted(_GRAPH_INPUT))
        )
    rdf = RDF_FORMATS[found.key]
    # Oxigraph's JSON-LD and RDF 1.2 parsers recurse per level on the native stack: 5,000
    # nested objects (or 100,000 nested triple terms) kill the process. RDF/XML does not.
    if rdf is not ox.RdfFormat.RDF_XML:
        depth = nesting_depth(body.decode("utf-8", "replace"), max_depth)
        if depth > max_depth:
            raise BadRequest(
                f"the {media} body nests deeper than {max_depth} levels, the limit of this "
                "service (setting max_query_depth)"
            )
    try:
        if rdf is ox.RdfFormat.JSON_LD:
            body = self_contained(body, context_hosts)
        quads = ox.parse(body, format=rdf, base_iri=base)
        return [quad.triple for quad in quads]
    except ContextRefused as exc:
        raise BadRequest(str(exc)) from None
    except (SyntaxError, ValueError) as exc:
        raise BadRequest(f"the {media} body does not parse: {exc}") from None


def _graph_response(request: Request, triples: list[ox.Triple]) -> Response:
    media = negotiate(request.headers.get("accept"), GRAPH_OFFERS)
    if media is None:
        raise NotAcceptable(f"no RDF format fits Accept: {request.headers.get('accept')}")
    rdf = RDF_FORMATS[format_of(media)]
    prefixes = PREFIXES if rdf is ox.RdfFormat.TURTLE else None
    payload = b""
    if request.method != "HEAD":
        payload = ox.serialize(triples, format=rdf, prefixes=prefixes) or b""
    return Response(payload, media_type=media, headers={"Vary": "Accept"})


# A graph of at most this many triples is read into memory and serialized in the format
# asked for; a larger one (the series graph: 1.38M triples at a million in the store) is sent
# as N-Triples lines from a file written once per state of the store (see .dumps), for Turtle
# too, N-Triples being Turtle, and refused in a format that needs the whole graph at once.
IN_MEMORY_TRIPLES = 100_000
_LINES = ("application/n-triples", "text/turtle")


# Whether a graph is past IN_MEMORY_TRIPLES, by graph, until the store's next write.
_LARGE: StoreCache[bool] = StoreCache(1024, name="graph-sizes")


def _more_than(store: Store, graph: str | None, most: int) -> bool:
    """Whether ``graph`` holds more than ``most`` triples (reading at most ``most + 1``)."""
    return sum(1 for _ in itertools.islice(store.quads(graph), most + 1)) > most


async def _graph(request: Request, store: Store, graph: str | None) -> Response:
    if getattr(store, "generation", None) is None:  # a remote store: read as it answers
        return await run_in_threadpool(lambda: _graph_response(request, store.read_graph(graph)))
    most = IN_MEMORY_TRIPLES
    if not await _LARGE.aget(store, (graph, most), lambda: _more_than(store, graph, most)):
        return await run_in_threadpool(lambda: _graph_response(request, store.read_graph(graph)))
    media = negotiate(request.headers.get("accept"), _LINES)
    if media is None:
        raise NotAcceptable(
            f"the graph holds more than {IN_MEMORY_TRIPLES:,} triples: it is sent as "
            f"{' or '.join(_LINES)} only (or as a dump: /dumps/graph.nq.gz?graph=IRI)"
        )
    headers = {"Vary": "Accept, Accept-Encoding"}
    if request.method == "HEAD":
        return Response(b"", media_type=media, headers=headers)
    path = await dump_file(store, graph, form="ntriples")
    assert path is not None
    if accepts_gzip(request):
        headers["Content-Encoding"] = "gzip"
        return FileResponse(path, media_type=media, headers=headers)
    return StreamingResponse(inflated(path), media_type=media, headers=headers)


async def _dataset(request: Request, store: Store) -> Response:
    media = negotiate(request.headers.get("accept"), DATASET_OFFERS)
    if media is None:
        raise NotAcceptable("the whole dataset comes as application/n-quads or application/trig")
    if request.method == "HEAD":
        return Response(b"", media_type=media)
    fmt = RDF_FORMATS[format_of(media)]
    path = await dump_file(store, None, form="trig" if fmt is ox.RdfFormat.TRIG else "nquads")
    if path is None:  # a remote store's own dump
        payload = await run_in_threadpool(store.dump_dataset, fmt)
        return Response(payload, media_type=media, headers={"Vary": "Accept"})
    # Written once per state of the store, compressed, and never held in memory here.
    headers = {"Vary": "Accept, Accept-Encoding"}
    if accepts_gzip(request):
        headers["Content-Encoding"] = "gzip"
        return FileResponse(path, media_type=media, headers=headers)
    return StreamingResponse(inflated(path), media_type=media, headers=headers)


async def _serve(request: Request, path: str | None) -> Response:
    settings, store = settings_of(request), store_of(request)
    target = _target(request, path)
    if request.method in ("GET", "HEAD"):
        if target is _NO_GRAPH:
            return await _dataset(request, store)
        graph: str | None = target  # type: ignore[assignment]
        if graph is not None and not await run_in_threadpool(store.has_graph, graph):
            raise NotFound(f"no graph <{graph}> in the store")
        return await _graph(request, store, graph)

    check_write_token(request.headers.get("authorization"), settings.write_token)
    if request.method == "DELETE":
        if target is _NO_GRAPH:
            raise BadRequest("DELETE needs a graph: 'graph=IRI' or 'default'")
        graph = target  # type: ignore[assignment]
        if graph is not None and not await run_in_threadpool(store.has_graph, graph):
            raise NotFound(f"no graph <{graph}> in the store")
        await run_in_threadpool(store.drop_graph, graph)
        return Response(status_code=204)

    body = await read_body(request, settings.max_body_bytes, settings.body_timeout)
    created_location: str | None = None
    if target is _NO_GRAPH:
        if request.method == "PUT":
            raise BadRequest("PUT needs a graph: 'graph=IRI' or 'default'")
        created_location = str(request.url_for("graph_store_direct", path=uuid.uuid4().hex))
        target = created_location
    graph = target  # type: ignore[assignment]
    hosts = allowed_hosts(settings.jsonld_context_hosts)
    media, base = request.headers.get("content-type"), graph or str(request.url)
    depth = settings.max_query_depth
    triples = await run_in_threadpool(_parse_body, body, media, base, hosts, depth)
    existed = graph is None or await run_in_threadpool(store.has_graph, graph)
    replace = request.method == "PUT"
    await run_in_threadpool(lambda: store.write_graph(graph, triples, replace=replace))
    if created_location is not None:
        return Response(status_code=201, headers={"Location": created_location})
    return Response(status_code=204 if existed else 201)


async def graph_store(request: Request) -> Response:
    """Read (open) or write (token) a graph; the whole dataset without a graph parameter."""
    return await _serve(request, None)


async def graph_store_direct(request: Request, path: str) -> Response:
    """The graph whose IRI is this URL."""
    return await _serve(request, path)


_DOC = {
    200: {
        "description": "The graph (Turtle, N-Triples, JSON-LD, RDF/XML) or, without a graph "
        "parameter, the whole dataset (N-Quads, TriG)."
    },
    201: {"description": "Graph created (POST without a graph: `Location` names it)."},
    204: {"description": "Graph replaced, merged or deleted."},
    401: {"description": "Write without `Authorization: Bearer <token>`."},
    404: {"description": "No such graph."},
}
for _method in _METHODS:
    router.add_api_route(
        "/store",
        graph_store,
        methods=[_method],
        operation_id=f"graph_store_{_method.lower()}",
        summary=f"Graph Store Protocol {_method} (?graph=IRI, ?default, or the whole dataset)",
        responses=_DOC,  # type: ignore[arg-type]
    )
    router.add_api_route(
        "/store/{path:path}",
        graph_store_direct,
        methods=[_method],
        name="graph_store_direct",
        operation_id=f"graph_store_direct_{_method.lower()}",
        summary=f"Graph Store Protocol {_method} (direct: this URL is the graph IRI)",
    )
