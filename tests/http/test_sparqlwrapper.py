"""SPARQLWrapper, a real client, against a real ``jixiao serve``; ``jixiao query --endpoint``."""

from __future__ import annotations

import subprocess

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from support.servers import BIN, Server

pytestmark = pytest.mark.slow

JX = "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
COUNT = JX + "SELECT (COUNT(?d) AS ?n) WHERE { ?d a jx:BudgetDocument }"


def _client(server: Server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_json(jixiao_server: Server, method: str) -> None:
    result = _client(jixiao_server, COUNT, JSON, method).queryAndConvert()
    assert result["results"]["bindings"][0]["n"]["value"] == "2"  # type: ignore[index]


def test_select_xml_and_csv(jixiao_server: Server) -> None:
    xml = _client(jixiao_server, COUNT, XML).queryAndConvert()
    assert xml.getElementsByTagName("literal")[0].firstChild.data == "2"  # type: ignore[union-attr]
    csv = _client(jixiao_server, COUNT, CSV).queryAndConvert()
    assert csv.decode().splitlines() == ["n", "2"]  # type: ignore[union-attr]


def test_ask_and_construct(jixiao_server: Server) -> None:
    ask = _client(jixiao_server, JX + "ASK { ?p a jx:Project }", JSON).queryAndConvert()
    assert ask["boolean"] is True  # type: ignore[index]
    query = JX + "CONSTRUCT { ?d a jx:BudgetDocument } WHERE { ?d a jx:BudgetDocument }"
    turtle = _client(jixiao_server, query, TURTLE).queryAndConvert()
    assert len(Graph().parse(data=turtle, format="turtle")) == 2  # type: ignore[arg-type]
    # (raw: SPARQLWrapper's own RDF/XML conversion uses rdflib's deprecated ConjunctiveGraph)
    response = _client(jixiao_server, query, XML).query().response
    assert response.headers["content-type"].startswith("application/rdf+xml")
    assert len(Graph().parse(data=response.read(), format="xml")) == 2


def test_cli_query_endpoint(jixiao_server: Server) -> None:
    done = subprocess.run(
        [str(BIN / "jixiao"), "query", "--endpoint", f"{jixiao_server.url}/sparql",
         "--format", "csv", COUNT],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["n", "2"]
    bad = subprocess.run(
        [str(BIN / "jixiao"), "query", "--endpoint", f"{jixiao_server.url}/sparql", "SELECT {"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "refused" in bad.stderr
