"""Reading and running the W3C SPARQL 1.1 test suites (``../shared/w3c/rdf-tests``).

Manifests are read with rdflib; HTTP cases go to the real app through ``httpx``; results are
compared as the suites say: status classes, result formats, booleans, RDF graphs by
isomorphism, solution sequences as bags with blank-node isomorphism.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.term import Node

SHARED = Path(__file__).resolve().parents[2] / "shared"
SPARQL11 = SHARED / "w3c" / "rdf-tests" / "sparql" / "sparql11"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")

QUERY_FOLDERS = (
    "aggregates", "bind", "bindings", "cast", "construct", "exists", "functions", "grouping",
    "negation", "project-expression", "property-path", "subquery", "json-res", "csv-tsv-res",
)  # fmt: skip
STATUS = {
    "StatusCode2xx": range(200, 300),
    "StatusCode3xx": range(300, 400),
    "StatusCode4xx": range(400, 500),
    "OK": range(200, 201),
    "Created": range(201, 202),
    "NoContent": range(204, 205),
    "NotFound": range(404, 405),
}


def load_manifest(path: Path) -> Graph:
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.as_uri())
    return graph


def entries(graph: Graph) -> list[Node]:
    """The manifest's entries, in order."""
    out: list[Node] = []
    for _, _, head in graph.triples((None, MF.entries, None)):
        out += list(Collection(graph, head))
    return out


# --- HTTP cases (protocol, graph store) -----------------------------------------------


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    statuses: list[range]
    expected_boolean: bool | None = None
    expected_format: str | None = None
    expected_content_type: str | None = None
    expected_body: str | None = None
    location_var: str | None = None


@dataclass
class HttpCase:
    name: str
    requests: list[HttpRequest]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)


def _headers(graph: Graph, node: Node) -> dict[str, str]:
    out: dict[str, str] = {}
    head = graph.value(node, HT.headers)
    if head is not None:
        for header in Collection(graph, head):
            name = str(graph.value(header, HT.fieldName))
            out[name.lower()] = str(graph.value(header, HT.fieldValue))
    return out


def http_cases(manifest: Path) -> list[HttpCase]:
    graph = load_manifest(manifest)
    cases = []
    for entry in entries(graph):
        action = graph.value(entry, MF.action)
        requests = []
        for request in Collection(graph, graph.value(action, HT.requests)):
            response = graph.value(request, HT.resp)
            body = graph.value(request, HT.body)
            rbody = graph.value(response, HT.body)
            boolean = graph.value(response, MF.expectedBoolean)
            fmt = graph.value(response, MF.expectedFormat)
            location = graph.value(response, MF.expectedLocation)
            requests.append(
                HttpRequest(
                    method=str(graph.value(request, HT.methodName)),
                    path=str(graph.value(request, HT.absolutePath)),
                    headers=_headers(graph, request),
                    body=None if body is None else str(graph.value(body, CNT.chars)),
                    statuses=[
                        STATUS[str(s).rsplit("#", 1)[1]]
                        for s in graph.objects(response, MF.expectedStatus)
                    ],
                    expected_boolean=None if boolean is None else boolean.toPython(),
                    expected_format=None if fmt is None else str(fmt),
                    expected_content_type=_headers(graph, response).get("content-type"),
                    expected_body=None if rbody is None else str(graph.value(rbody, CNT.chars)),
                    location_var=None if location is None else str(location),
                )
            )
        data = [
            (
                Path(str(graph.value(d, UT.graph)).removeprefix("file://")),
                str(graph.value(d, RDFS.label)),
            )
            for d in graph.objects(entry, UT.graphData)
        ]
        cases.append(HttpCase(str(graph.value(entry, MF.name)), requests, data))
    return cases


