"""Serialising query results: the W3C result formats, RDF formats, and a table for people."""

from __future__ import annotations

import pyoxigraph as ox

from jixiao.ontology import PREFIXES
from jixiao.service.formats import RDF_FORMATS, RESULT_FORMATS
from jixiao.service.store.base import QueryResult
from jixiao.service.tables import aligned

__all__ = ["render_table", "serialize"]


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
