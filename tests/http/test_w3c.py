"""The W3C SPARQL 1.1 suites over HTTP against the real app (and directly on pyoxigraph).

Pass counts go to ``.pytest_cache/w3c/*.json`` and to stdout (``-s``). The protocol,
Graph Store and service-description cases must all pass; the query-evaluation folders must
pass at least as many tests over HTTP as the embedded engine passes directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from support import w3c_runner as w3c
from support.app import WRITE_TOKEN, app_client

from jixiao.ontology import ONTOLOGY_IRI
from jixiao.service.settings import Settings

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not w3c.SPARQL11.is_dir(), reason=f"W3C suites absent: {w3c.SPARQL11}"),
]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
BASE = "http://www.example"
AUTH = {"authorization": f"Bearer {WRITE_TOKEN}"}


def _settings() -> Settings:
    return Settings(store=":memory:", write_token=WRITE_TOKEN)


async def _empty(client: httpx.AsyncClient) -> None:
    """Drop the vocabulary the app loads at start: the suites expect an empty store."""
    client._transport.app.state.store.drop_graph(ONTOLOGY_IRI)  # type: ignore[attr-defined]


async def _run_http_case(case: w3c.HttpCase, rewrite: dict[str, str]) -> str | None:
    async with app_client(_settings(), base_url=BASE) as client:
        await _empty(client)
        store = client._transport.app.state.store  # type: ignore[attr-defined]
        for path, name in case.graph_data:
            triples = [q.triple for q in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)]
            store.write_graph(name, triples, replace=True)
        variables: dict[str, str] = {}
        for request in case.requests:
            path = request.path
            for old, new in rewrite.items():
                path = path.replace(old, new)
            for name, value in variables.items():
                path = path.replace(name, value)
            response = await client.request(
                request.method,
                path,
                headers={**AUTH, **request.headers},
                content=None if request.body is None else request.body.encode("utf-8"),
            )
            why = w3c.check_response(
                request, response.status_code, response.headers, response.content
            )
            if why:
                return f"{case.name}: {why}: {response.text[:200]}"
            if request.location_var:
                variables[request.location_var] = response.headers["location"]
    return None


@pytest.mark.parametrize(
    ("manifest", "rewrite", "expected"),
    [
        ("protocol/manifest.ttl", {"/sparql/": "/sparql"}, 34),
        (
            "graph-store-protocol/manifest-indirect.ttl",
            {"/gsp": "/store", "%2Fgsp%2F": "%2Fstore%2F"},
            9,
        ),
        (
            "graph-store-protocol/manifest-direct.ttl",
            {"/gsp": "/store", "%2Fgsp%2F": "%2Fstore%2F"},
            4,  # five tests are defined; the manifest's entries list four
        ),
    ],
)
async def test_http_suite(manifest: str, rewrite: dict[str, str], expected: int) -> None:
    cases = w3c.http_cases(w3c.SPARQL11 / manifest)
    failures = [why for case in cases if (why := await _run_http_case(case, rewrite))]
    w3c.write_summary(
        manifest.replace("/", "-").removesuffix(".ttl"),
        {"cases": len(cases), "passed": len(cases) - len(failures), "failures": failures},
    )
    assert len(cases) == expected
    assert failures == []


async def test_service_description() -> None:
    """has-endpoint-triple, returns-rdf, conforms-to-schema (the three SD cases)."""
    async with app_client(_settings(), base_url=BASE) as client:
        response = await client.get("/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200  # returns-rdf
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    services = list(graph.subjects(URIRef(str(w3c.RDF.type)), SD.Service))
    assert len(services) == 1
    service = services[0]
    assert (service, SD.endpoint, URIRef(f"{BASE}/sparql")) in graph  # has-endpoint-triple
    # conforms-to-schema: the properties have the ranges the SD vocabulary gives them
    languages = set(graph.objects(service, SD.supportedLanguage))
    assert languages <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update} and languages
    assert SD.UnionDefaultGraph in set(graph.objects(service, SD.feature))
    assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, w3c.RDF.type, SD.Dataset) in graph
    assert graph.value(dataset, SD.defaultGraph) is not None
    w3c.write_summary("service-description", {"cases": 3, "passed": 3})


# --- query evaluation -----------------------------------------------------------------

DATA_GRAPH = "urn:jixiao:w3c:data"
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
JSON = "application/sparql-results+json"
# What each kind of expected result asks the endpoint for (CONSTRUCT answers in N-Triples).
ACCEPT = {
    ".srx": "application/sparql-results+xml, application/n-triples;q=0.9",
    ".srj": f"{JSON}, application/n-triples;q=0.9",
    ".tsv": "text/tab-separated-values",
    ".csv": "text/csv",
    ".ttl": f"application/n-triples, {JSON};q=0.9",
}

# Measured with this harness on pyoxigraph 0.5.13; the anchor is 223 for Oxigraph's
# own server. The cases left are the engine's (KNOWN_ENGINE_FAILURES).
FLOOR = 224
KNOWN_ENGINE_FAILURES = {
    "aggregates/COUNT: no GROUP BY inside of GRAPH": "GRAPH ?g scoping (in Oxigraph's list)",
    "aggregates/GROUP_CONCAT with one element": "keeps the language tag (w3c/rdf-tests#281)",
    "aggregates/GROUP_CONCAT with same language tag": "keeps the language tag (w3c/rdf-tests#281)",
    "bindings/VALUES inside GRAPH binding the same variable as the graph name":
        "GRAPH ?g scoping (in Oxigraph's list)",
    "negation/outer GRAPH operator does not affect MINUS disjointness":
        "GRAPH ?g scoping (in Oxigraph's list)",
    "property-path/* with start being a constant on the empty dataset":
        "zero-length path on an empty dataset (in Oxigraph's list)",
    "property-path/* with end being a constant on the empty dataset":
        "zero-length path on an empty dataset (in Oxigraph's list)",
    "property-path/? with start being a constant on the empty dataset":
        "zero-length path on an empty dataset (in Oxigraph's list)",
    "property-path/? with end being a constant on the empty dataset":
        "zero-length path on an empty dataset (in Oxigraph's list)",
    "functions/BNODE(str)": "BNODE(\"foo\") is _:foo in every solution, not a fresh node",
    "csv-tsv-res/tsv03 - TSV Result Format":
        "the store turns \"-3\"^^xsd:negativeInteger into xsd:integer",
}  # fmt: skip


def _direct(case: w3c.QueryCase) -> str | None:
    """None if pyoxigraph itself gives the expected result, else what differs."""
    store = ox.Store()
    store.extend(w3c.data_quads(case, None))
    for path in case.graph_data:
        store.add_graph(ox.NamedNode(path.as_uri()))
    query = case.query.read_text("utf-8")
    order = w3c.order_variables(query)

    def run() -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return store.query(query, base_iri=case.query.as_uri())

    got = w3c.solutions(run())
    if case.result.suffix == ".csv" and isinstance(got, w3c.Solutions):
        # pyoxigraph's CSV writer must write those solutions, which must be the expected ones
        again = run()
        assert isinstance(again, ox.QuerySolutions)
        content = again.serialize(format=ox.QueryResultsFormat.CSV)
        if why := w3c.csv_renders(content, got, order):
            return why
    return w3c.compare(got, w3c.expected_result(case.result), order)


async def _over_http(client: httpx.AsyncClient, case: w3c.QueryCase) -> str | None:
    """None if jixiao's /sparql gives the expected result, else what differs."""
    store = client._transport.app.state.store  # type: ignore[attr-defined]
    store.update("DROP SILENT ALL")
    query = case.query.read_text("utf-8")
    params: list[tuple[str, str]] = []
    if case.graph_data and not _FROM.search(query):
        # the endpoint's default graph is the union: name the test's dataset explicitly
        store.raw.extend(w3c.data_quads(case, ox.NamedNode(DATA_GRAPH)))
        for path in case.graph_data:
            store.raw.add_graph(ox.NamedNode(path.as_uri()))
        params = [("default-graph-uri", DATA_GRAPH)]
        params += [("named-graph-uri", p.as_uri()) for p in case.graph_data]
    else:
        store.raw.extend(w3c.data_quads(case, None))

    async def ask(accept: str) -> httpx.Response:
        return await client.post(
            "/sparql?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params),
            content=f"BASE <{case.query.as_uri()}>\n{query}".encode(),
            headers={"content-type": "application/sparql-query", "accept": accept},
        )

    order = w3c.order_variables(query)
    response = await ask(ACCEPT[case.result.suffix])
    if response.status_code != 200:
        return f"status {response.status_code}: {response.text[:120]}"
    media = response.headers["content-type"].split(";")[0]
    if media == "text/csv":
        # CSV drops term types: the same query in JSON gives the terms, which the CSV must
        # write faithfully and which must be the expected ones
        typed = await ask(JSON)
        got = w3c.parse_http_result(JSON, typed.content)
        if not isinstance(got, w3c.Solutions):
            return f"solutions expected, got {type(got).__name__}"
        if why := w3c.csv_renders(response.content, got, order):
            return why
    else:
        got = w3c.parse_http_result(media, response.content)
    return w3c.compare(got, w3c.expected_result(case.result), order)


