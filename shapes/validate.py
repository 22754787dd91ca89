"""Running the shapes: each document on its own, by the compiled engine or by pySHACL.

Each budget document is independent, so a document is validated on its own: its graph, the
organisations it mentions and the vocabulary (the indicator scheme, for ``sh:class`` and the
level-2-under-level-1 rule). Cost therefore grows with the size of one document, not of the
store; checks that span documents are SPARQL on the store (:mod:`.store_checks`).

Two engines run the same shapes and give the same reports. ``"oxigraph"`` (the default) is
the shapes compiled to SPARQL once per base IRI (:mod:`.compiler`) and run on one Oxigraph
store for a whole batch of documents (:mod:`.engine`); :func:`validate_documents` and
:func:`validate_graphs` validate many at once. ``"pyshacl"`` is the reference: pySHACL on an
rdflib graph, one document at a time. A document Oxigraph cannot hold as rdflib does is
validated by the reference. (Where a rule's SELECT uses SAMPLE, the value it picks may
differ: pySHACL's changes from run to run, the engine's does not; see :mod:`.sparql_rules`.)

pySHACL patches rdflib globals when it is imported: a server must call these functions in a
worker process, never in the threads that answer queries (see
``jixiao.service.http.routes.validate``).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from jixiao.ingest.errors import InputError, UsageError
from jixiao.ingest.iris import DEFAULT_BASE, IriMinter
from jixiao.ingest.mapping import MappedDocument
from jixiao.ingest.source import read_and_map
from jixiao.ontology import vocabulary_graph
from jixiao.shapes.compiled.cache import cached
from jixiao.shapes.compiled.checks import CompiledShapes
from jixiao.shapes.compiled.engine import Document, NeedsReference, validate_batch
from jixiao.shapes.contexts import ContextRefused, self_contained
from jixiao.shapes.extra import ExtraShapes, load_extra_shapes
from jixiao.shapes.report import Report, pyshacl_report

__all__ = [
    "ENGINES",
    "JXSH",
    "SHAPES_IRI",
    "SHAPES_TTL",
    "extra_shapes",
    "parse_rdf",
    "shapes_graph",
    "validate_document",
    "validate_documents",
    "validate_graph",
    "validate_graphs",
    "validate_source",
]

# RDF syntaxes accepted for validation by file suffix (the command line): rdflib's parsers.
RDF_SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}

SHAPES_IRI = URIRef("https://w3id.org/jixiao/shapes")
JXSH = Namespace("https://w3id.org/jixiao/shapes#")
SHAPES_TTL = Path(__file__).with_name("jixiao-shapes.ttl")

# The shape whose sh:pattern says where instance IRIs live; written for DEFAULT_BASE.
_IRI_SHAPE = JXSH.InstanceIriShape

ENGINES = ("oxigraph", "pyshacl")  # the compiled engine (default) and the reference
_BATCH_TRIPLES = 250_000  # documents per Oxigraph store: about this many triples
_log = logging.getLogger(__name__)


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Any:
    from rdflib.plugins.sparql import prepareQuery  # for pySHACL only: its import is slow

    return prepareQuery(text, initNs=dict(namespaces))


class _DocumentGraph(Graph):
    """A graph that parses each distinct SPARQL text once.

    pySHACL sends a SHACL-SPARQL constraint's text to ``query`` once per focus node, and rdflib
    spends ~7 ms parsing it against ~0.1 ms evaluating it; caching the parsed query makes the
    SPARQL-based shapes about 50 times faster while pySHACL still does all the validating.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str) and not kwargs.get("initNs"):
            namespaces = tuple(sorted((p, str(n)) for p, n in self.namespaces()))
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, *args, **kwargs)


def base_pattern(base_iri: str) -> str:
    """The sh:pattern (a regular expression) of IRIs under ``base_iri``."""
    return "^" + re.escape(base_iri)


@cache
def _parsed_shapes(base_iri: str) -> Graph:
    graph = Graph()
    try:
        graph.parse(SHAPES_TTL, format="turtle")
    except Exception as exc:  # a broken shapes file is an input error, not a traceback
        raise InputError(f"the shapes graph does not load: {exc}", file=SHAPES_TTL.name) from None
    graph.set((_IRI_SHAPE, SH.pattern, Literal(base_pattern(base_iri))))
    return graph


