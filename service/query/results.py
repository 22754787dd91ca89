"""Serialising query results: the W3C result formats, RDF formats, and a table for people."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import pyoxigraph as ox

from jixiao.ontology import PREFIXES
from jixiao.service.query.formats import RDF_FORMATS, RESULT_FORMATS
from jixiao.service.store.base import QueryResult

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


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…" + " " * (width - used - 1)


def render_table(result: QueryResult, *, max_width: int = 60) -> str:
    """A plain-text table for a terminal (CJK characters count double)."""
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    if isinstance(result, ox.QueryTriples):
        return serialize(result, "turtle").decode("utf-8")
    names = [v.value for v in result.variables]
    rows = [[_term_text(solution[name]) for name in names] for solution in result]
    return _layout(names, rows, max_width) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"


def _layout(names: list[str], rows: Iterable[list[str]], max_width: int) -> str:
    rows = list(rows)
    widths = [
        min(max_width, max([_width(n)] + [_width(r[i].replace("\n", " ")) for r in rows]))
        for i, n in enumerate(names)
    ]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [" | ".join(_fit(n, w) for n, w in zip(names, widths, strict=True)), line]
    out += [" | ".join(_fit(c, w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(s.rstrip() for s in out)
