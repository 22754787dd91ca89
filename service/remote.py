"""A remote SPARQL 1.1 store: query, update and Graph Store endpoints over HTTP.

``RemoteStore("http://host:7878")`` speaks to ``oxigraph serve``'s endpoints (``/query``,
``/update``, ``/store``) by default; other servers need other paths (see the README's
"Remote stores"). Results come back as pyoxigraph types, exactly as from the embedded
store, so ``jixiao ingest``, ``query`` and ``serve`` work unchanged.

The server's default graph should be the union of its named graphs (``oxigraph serve
--union-default-graph``, Fuseki ``tdb2:unionDefaultGraph``, …): jixiao's queries rely on it.
When a query names its dataset, it goes as ``default-graph-uri``/``named-graph-uri``.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin

import httpx
import pyoxigraph as ox

from jixiao.ingest.errors import QueryError, StoreError

from .store import QueryResult, SparqlGraphWrites

__all__ = ["EndpointClient", "RemoteStore"]

_RESULTS = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


class RemoteStore(SparqlGraphWrites):
    """A SPARQL 1.1 server reached over HTTP (Protocol + Graph Store Protocol)."""

    def __init__(
        self,
        url: str,
        *,
        query_path: str = "query",
        update_path: str = "update",
        store_path: str = "store",
        timeout: float = 60.0,
        token: str | None = None,
    ) -> None:
        base = url.rstrip("/") + "/"
        self.url = url
        self.query_url = urljoin(base, query_path)
        self.update_url = urljoin(base, update_path)
        self.store_url = urljoin(base, store_path)
        headers = {"User-Agent": "jixiao"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(timeout=timeout, headers=headers)

    # --- HTTP ------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise StoreError(f"the remote store at {self.url} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the remote store at {self.url}: {exc}") from None
        if 400 <= response.status_code < 500 and response.status_code != 404:
            raise QueryError(f"the remote store refused the request: {response.text[:500]}")
        if response.status_code >= 500:
            raise StoreError(
                f"the remote store failed (HTTP {response.status_code}): {response.text[:300]}"
            )
        return response

    # --- SPARQL ----------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        if base_iri:
            sparql = f"BASE {ox.NamedNode(base_iri)}\n{sparql}"
        params = [("default-graph-uri", g) for g in default_graphs or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        response = self._send(
            "POST",
            self.query_url,
            params=params,
            content=sparql.encode("utf-8"),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": f"{_RESULTS}, {_NTRIPLES};q=0.9",
            },
        )
        media = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if media in (_RESULTS, "application/json"):
                return ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
            if media == "application/sparql-results+xml":
                return ox.parse_query_results(response.content, ox.QueryResultsFormat.XML)
            rdf = ox.RdfFormat.from_media_type(media)
            if rdf is None:
                raise StoreError(f"the remote store answered in an unknown format: {media}")
            triples = [q.triple for q in ox.parse(response.content, format=rdf)]
        except SyntaxError as exc:
            raise StoreError(f"the remote store's answer does not parse: {exc}") from None
        return _triples_result(triples)

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        if base_iri:
            sparql = f"BASE {ox.NamedNode(base_iri)}\n{sparql}"
        self._send(
            "POST",
            self.update_url,
            content=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )

    def named_graphs(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(
            s["g"].value
            for s in result  # type: ignore[union-attr]
            if isinstance(s["g"], ox.NamedNode)
        )

    # --- Graph Store Protocol ----------------------------------------------------------

    def _graph_params(self, graph: str | None) -> dict[str, str]:
        return {"default": ""} if graph is None else {"graph": ox.NamedNode(graph).value}

    def has_graph(self, graph: str) -> bool:
        # (a query, not HEAD: some servers send a body with HEAD 404, which breaks keep-alive)
        name = ox.NamedNode(graph)
        return bool(self.query(f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {name} }} }}"))

    def read_graph(self, graph: str | None) -> list[ox.Triple]:
        response = self._send(
            "GET",
            self.store_url,
            params=self._graph_params(graph),
            headers={"Accept": _NTRIPLES},
        )
        if response.status_code == 404:
            return []
        return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]

    def dump_dataset(self, format: ox.RdfFormat) -> bytes:
        response = self._send("GET", self.store_url, headers={"Accept": format.media_type})
        return response.content

    def close(self) -> None:
        self._client.close()


def _triples_result(triples: list[ox.Triple]) -> QueryResult:
    """Wrap parsed triples as a pyoxigraph ``QueryTriples`` (a CONSTRUCT over them)."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


class EndpointClient:
    """A read-only client of any SPARQL 1.1 endpoint, through SPARQLWrapper.

    What ``jixiao query --endpoint URL`` uses: SELECT/ASK come back as SPARQL JSON,
    CONSTRUCT/DESCRIBE as N-Triples, both parsed into pyoxigraph result types.
    """

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        self.url = url
        self.timeout = timeout

    def query(self, sparql: str) -> QueryResult:
        from urllib.error import URLError

        from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = SPARQLWrapper(self.url, agent="jixiao")
        client.setMethod(POST)
        client.setTimeout(int(self.timeout))
        client.setQuery(sparql)
        graph_query = client.queryType in ("CONSTRUCT", "DESCRIBE")
        client.setReturnFormat(TURTLE if graph_query else JSON)
        try:
            response = client.query().response
            body, media = response.read(), response.headers.get("content-type", "")
        except SPARQLWrapperException as exc:
            raise QueryError(f"the endpoint refused the query: {exc}") from None
        except (URLError, OSError) as exc:
            raise StoreError(f"cannot reach the endpoint {self.url}: {exc}") from None
        media = media.split(";")[0].strip()
        try:
            if not graph_query:
                fmt = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
                return ox.parse_query_results(body, fmt)
            rdf = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE
            return _triples_result([q.triple for q in ox.parse(body, format=rdf)])
        except SyntaxError as exc:
            raise StoreError(f"the endpoint's answer does not parse: {exc}") from None

    def close(self) -> None:
        """Nothing to release (one HTTP request per query)."""
