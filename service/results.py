"""Serialising query results: the W3C result formats, RDF formats, and a table for people."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from .tables import aligned

if TYPE_CHECKING:
    from .store import QueryResult

__all__ = ["RDF_FORMATS", "RESULT_FORMATS", "render_table", "serialize"]

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
PREFIXES = {
    "jx": "https://w3id.org/jixiao/ontology#",
    "jxc": "https://w3id.org/jixiao/indicator-category/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
}


def serialize(result: QueryResult, fmt: str) -> bytes:
    """Serialise a result: SELECT/ASK to a result format, CONSTRUCT/DESCRIBE to an RDF one."""
    if isinstance(result, ox.QueryTriples):
        rdf = RDF_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        if rdf is ox.RdfFormat.TURTLE:
            out = ox.serialize(result, format=rdf, prefixes=PREFIXES)
        else:
            out = result.serialize(format=rdf)
    else:
        results_format = RESULT_FORMATS.get(fmt)
        if results_format is None:
            raise ValueError(f"unknown result format {fmt!r}")
        out = result.serialize(format=results_format)
    assert out is not None  # no output file given: the bytes are returned
    return out


def _term_text(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def render_table(result: QueryResult, *, max_width: int = 60) -> str:
    """An aligned table for a terminal (CJK characters count double)."""
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    if isinstance(result, ox.QueryTriples):
        return serialize(result, "turtle").decode("utf-8")
    names = [v.value for v in result.variables]
    rows = [[_term_text(solution[name]) for name in names] for solution in result]
    table = aligned(names, rows, max_width=max_width)
    return table + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"