def shapes_graph(base_iri: str = DEFAULT_BASE) -> Graph:
    """The shapes, with instance IRIs required to be under ``base_iri`` (a fresh copy)."""
    parsed = _parsed_shapes(base_iri)
    graph = Graph()
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace, override=True)
    graph += parsed
    return graph


def parse_rdf(
    data: bytes, fmt: str, name: str = "<upload>", *, context_hosts: Collection[str] = ()
) -> Graph:
    """Parse an RDF document (``fmt`` an rdflib parser name); :class:`InputError` if it fails.

    A JSON-LD document's contexts are fetched only from ``context_hosts`` (see
    :mod:`.contexts`); one it names elsewhere is an :class:`InputError` naming it.
    """
    if fmt == "json-ld":
        try:
            data = self_contained(data, context_hosts)
        except ContextRefused as exc:
            raise InputError(str(exc), file=name) from None
    graph = Graph()
    try:
        with warnings.catch_warnings():  # rdflib's JSON-LD parser warns about its internals
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many kinds; all mean the same to a user
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"not valid {fmt} RDF: {detail[:300]}", file=name) from None
    return graph


def _compile(base_iri: str) -> CompiledShapes:
    from jixiao.shapes.compiled.compiler import compile_shapes

    return compile_shapes(_parsed_shapes(base_iri))


@cache
def _compiled(base_iri: str) -> CompiledShapes:
    return cached(f"compiled {base_iri}", partial(_compile, base_iri))


@cache
def _vocabulary_triples() -> tuple[Any, ...]:
    return cached("vocabulary", lambda: tuple(vocabulary_graph()))


def _reference_graph(data: Graph, with_vocabulary: bool) -> Graph:
    """What pySHACL validates: a copy of ``data``, with the vocabulary if asked."""
    graph = _DocumentGraph()
    graph += data
    if with_vocabulary:
        graph += vocabulary_graph()
    return graph


def _pyshacl(
    data: Graph, base_iri: str, with_vocabulary: bool, title: str, extra: ExtraShapes | None
) -> Report:
    shapes = _parsed_shapes(base_iri) if extra is None else extra.shapes
    graph = _reference_graph(data, with_vocabulary)
    return pyshacl_report(graph, shapes, shapes, title)


def extra_shapes(data: bytes, name: str, base_iri: str = DEFAULT_BASE) -> ExtraShapes:
    """A department's own shapes (Turtle, JSON-LD or N-Triples by ``name``'s suffix), split
    between the engines; :class:`UsageError` if they cannot run."""
    fmt = RDF_SUFFIXES.get(Path(name).suffix.lower(), "turtle")
    try:
        graph = parse_rdf(data, fmt, name)
    except InputError as exc:
        raise UsageError(f"{name}: the shapes file is {exc.message}") from None
    return load_extra_shapes(graph, name, _parsed_shapes(base_iri), _compiled(base_iri))


@dataclass(frozen=True, slots=True)
class _Input:
    """One document to validate, as each engine wants it."""

    graph: Callable[[], Graph]  # the document's graph, for pySHACL
    triples: Callable[[], Iterable[Any]]  # its triples, for the compiled engine
    size: int
    with_vocabulary: bool
    title: str

    def reference(self) -> Graph:
        return _reference_graph(self.graph(), self.with_vocabulary)

    def document(self) -> Document:
        vocabulary = _vocabulary_triples() if self.with_vocabulary else ()
        return Document(self.triples(), self.reference, vocabulary, self.title)


def _batches(inputs: Sequence[_Input]) -> Iterator[Sequence[_Input]]:
    """Consecutive documents of about :data:`_BATCH_TRIPLES` triples (at least one each)."""
    start = 0
    while start < len(inputs):
        end, size = start + 1, inputs[start].size
        while end < len(inputs) and size + inputs[end].size <= _BATCH_TRIPLES:
            size += inputs[end].size
            end += 1
        yield inputs[start:end]
        start = end


