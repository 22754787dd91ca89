"""The dataset described and downloadable: ``GET /.well-known/void`` and ``GET /dumps/…``
(what they hold: :mod:`jixiao.service.answers.void`).

Dumps are N-Quads, gzip-compressed as they are written, so a large store never sits in memory
(over the embedded store written to a file once per state of the store, then sent from it):
``GET /dumps/dataset.nq.gz`` (everything), ``GET /dumps/doc/{key}/{year}.nq.gz`` (one
document's graph) and ``GET /dumps/graph.nq.gz?graph=IRI`` (any named graph).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import AsyncIterator

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response, StreamingResponse

from jixiao.service.answers.void import (
    DatasetCounts,
    dataset_counts,
    dataset_description,
    dump_chunks,
)
from jixiao.service.formats import rdflib_name
from jixiao.service.http.dumps import dump_file
from jixiao.service.http.negotiation import negotiate
from jixiao.service.http.state import AppSettings, AppStore, settings_of, store_of
from jixiao.service.http.templating import error_response
from jixiao.service.store.base import Store
from jixiao.service.store.cache import StoreCache

__all__ = ["router"]

router = APIRouter(tags=["dataset"])


_OFFERS = ("text/turtle", "application/ld+json", "application/n-triples")
# Kept until the store's next write, computed once however many ask at once: the counts read
# the whole store (2.9 s at a million triples), and anyone may ask. A description is kept
# per site it was asked at (the Host header) and format; a new site costs only its writing.
_COUNTS: StoreCache[DatasetCounts] = StoreCache(1, name="void-counts")
_DESCRIPTIONS: StoreCache[bytes] = StoreCache(16, name="void")


def _site(request: Request) -> str:
    return str(request.base_url)


@router.get("/.well-known/void", summary="VoID + DCAT description of the dataset")
async def void(request: Request, store: AppStore, settings: AppSettings) -> Response:
    """The dataset: size, endpoint, dumps, vocabularies, and one subset per named graph."""
    media = negotiate(request.headers.get("accept"), _OFFERS)
    if media is None:
        offered = ", ".join(_OFFERS)
        message = f"no representation fits Accept; offered: {offered}"
        return error_response(request, 406, "NotAcceptable", message, {"Vary": "Accept"})
    base, site = settings.base_iri, _site(request)
    counts = await _COUNTS.aget(store, "counts", lambda: dataset_counts(store))

    def build() -> bytes:
        graph = dataset_description(store, site, base, counts)
        return graph.serialize(format=rdflib_name(media) or "turtle", encoding="utf-8")

    body = await _DESCRIPTIONS.aget(store, (site, media), build)
    return Response(body, media_type=media, headers={"Vary": "Accept"})


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


async def _dump(request: Request, graph: str | None, filename: str) -> Response:
    store = store_of(request)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    path = await dump_file(store, graph)
    if path is None:  # a remote store: streamed as it is read
        return StreamingResponse(
            _streamed(store, graph), media_type="application/gzip", headers=headers
        )
    return FileResponse(path, media_type="application/gzip", headers=headers)


@router.get("/dumps/dataset.nq.gz", summary="The whole dataset as gzip-compressed N-Quads")
async def dump_dataset(request: Request) -> Response:
    """Every quad of every graph (written once per state of the store)."""
    return await _dump(request, None, "dataset.nq.gz")


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
    base = settings_of(request).base_iri
    return await _dump_named(request, f"{base}doc/{rest.removesuffix('.nq.gz')}")


async def _dump_named(request: Request, graph: str) -> Response:
    store = store_of(request)
    known = await run_in_threadpool(store.named_graphs)
    if graph not in known:
        return error_response(request, 404, "NotFound", f"no graph <{graph}> in this dataset")
    name = graph.rstrip("/").rsplit("/", 2)
    return await _dump(request, graph, "-".join(name[-2:]) + ".nq.gz")