def _folder_table(cases: list[w3c.QueryCase], direct: set[str], http: set[str]) -> str:
    folders = list(dict.fromkeys(c.name.split("/")[0] for c in cases))
    lines = [f"{'folder':<20}{'cases':>6}{'direct':>8}{'http':>6}"]
    for folder in folders:
        names = [c.name for c in cases if c.name.split("/")[0] == folder]
        lines.append(
            f"{folder:<20}{len(names):>6}{len(direct.intersection(names)):>8}"
            f"{len(http.intersection(names)):>6}"
        )
    lines.append(f"{'total':<20}{len(cases):>6}{len(direct):>8}{len(http):>6}")
    return "\n".join(lines)


def _attempt(check: Callable[[], str | None]) -> str | None:
    try:
        return check()
    except Exception as exc:  # a case that cannot run fails with its error
        return f"{type(exc).__name__}: {exc}"[:200]


@pytest.mark.slow
async def test_query_evaluation() -> None:
    cases = w3c.query_cases()
    direct = {case.name: _attempt(partial(_direct, case)) for case in cases}
    http: dict[str, str | None] = {}
    async with app_client(_settings(), base_url=BASE) as client:
        for case in cases:
            try:
                http[case.name] = await _over_http(client, case)
            except Exception as exc:
                http[case.name] = f"{type(exc).__name__}: {exc}"[:200]
    direct_passed = {name for name, why in direct.items() if why is None}
    http_passed = {name for name, why in http.items() if why is None}
    failed = {
        c.name: {"direct": direct[c.name], "http": http[c.name],
                 "known": KNOWN_ENGINE_FAILURES.get(c.name)}
        for c in cases if direct[c.name] or http[c.name]
    }  # fmt: skip
    w3c.write_summary(
        "query-evaluation",
        {
            "cases": len(cases),
            "http_passed": len(http_passed),
            "direct_passed": len(direct_passed),
            "failed": failed,
            "direct_only": sorted(direct_passed - http_passed),
        },
    )
    print(_folder_table(cases, direct_passed, http_passed))
    for name, why in failed.items():
        print(f"  {name}\n    direct: {why['direct']}; http: {why['http']}; known: {why['known']}")
    assert len(cases) == 235
    assert direct_passed <= http_passed  # every case the engine passes, /sparql passes too
    assert len(http_passed) >= len(direct_passed) >= FLOOR


