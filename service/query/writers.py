"""Writing a :class:`~.evaluation.Collected` result in the W3C formats.

SELECT/ASK results go out as SPARQL 1.1 Query Results JSON, XML, CSV or TSV (written here,
because a capped result is a list, not a pyoxigraph iterator); CONSTRUCT/DESCRIBE triples
go through pyoxigraph's RDF serialisers.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from jixiao.ontology import PREFIXES
from jixiao.service.formats import RDF_FORMATS
from jixiao.service.query.collect import Collected

__all__ = ["write"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def write(result: Collected, fmt: str) -> bytes:
    """``result`` serialised as format key ``fmt`` (see :mod:`jixiao.service.http.negotiation`)."""
    if result.kind == "triples":
        rdf = RDF_FORMATS[fmt]
        triples = result.triples or []
        if rdf is ox.RdfFormat.TURTLE or rdf is ox.RdfFormat.TRIG:
            return ox.serialize(triples, format=rdf, prefixes=PREFIXES) or b""
        return ox.serialize(triples, format=rdf) or b""
    writer = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}[fmt]
    return writer(result)


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(type(term).__name__)


def _json(result: Collected) -> bytes:
    if result.kind == "boolean":
        doc: dict[str, object] = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [
            {name: _json_term(row[name]) for name in result.variables if row[name] is not None}
            for row in result.rows or []
        ]
        doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            datatype = quoteattr(term.datatype.value)
            return f"<literal datatype={datatype}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
        inner = "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts)
        return f"<triple>{inner}</triple>"
    raise TypeError(type(term).__name__)


def _xml(result: Collected) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    out.append("<head>")
    out.extend(f"<variable name={quoteattr(v)}/>" for v in result.variables)
    out.append("</head>")
    if result.kind == "boolean":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows or []:
            out.append("<result>")
            for name in result.variables:
                term = row[name]
                if term is not None:
                    out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_term(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _csv(result: Collected) -> bytes:
    if result.kind == "boolean":
        return b"_askResult\r\n" + (b"true" if result.boolean else b"false") + b"\r\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows or []:
        writer.writerow([_csv_term(row[name]) for name in result.variables])
    return buffer.getvalue().encode("utf-8")


def _tsv(result: Collected) -> bytes:
    if result.kind == "boolean":
        return b"?_askResult\n" + (b"true" if result.boolean else b"false") + b"\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows or []:
        lines.append(
            "\t".join("" if row[name] is None else str(row[name]) for name in result.variables)
        )
    return ("\n".join(lines) + "\n").encode("utf-8")
