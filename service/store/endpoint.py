"""A read-only client of any SPARQL 1.1 endpoint: what ``jixiao query --endpoint URL`` uses."""

from __future__ import annotations

import pyoxigraph as ox

from jixiao.service.errors import QueryError, StoreError
from jixiao.service.store.base import ClosedOnExit, QueryResult, triples_result

__all__ = ["EndpointClient"]


class EndpointClient(ClosedOnExit):
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
            return triples_result([q.triple for q in ox.parse(body, format=rdf)])
        except SyntaxError as exc:
            raise StoreError(f"the endpoint's answer does not parse: {exc}") from None

    def close(self) -> None:
        """Nothing to release (one HTTP request per query)."""