def check_response(request: HttpRequest, status: int, headers: Any, content: bytes) -> str | None:
    """None if the response is what the case expects, else why not."""
    if request.statuses and not any(status in r for r in request.statuses):
        return f"{request.method} {request.path}: status {status}"
    media = headers.get("content-type", "").split(";")[0].strip()
    if request.expected_content_type:
        want = request.expected_content_type.split(";")[0].strip()
        if media != want:
            return f"content-type {media}, expected {want}"
    if request.expected_format == "boolean" or request.expected_boolean is not None:
        fmt = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
               "application/sparql-results+xml": ox.QueryResultsFormat.XML}.get(media)  # fmt: skip
        if fmt is None:
            return f"boolean result in {media}"
        result = ox.parse_query_results(content, fmt)
        if not isinstance(result, ox.QueryBoolean):
            return "not a boolean result"
        if request.expected_boolean is not None and bool(result) != request.expected_boolean:
            return f"boolean {bool(result)}"
    if request.expected_format == "tabular" and media not in (
        "application/sparql-results+json", "application/sparql-results+xml",
        "text/csv", "text/tab-separated-values",
    ):  # fmt: skip
        return f"tabular result in {media}"
    if request.expected_format == "RDF":
        rdf = ox.RdfFormat.from_media_type(media)
        if rdf is None:
            return f"RDF result in {media}"
        list(ox.parse(content, format=rdf))
    if request.expected_body is not None and status == 200 and content:
        got, want = Graph(), Graph()
        got.parse(data=content.decode("utf-8"), format="turtle")
        want.parse(data=request.expected_body, format="turtle")
        if not isomorphic(got, want):
            return "graph not isomorphic to the expected one"
    return None


# --- query evaluation -----------------------------------------------------------------


@dataclass
class QueryCase:
    name: str
    query: Path
    data: list[Path]
    graph_data: list[Path]
    result: Path


def query_cases() -> list[QueryCase]:
    cases = []
    for folder in QUERY_FOLDERS:
        graph = load_manifest(SPARQL11 / folder / "manifest.ttl")
        for entry in entries(graph):
            kind = graph.value(entry, RDF.type)
            if kind not in (MF.QueryEvaluationTest, MF.CSVResultFormatTest):
                continue
            action = graph.value(entry, MF.action)

            def files(p: URIRef, action: Node = action, graph: Graph = graph) -> list[Path]:
                return [Path(str(o).removeprefix("file://")) for o in graph.objects(action, p)]

            cases.append(
                QueryCase(
                    f"{folder}/{graph.value(entry, MF.name)}",
                    files(QT.query)[0],
                    files(QT.data),
                    files(QT.graphData),
                    Path(str(graph.value(entry, MF.result)).removeprefix("file://")),
                )
            )
    return cases


def rdf_format(path: Path) -> ox.RdfFormat:
    return {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
            ".rdf": ox.RdfFormat.RDF_XML}[path.suffix]  # fmt: skip


def data_quads(case: QueryCase, default: ox.NamedNode | None) -> Iterator[ox.Quad]:
    """The case's data: ``qt:data`` into ``default`` (None: the default graph)."""
    for path in case.data:
        for quad in ox.parse(path=path, format=rdf_format(path), base_iri=path.as_uri()):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, default)
    for path in case.graph_data:
        for quad in ox.parse(path=path, format=rdf_format(path), base_iri=path.as_uri()):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(path.as_uri()))