def _validate(
    inputs: Sequence[_Input], base_iri: str, engine: str, extra: ExtraShapes | None = None
) -> list[Report]:
    if engine == "pyshacl":
        return [_pyshacl(i.graph(), base_iri, i.with_vocabulary, i.title, extra) for i in inputs]
    if engine != "oxigraph":
        raise UsageError(f"unknown validation engine {engine!r} (expected oxigraph or pyshacl)")
    compiled = _compiled(base_iri) if extra is None else extra.compiled
    reports: list[Report] = []
    for batch in _batches(inputs):
        outcomes = validate_batch([i.document() for i in batch], compiled)
        for given, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, NeedsReference):
                _log.info(
                    "%s: validated with pySHACL: %s", given.title or "a graph", outcome.reason
                )
                outcome = _pyshacl(
                    given.graph(), base_iri, given.with_vocabulary, given.title, extra
                )
            elif extra is not None:
                outcome = extra.add_reference_results(outcome, given.reference())
            reports.append(outcome)
    return reports


def _mapped_input(mapped: MappedDocument, title: str) -> _Input:
    return _Input(
        graph=mapped.combined,
        triples=lambda: mapped.triples + mapped.organization_triples,
        size=len(mapped.triples) + len(mapped.organization_triples),
        with_vocabulary=True,
        title=title,
    )


def validate_graph(
    data: Graph,
    *,
    base_iri: str = DEFAULT_BASE,
    with_vocabulary: bool = True,
    title: str = "",
    engine: str = "oxigraph",
    extra: ExtraShapes | None = None,
) -> Report:
    """Validate one document's graph (its triples and its organisations) against the shapes.

    ``data`` is not changed. With ``with_vocabulary`` the ontology and the indicator scheme
    are added to a copy first, as the rules on indicator categories need them. ``engine`` is
    ``"oxigraph"`` (the compiled shapes) or ``"pyshacl"`` (the reference); both give the
    same report.
    """
    titles = [title]
    return validate_graphs(
        [data],
        base_iri=base_iri,
        with_vocabulary=with_vocabulary,
        engine=engine,
        titles=titles,
        extra=extra,
    )[0]


def validate_graphs(
    graphs: Sequence[Graph],
    *,
    base_iri: str = DEFAULT_BASE,
    with_vocabulary: bool = True,
    engine: str = "oxigraph",
    extra: ExtraShapes | None = None,
    titles: Sequence[str] | None = None,
) -> list[Report]:
    """:func:`validate_graph` for many graphs at once: one report per graph, in order."""
    names = list(titles) if titles is not None else [""] * len(graphs)
    inputs = [
        _Input(partial(_same, g), partial(_same, g), len(g), with_vocabulary, t)
        for g, t in zip(graphs, names, strict=True)
    ]
    return _validate(inputs, base_iri, engine, extra)


def _same(graph: Graph) -> Graph:
    return graph


def validate_document(
    mapped: MappedDocument,
    *,
    base_iri: str = DEFAULT_BASE,
    title: str = "",
    engine: str = "oxigraph",
    extra: ExtraShapes | None = None,
) -> Report:
    """Validate a mapped document: :meth:`MappedDocument.combined` plus the vocabulary."""
    return _validate([_mapped_input(mapped, title)], base_iri, engine, extra)[0]


def validate_documents(
    mapped_docs: Sequence[MappedDocument],
    *,
    base_iri: str = DEFAULT_BASE,
    engine: str = "oxigraph",
    extra: ExtraShapes | None = None,
    titles: Sequence[str] | None = None,
) -> list[Report]:
    """Validate many mapped documents, each on its own, in as few batches as fit in memory.

    One report per document, in order; the same reports as :func:`validate_document` gives
    one by one. With ``"oxigraph"`` every rule runs once per batch of documents.
    """
    names = list(titles) if titles is not None else [""] * len(mapped_docs)
    inputs = [_mapped_input(m, t) for m, t in zip(mapped_docs, names, strict=True)]
    return _validate(inputs, base_iri, engine, extra)


def validate_source(
    data: bytes,
    source_name: str,
    year: int,
    *,
    base_iri: str = DEFAULT_BASE,
    engine: str = "oxigraph",
    extra: ExtraShapes | None = None,
) -> Report:
    """Read, map and validate one source table (:class:`InputError` if it cannot be read)."""
    mapped = read_and_map(data, source_name, year, IriMinter(base_iri)).mapped
    title = f"{source_name} ({year})"
    return validate_document(mapped, base_iri=base_iri, title=title, engine=engine, extra=extra)
