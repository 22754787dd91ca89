"""The W3C SPARQL 1.1 suites over HTTP against the real app (and directly on pyoxigraph).

Pass counts go to ``.pytest_cache/w3c/*.json`` and to stdout (``-s``). The protocol,
Graph Store and service-description cases must all pass; the query-evaluation folders must
pass at least as many tests over HTTP as the embedded engine passes directly.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
import w3c_runner as w3c
from conftest import WRITE_TOKEN, app_client
from rdflib import Graph, Namespace, URIRef

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


def _direct(case: w3c.QueryCase) -> bool:
    store = ox.Store()
    store.extend(w3c.data_quads(case, None))
    for path in case.graph_data:
        store.add_graph(ox.NamedNode(path.as_uri()))
    query = case.query.read_text("utf-8")
    result = store.query(query, base_iri=case.query.as_uri())
    want = w3c.expected_result(case.result)
    if case.result.suffix == ".csv":
        got = w3c.csv_rows(result.serialize(format=ox.QueryResultsFormat.CSV))  # type: ignore[union-attr]
    else:
        got = w3c.solutions(result)
    return w3c.same_result(got, want)


async def _over_http(client: httpx.AsyncClient, case: w3c.QueryCase) -> bool:
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
    accept = {
        ".csv": "text/csv",
        ".tsv": "text/tab-separated-values",
        ".ttl": "application/n-triples",
    }.get(case.result.suffix, "application/sparql-results+json, application/n-triples;q=0.9")
    response = await client.post(
        "/sparql?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params),
        content=f"BASE <{case.query.as_uri()}>\n{query}".encode(),
        headers={"content-type": "application/sparql-query", "accept": accept},
    )
    if response.status_code != 200:
        return False
    media = response.headers["content-type"].split(";")[0]
    return w3c.same_result(
        w3c.parse_http_result(media, response.content), w3c.expected_result(case.result)
    )


@pytest.mark.slow
async def test_query_evaluation() -> None:
    cases = w3c.query_cases()
    direct: list[str] = []
    http: list[str] = []
    for case in cases:
        try:
            if _direct(case):
                direct.append(case.name)
        except Exception:
            pass
    async with app_client(_settings(), base_url=BASE) as client:
        for case in cases:
            try:
                if await _over_http(client, case):
                    http.append(case.name)
            except Exception:
                pass
    w3c.write_summary(
        "query-evaluation",
        {
            "cases": len(cases),
            "http_passed": len(http),
            "direct_passed": len(direct),
            "http_failed": sorted({c.name for c in cases} - set(http)),
            "direct_only": sorted(set(direct) - set(http)),
        },
    )
    assert len(cases) == 235
    assert len(http) >= len(direct)
    # Measured with this harness: 215 of 235 both ways (the anchor, 223 for
    # `oxigraph serve`, was measured with another harness; the cases left are engine ones).
    assert len(http) >= 215
