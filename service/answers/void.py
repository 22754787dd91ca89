"""The dataset described and dumped (served by :mod:`jixiao.service.http.routes.void`).

:func:`dataset_description` is a VoID + DCAT description of what the service holds: the whole
dataset (``void:Dataset``/``dcat:Dataset``, its triple count, SPARQL endpoint, dump and
vocabularies, entities per class), and one subset per named graph (each document, the
organisations, the vocabulary, the series) with its own triple count and dump.

A dump (:func:`dump_chunks`) is N-Quads, gzip-compressed chunk by chunk, so a large store
never sits in memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, PROV, SKOS, VOID

from jixiao.ontology import JXC, ONTOLOGY_IRI, PREFIXES
from jixiao.service.store.base import Store

__all__ = [
    "DatasetCounts",
    "GraphInfo",
    "dataset_counts",
    "dataset_description",
    "dump_chunks",
    "graphs",
    "write_dump",
]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
JX = PREFIXES["jx"]

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


@dataclass(frozen=True, slots=True)
class DatasetCounts:
    """What a description counts in the store: its named graphs (:func:`graphs`) and the
    entities of each jixiao class, by class IRI."""

    graphs: tuple[GraphInfo, ...]
    classes: tuple[tuple[str, int], ...]


def dataset_counts(store: Store) -> DatasetCounts:
    """Count the graphs and the classes' entities of ``store`` (reads the whole store)."""
    classes = []
    for row in _rows(store, _CLASSES):
        cls, count = _value(row["class"]), _value(row["n"])
        if cls and count:
            classes.append((cls, int(count)))
    return DatasetCounts(tuple(graphs(store)), tuple(classes))


def dataset_description(
    store: Store, site: str, base: str, counts: DatasetCounts | None = None
) -> Graph:
    """The VoID + DCAT description of ``store`` as served at ``site`` (ending in ``/``),
    from ``counts`` if given (else counted now)."""
    counts = counts or dataset_counts(store)
    here = f"{site}.well-known/void#"
    dataset, service = URIRef(here + "dataset"), URIRef(here + "sparql")
    dump = f"{site}dumps/dataset.nq.gz"
    g = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("sd", SD)):
        g.bind(prefix, ns)
    g.bind("jx", Namespace(JX))
    found = counts.graphs
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
    for cls, count in counts.classes:
        partition = URIRef(here + "class-" + cls[len(JX) :])
        g.add((dataset, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(cls)))
        g.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
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


def dump_chunks(store: Store, graph: str | None, *, form: str = "nquads") -> Iterator[bytes]:
    """The quads of ``graph`` (or of the whole store) as gzip-compressed chunks of N-Quads,
    of TriG (``form="trig"``: each run of quads of one graph in a block of its own) or of
    N-Triples (``form="ntriples"``: the triples, whatever their graph)."""
    gzip = zlib.compressobj(6, zlib.DEFLATED, 31)
    buffered: list[str] = []
    size = 0
    for line in _FORMS[form](store, graph):
        buffered.append(line)
        size += len(line)
        if size >= _CHUNK:
            yield gzip.compress("".join(buffered).encode("utf-8"))
            buffered, size = [], 0
    yield gzip.compress("".join(buffered).encode("utf-8")) + gzip.flush()


def write_dump(store: Store, graph: str | None, path: Path, *, form: str = "nquads") -> None:
    """:func:`dump_chunks` into ``path``, written beside it and renamed once whole."""
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as out:
            for chunk in dump_chunks(store, graph, form=form):
                out.write(chunk)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _nquads(store: Store, graph: str | None) -> Iterator[str]:
    for quad in store.quads(graph):
        yield f"{quad} .\n"


def _trig(store: Store, graph: str | None) -> Iterator[str]:
    current: object = None
    for quad in store.quads(graph):
        name = quad.graph_name
        if current is None or name != current:
            if current is not None:
                yield "}\n"
            yield "{\n" if isinstance(name, ox.DefaultGraph) else f"{name} {{\n"
            current = name
        yield f"{quad.subject} {quad.predicate} {quad.object} .\n"
    if current is not None:
        yield "}\n"


def _ntriples(store: Store, graph: str | None) -> Iterator[str]:
    for quad in store.quads(graph):
        yield f"{quad.subject} {quad.predicate} {quad.object} .\n"


_FORMS = {"nquads": _nquads, "trig": _trig, "ntriples": _ntriples}
