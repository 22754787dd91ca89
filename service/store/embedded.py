"""The embedded Oxigraph store (on disk or in memory).

Every backend speaks in pyoxigraph's result types (``QuerySolutions``, ``QueryBoolean``,
``QueryTriples``), so the service and the CLI serialise results the same way whatever the
store; :func:`~.factory.open_store` picks the backend from the STORE setting.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from jixiao.service.errors import QueryError, StoreError
from jixiao.service.store.base import ClosedOnExit, QueryResult, query_store, store_errors
from jixiao.service.store.statements import Statements, Triples
from jixiao.service.store.updates import graph_write_update, replace_graphs_update

__all__ = ["EmbeddedStore", "SparqlGraphWrites"]


class SparqlGraphWrites:
    """Graph writes as single SPARQL updates, which the store applies atomically."""

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        raise NotImplementedError

    def replace_graphs(
        self,
        replace: Sequence[tuple[URIRef, Triples]],
        add: Sequence[tuple[URIRef, Triples]] = (),
    ) -> None:
        self.update(replace_graphs_update(replace, add))

    def write_graph(
        self, graph: str | None, triples: Sequence[ox.Triple], *, replace: bool
    ) -> None:
        self.update(graph_write_update(graph, triples, replace=replace))

    def drop_graph(self, graph: str | None) -> None:
        self.update(graph_write_update(graph, (), replace=True))


class EmbeddedStore(SparqlGraphWrites, ClosedOnExit):
    """The embedded store: pyoxigraph on disk (``path``) or in memory (``path=None``).

    The SPARQL default graph is the union of all named graphs unless a query names its
    default graphs. Writes go through SPARQL Update, which Oxigraph applies in one
    transaction: a document's graph is replaced entirely or not at all.
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        # Bumped by every write, so readers of snapshots know when theirs is stale.
        self.generation = 0
        self._writing = threading.RLock()  # one write at a time: check-then-load stays atomic
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                if not path.is_dir():
                    raise StoreError(f"no store at {path} (load one with `jixiao ingest`)")
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from None

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph store (for bulk work in benchmarks and tests)."""
        return self._store

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        return query_store(
            self._store,
            sparql,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            base_iri=base_iri,
        )

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        with store_errors("update"), self._writing:
            self._store.update(sparql, base_iri=base_iri)
        self.generation += 1

    def snapshot(self, target: Path) -> None:
        """A consistent copy of the on-disk store at ``target`` (a RocksDB checkpoint: hard
        links where it can, so it is cheap); worker processes read it, see
        :mod:`jixiao.service.query.runner`."""
        if self.path is None:
            raise StoreError("an in-memory store has no snapshots")
        try:
            self._store.backup(str(target))
        except OSError as exc:
            raise StoreError(f"cannot snapshot the store into {target}: {exc}") from None

    def replace_graphs(
        self,
        replace: Sequence[tuple[URIRef, Triples]],
        add: Sequence[tuple[URIRef, Triples]] = (),
    ) -> None:
        """Atomically: drop each graph of ``replace`` and fill it anew; add ``add``.

        When none of the graphs to replace exists yet (a first ingest) there is nothing to
        drop, and the quads go in as N-Quads, not parsed as SPARQL. On disk they go in by
        Oxigraph's bulk loader, which writes sorted files beside the database and adds them all
        at the end in one RocksDB ingestion, atomic across its column families: a failed parse
        or a killed process leaves none of them (``tests/store/test_robustness_store.py`` holds it
        to that). That is about 3.5× faster than a transaction, which writes every index entry
        through a locked batch (1.26M quads: 8.7 s against 29.6 s).
        """
        with self._writing:
            try:
                if any(self.has_graph(str(graph)) for graph, _ in replace):
                    super().replace_graphs(replace, add)
                    return
                self._load_new_graphs(replace, add)
            except ValueError as exc:  # a term that RDF does not allow
                raise QueryError(f"cannot write the triples: {exc}") from None
            self.generation += 1

    def _load_new_graphs(
        self, replace: Sequence[tuple[URIRef, Triples]], add: Sequence[tuple[URIRef, Triples]]
    ) -> None:
        quads: list[str] = []
        for graph, triples in [*replace, *add]:
            name = f"{ox.NamedNode(str(graph))} ."  # "s p o ." → "s p o <graph> ."
            quads.extend(f"{statement[:-1]}{name}" for statement in Statements.of(triples))
        data = "\n".join(quads).encode()
        del quads
        load = self._store.load if self.path is None else self._store.bulk_load
        try:
            load(data, format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise QueryError(f"cannot load the quads: {exc}") from None
        except OSError as exc:
            raise StoreError(f"the store failed: {exc}") from None

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def read_graph(self, graph: str | None) -> list[ox.Triple]:
        name = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, name)]

    def dump_dataset(self, format: ox.RdfFormat) -> bytes:
        return self._store.dump(format=format) or b""

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        try:
            name = ox.NamedNode(graph) if graph else None
        except ValueError:
            return iter(())
        return iter(self._store.quads_for_pattern(None, None, None, name))

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        """Flush what is written; the store object stays usable until garbage-collected."""
        if self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                self._store.flush()