# --- the union default graph ------------------------------------------------------------

EXISTS_GRAPH_VARIABLE = "exists/GRAPH variable inside of EXISTS is bound to external variable"


@pytest.mark.xfail(
    strict=True,
    reason="Oxigraph's union default graph is a bag: a triple in two graphs matches twice "
    "(oxigraph/oxigraph#1919, fixed by #1920 after pyoxigraph 0.5.13, the latest release)",
)
async def test_a_triple_in_two_graphs_is_one_triple_of_the_default_graph() -> None:
    """exists-graph-variable loaded as a user would — its qt:data in the default graph, its
    qt:graphData in a named graph holding the same triples — and asked with no dataset, so
    over jixiao's default graph, the union of all graphs. As the service description says
    (sd:UnionDefaultGraph), that is the RDF merge of the graphs, a set: ``:s1 :p <g>`` is in
    it once and the answer is one row, as the suite expects; today it is two."""
    case = next(c for c in w3c.query_cases() if c.name == EXISTS_GRAPH_VARIABLE)
    async with app_client(_settings(), base_url=BASE) as client:
        await _empty(client)
        store = client._transport.app.state.store  # type: ignore[attr-defined]
        store.raw.extend(w3c.data_quads(case, None))
        query = case.query.read_text("utf-8")
        response = await client.post(
            "/sparql",
            content=f"BASE <{case.query.as_uri()}>\n{query}".encode(),
            headers={"content-type": "application/sparql-query", "accept": JSON},
        )
    assert response.status_code == 200
    got = w3c.parse_http_result(JSON, response.content)
    assert w3c.compare(got, w3c.expected_result(case.result)) is None