def expected_result(path: Path) -> object:
    """Expected SELECT/ASK result (list of dicts or bool), a Graph, or CSV rows."""
    if path.suffix in (".ttl", ".nt", ".rdf"):
        graph = Graph()
        graph.parse(path, format={".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}[path.suffix])
        result_set = graph.value(None, RDF.type, RS.ResultSet)
        return graph if result_set is None else _result_set(path)
    if path.suffix == ".csv":
        return csv_rows(path.read_bytes())
    fmt = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
           ".tsv": ox.QueryResultsFormat.TSV}[path.suffix]  # fmt: skip
    return solutions(ox.parse_query_results(path=path, format=fmt))


def solutions(result: object) -> object:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in result]
    graph = Graph()
    data = ox.serialize(list(result), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[call-overload]
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {
    XSD + t
    for t in (
        *("integer", "decimal", "double", "float", "int", "long", "short", "byte"),
        *("nonNegativeInteger", "positiveInteger", "unsignedInt"),
    )
}


def canon(term: object) -> str:
    """A term as text, numeric literals by value (``3.0E4`` and ``30000`` as doubles agree)."""
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        try:
            value = Decimal(term.value.strip())
        except InvalidOperation:
            return str(term)
        if term.datatype.value in (XSD + "double", XSD + "float"):
            return f"{float(value)!r}^^{term.datatype.value}"
        return f"{value.normalize()}^^{term.datatype.value}"
    return str(term)


def _bnodes_match(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> bool:
    """Bag equality up to a consistent renaming of blank nodes (backtracking)."""

    def key(row: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        return tuple(
            sorted((k, "_" if isinstance(v, ox.BlankNode) else canon(v)) for k, v in row.items())
        )

    if Counter(map(key, got)) != Counter(map(key, want)):
        return False

    def solve(i: int, used: set[int], mapping: dict[str, str]) -> bool:
        if i == len(got):
            return True
        for j, candidate in enumerate(want):
            if j in used or key(candidate) != key(got[i]):
                continue
            extra = {}
            ok = True
            for name, term in got[i].items():
                if isinstance(term, ox.BlankNode):
                    target = candidate[name].value
                    bound = mapping.get(term.value, extra.get(term.value))
                    taken = target in {*mapping.values(), *extra.values()}
                    if (bound is None and taken) or (bound is not None and bound != target):
                        ok = False
                    extra[term.value] = target
            if ok and solve(i + 1, used | {j}, {**mapping, **extra}):
                return True
        return False

    return solve(0, set(), {})


def same_result(got: object, want: object) -> bool:
    if isinstance(want, Graph):
        return isinstance(got, Graph) and isomorphic(got, want)
    if isinstance(want, bool) or isinstance(got, bool):
        return got == want
    if isinstance(want, Counter):
        return got == want
    assert isinstance(got, list) and isinstance(want, list)
    if not any(isinstance(v, ox.BlankNode) for row in want for v in row.values()):

        def bag(rows: list[dict[str, Any]]) -> Counter[tuple[tuple[str, str], ...]]:
            return Counter(tuple(sorted((k, canon(v)) for k, v in r.items())) for r in rows)

        return bag(got) == bag(want)
    return _bnodes_match(got, want)


def csv_rows(content: bytes) -> Counter[frozenset[tuple[str, str]]]:
    """CSV rows as a bag of {column: value} (column order is free)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    header = rows[0] if rows else []
    return Counter(frozenset(zip(header, row, strict=False)) for row in rows[1:])


def _result_set(path: Path) -> object:
    """An ``rs:ResultSet`` graph (the DAWG RDF result format) as solutions or a boolean."""
    store = ox.Store()
    store.load(path=path, format=rdf_format(path), base_iri=path.as_uri())
    rs = f"<{RS}"
    boolean = list(store.query(f"SELECT ?b {{ ?r a {rs}ResultSet> ; {rs}boolean> ?b }}"))
    if boolean:
        return boolean[0]["b"].value == "true"
    query = f"""SELECT ?solution ?name ?value {{ ?r a {rs}ResultSet> ; {rs}solution> ?solution .
        OPTIONAL {{ ?solution {rs}binding> [ {rs}variable> ?name ; {rs}value> ?value ] }} }}"""
    rows: dict[str, dict[str, Any]] = {}
    for s in store.query(query):
        row = rows.setdefault(str(s["solution"]), {})
        if s["name"] is not None:
            row[s["name"].value] = s["value"]
    return list(rows.values())


def parse_http_result(media: str, content: bytes) -> object:
    if media == "application/sparql-results+json":
        return solutions(ox.parse_query_results(content, ox.QueryResultsFormat.JSON))
    if media == "text/tab-separated-values":
        return solutions(ox.parse_query_results(content, ox.QueryResultsFormat.TSV))
    if media == "text/csv":
        return csv_rows(content)
    graph = Graph()
    graph.parse(data=content.decode("utf-8"), format="nt")
    return graph


def write_summary(name: str, figures: dict[str, Any]) -> Path:
    """Record pass counts under ``.pytest_cache/w3c/NAME.json`` (and print them)."""
    out = Path(__file__).resolve().parents[1] / ".pytest_cache" / "w3c"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nW3C {name}: {json.dumps(figures, ensure_ascii=False)[:600]}")
    return path
