"""Ingesting a corpus: many source tables in one run, linked once at the end.

``jixiao ingest`` of one file relinks every series after loading it — right for one document,
quadratic for hundreds. :func:`ingest_corpus` reads, maps and validates the documents in
batches in worker processes (each document is independent; both cores work), loads each
batch's valid documents in one transaction as the batches come back — every graph whole, or
none — and rebuilds the series graph once. At most ``workers + 1`` batches are out at a time,
the next submitted as each load ends: the workers prepare while a batch loads, and prepared
batches cannot pile up in memory however large the corpus. A document that cannot be read or
violates the shapes is refused on its own, its graph left as it was, and the others still
load.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rdflib import URIRef

from jixiao.ingest.errors import JixiaoError
from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.overrides import Overrides
from jixiao.ingest.mapping import MappedDocument
from jixiao.ingest.source import read_and_map
from jixiao.ingest.years import year_in_name
from jixiao.service.pipeline.linking import update_series
from jixiao.service.pipeline.load import MAX_INPUT_BYTES, IngestResult
from jixiao.service.pipeline.sources import (
    Source,
    manifest_years,
    read_source,
    source_of,
    sources_in,
    table_files,
)
from jixiao.service.store.base import Store
from jixiao.service.store.factory import load_vocabulary
from jixiao.service.store.statements import Statements

__all__ = [
    "CorpusResult",
    "Refusal",
    "Source",
    "exit_with_parent",
    "ingest_corpus",
    "manifest_years",
    "source_of",
    "sources_in",
    "table_files",
    "year_in_name",
]


@dataclass(frozen=True, slots=True)
class Refusal:
    """A document that was not loaded, and why (one line)."""

    name: str
    reason: str


@dataclass(slots=True)
class CorpusResult:
    """What a corpus ingest did, with the time each stage took (seconds)."""

    loaded: list[IngestResult] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    prepare_seconds: float = 0.0  # read, map and validate, summed over the workers
    load_seconds: float = 0.0
    link_seconds: float = 0.0
    seconds: float = 0.0  # wall clock, end to end

    @property
    def triples(self) -> int:
        return sum(r.triples for r in self.loaded)

    @property
    def rows(self) -> int:
        """Project and indicator rows loaded."""
        return sum(r.projects + r.indicators for r in self.loaded)


@dataclass(frozen=True, slots=True)
class _Loadable:
    """A valid document as the loading process needs it: its graph's name and year, and the
    statements of its graph and of the organisations it adds, written in the worker."""

    iri: URIRef
    year: int
    statements: Statements
    organizations: Statements

    @property
    def triples(self) -> int:
        return len(self.statements) + len(self.organizations)


@dataclass(slots=True)
class _Prepared:
    name: str
    mapped: MappedDocument | None  # in the worker only: sent back as ``loadable``
    refusal: str | None
    units: int = 0
    projects: int = 0
    indicators: int = 0
    seconds: float = 0.0
    loadable: _Loadable | None = None


def _prepare(
    batch: list[tuple[str, int]], base_iri: str, fail_on: str, max_bytes: int = MAX_INPUT_BYTES
) -> list[_Prepared]:
    """Read, map and validate a batch of documents (runs in a worker process): the shapes run
    once over the whole batch, each document still judged on its own."""
    from jixiao.shapes.validate import validate_documents

    minter = IriMinter(base_iri)
    out: list[_Prepared] = []
    for path_text, year in batch:
        started = time.perf_counter()
        path = Path(path_text)
        try:
            read = read_and_map(read_source(path, max_bytes), path.name, year, minter)
            mapped = read.mapped
        except JixiaoError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            out.append(_Prepared(path.name, None, reason, seconds=time.perf_counter() - started))
            continue
        out.append(
            _Prepared(
                path.name,
                mapped,
                None,
                units=read.units,
                projects=read.projects,
                indicators=read.indicators,
                seconds=time.perf_counter() - started,
            )
        )
    readable = [p for p in out if p.mapped is not None]
    started = time.perf_counter()
    reports = validate_documents(
        [p.mapped for p in readable if p.mapped is not None],
        base_iri=base_iri,
        titles=[p.name for p in readable],
    )
    share = (time.perf_counter() - started) / max(len(readable), 1)
    for prepared, report in zip(readable, reports, strict=True):
        prepared.seconds += share
        document, prepared.mapped = prepared.mapped, None  # not sent back: its statements are
        if report.fails(fail_on):
            counts = report.counts
            prepared.refusal = (
                f"violates the shapes: {counts['Violation']} violations, "
                f"{counts['Warning']} warnings (fail on {fail_on}); "
                f"`jixiao validate {prepared.name} --year …` shows them"
            )
        elif document is not None:
            started = time.perf_counter()
            prepared.loadable = _Loadable(
                document.iri,
                document.year,
                Statements.of(document.triples),
                Statements.of(document.organization_triples),
            )
            prepared.seconds += time.perf_counter() - started
    return out


def _batches(sources: Sequence[Source], size: int) -> Iterator[list[tuple[str, int]]]:
    for start in range(0, len(sources), size):
        yield [(str(s.path), s.year) for s in sources[start : start + size]]


def ingest_corpus(
    sources: Sequence[Source],
    store: Store,
    minter: IriMinter,
    overrides: Overrides | None = None,
    *,
    fail_on: str = "violation",
    workers: int = 2,
    batch: int = 8,
    progress: Callable[[int], object] = lambda n: None,
    max_bytes: int = MAX_INPUT_BYTES,
) -> CorpusResult:
    """Ingest ``sources``: prepare in ``workers`` processes (0: here), load, link once.

    ``progress(n)`` is called as each batch of ``n`` documents is loaded (or refused).
    """
    started = time.perf_counter()
    result = CorpusResult()
    load_vocabulary(store)
    batches = list(_batches(sources, batch))
    if workers > 0 and len(batches) > 1:
        prepare = partial(_prepare, base_iri=minter.base, fail_on=fail_on, max_bytes=max_bytes)
        with closing(_prepared_in_workers(prepare, batches, workers)) as prepared:
            for documents in prepared:
                _load(documents, store, minter, result)
                progress(len(documents))
    else:
        for documents_batch in batches:
            documents_here = _prepare(documents_batch, minter.base, fail_on, max_bytes)
            _load(documents_here, store, minter, result)
            progress(len(documents_batch))
    linking = time.perf_counter()
    update_series(store, minter, overrides)
    result.link_seconds = time.perf_counter() - linking
    result.seconds = time.perf_counter() - started
    return result


def _prepared_in_workers(
    prepare: Callable[[list[tuple[str, int]]], list[_Prepared]],
    batches: Iterable[list[tuple[str, int]]],
    workers: int,
) -> Generator[list[_Prepared], None, None]:
    """The prepared batches in order, from ``workers`` processes, at most ``workers + 1`` of
    them submitted and not yet loaded: the next is submitted when the caller asks for one,
    that is when its last load has ended, so results cannot pile up in this process. Closing
    it early (a load failed) cancels the batches not yet started."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        pending: deque[Future[list[_Prepared]]] = deque()
        try:
            for batch in batches:
                pending.append(pool.submit(prepare, batch))
                if len(pending) > workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def exit_with_parent(parent: int) -> None:
    """A worker's initializer: exit once the ingest that started it has gone (killed, say).
    Waiting on its call queue alone, it would wait for ever: it holds that queue's write end
    too, so it never sees the end of it."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="jixiao-exit-with-parent", daemon=True).start()


def _load(
    documents: list[_Prepared], store: Store, minter: IriMinter, result: CorpusResult
) -> None:
    """Load a batch's valid documents in one transaction: each graph whole, or none."""
    valid = []
    for document in documents:
        result.prepare_seconds += document.seconds
        if document.loadable is None:
            result.refused.append(Refusal(document.name, document.refusal or "refused"))
        else:
            valid.append((document, document.loadable))
    if not valid:
        return
    loading = time.perf_counter()
    organizations = Statements(
        [line for _, d in valid for line in d.organizations.plain],
        [line for _, d in valid for line in d.organizations.blank],
    )
    store.replace_graphs(
        [(loadable.iri, loadable.statements) for _, loadable in valid],
        add=[(minter.organizations_graph, organizations)],
    )
    result.load_seconds += time.perf_counter() - loading
    result.loaded.extend(
        IngestResult(
            document=loadable.iri,
            year=loadable.year,
            units=document.units,
            projects=document.projects,
            indicators=document.indicators,
            triples=loadable.triples,
            seconds=document.seconds,
        )
        for document, loadable in valid
    )
