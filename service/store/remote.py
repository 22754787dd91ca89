"""A remote SPARQL 1.1 store: query, update and Graph Store endpoints over HTTP.

``RemoteStore("http://host:7878")`` speaks to ``oxigraph serve``'s endpoints (``/query``,
``/update``, ``/store``). Other servers lay their endpoints out differently and depart from
the standards in places; a :class:`Flavour` says how (``RemoteStore(url,
flavour="virtuoso")``), and explicit paths override it. Results come back as pyoxigraph types,
exactly as from the embedded store, so ``jixiao ingest``, ``query`` and ``serve`` work
unchanged. The README's "Remote stores" lists the settings per server and the differences.

The server's default graph should be the union of its named graphs (``oxigraph serve
--union-default-graph``, Fuseki ``tdb2:unionDefaultGraph``, Virtuoso always): jixiao's queries
rely on it. When a query names its dataset, it goes as ``default-graph-uri``/``named-graph-uri``.

Graph writes are one SPARQL update request, which the server applies as one transaction;
:mod:`.updates` writes its text. A write larger than the flavour's request limit is staged
over several requests and moved into place by one last one, so the target graphs still change
all at once or not at all.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urljoin

import httpx
import pyoxigraph as ox
from rdflib import URIRef

from jixiao.ingest.errors import UsageError
from jixiao.service.errors import QueryError, StoreError
from jixiao.service.store.base import ClosedOnExit, QueryResult, triples_result
from jixiao.service.store.statements import Triples
from jixiao.service.store.updates import (
    TRIPLES_PER_OPERATION,
    GraphWrite,
    one_request,
    staged,
    update_requests,
)

if TYPE_CHECKING:
    from jixiao.service.settings import Settings

__all__ = ["FLAVOURS", "TRIPLES_PER_OPERATION", "Flavour", "RemoteStore"]

log = logging.getLogger("jixiao.store")

_RESULTS = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class Flavour:
    """Where one kind of SPARQL server keeps its endpoints, and where it departs from SPARQL.

    Paths are relative to the store's URL (``""`` is the URL itself).
    """

    name: str
    query_path: str
    update_path: str
    graph_store_path: str
    #: the paths used instead when a user is given (Virtuoso's digest-authenticated ones)
    authenticated_paths: tuple[str, str, str] | None = None
    #: the server has an unnamed default graph of its own (Graph Store ``?default``)
    default_graph: bool = True
    #: ``GET`` on the Graph Store endpoint without a graph returns the whole dataset
    dataset_dump: bool = True
    #: the longest update request the server takes (UTF-8 bytes); longer writes are staged
    max_update_bytes: int | None = None
    #: a graph of the server's own, which should not be visible to jixiao (see README)
    system_graph: str | None = None
    #: Graph Store reads and CONSTRUCT answers are cut at a row limit without a word
    cuts_graphs_silently: bool = False


FLAVOURS: dict[str, Flavour] = {
    f.name: f
    for f in (
        Flavour("oxigraph", "query", "update", "store"),
        # STORE is the dataset's URL: http://host:3030/DATASET
        Flavour("fuseki", "query", "update", "data", dataset_dump=False),
        Flavour(
            "virtuoso",
            "sparql",
            "sparql",
            "sparql-graph-crud",
            authenticated_paths=("sparql-auth", "sparql-auth", "sparql-graph-crud-auth"),
            default_graph=False,
            dataset_dump=False,
            max_update_bytes=9_000_000,  # its strings stop at 10,000,000 bytes
            system_graph="http://www.openlinksw.com/schemas/virtrdf#",
            cuts_graphs_silently=True,  # at [SPARQL] ResultSetMaxRows
        ),
        # one endpoint for everything; writes need QLever's access token (store_token)
        Flavour("qlever", "", "", "", dataset_dump=False),
    )
}


class _ServerChosenAuth(httpx.Auth):
    """A user and password, sent the way the server asks: Digest or Basic (curl's --anyauth).

    The first request goes out bare and the ``401`` challenge says which scheme the server
    wants. Digest then signs later requests up front with the challenge it keeps; Basic, once
    asked for, is sent up front too.
    """

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._basic_asked = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._basic_asked:
            yield from self._basic.auth_flow(request)
            return
        digest = self._digest.auth_flow(request)
        response = yield next(digest)
        schemes = {
            c.split(" ", 1)[0].lower() for c in response.headers.get_list("www-authenticate")
        }
        if response.status_code == 401 and "basic" in schemes and "digest" not in schemes:
            self._basic_asked = True
            yield from self._basic.auth_flow(request)
            return
        try:
            retry = digest.send(response)
        except StopIteration:
            return
        yield retry


class RemoteStore(ClosedOnExit):
    """A SPARQL 1.1 server reached over HTTP (Protocol + Graph Store Protocol).

    Its graph writes are built here, not by :class:`~.embedded.SparqlGraphWrites`: they must fit
    servers' limits on one operation and one request (see the module's doc).
    """

    def __init__(
        self,
        url: str,
        *,
        flavour: str = "oxigraph",
        query_path: str | None = None,
        update_path: str | None = None,
        store_path: str | None = None,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout: float = 60.0,
        max_update_bytes: int | None = None,
    ) -> None:
        if flavour not in FLAVOURS:
            raise UsageError(f"unknown store flavour {flavour!r} (one of {', '.join(FLAVOURS)})")
        self.flavour = FLAVOURS[flavour]
        paths = (self.flavour.query_path, self.flavour.update_path, self.flavour.graph_store_path)
        if user and self.flavour.authenticated_paths:
            paths = self.flavour.authenticated_paths
        base = url.rstrip("/") + "/"
        self.url = url
        self.query_url = urljoin(base, paths[0] if query_path is None else query_path)
        self.update_url = urljoin(base, paths[1] if update_path is None else update_path)
        self.store_url = urljoin(base, paths[2] if store_path is None else store_path)
        self.max_update_bytes = max_update_bytes or self.flavour.max_update_bytes
        headers = {"User-Agent": "jixiao"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        auth = _ServerChosenAuth(user, password or "") if user else None
        self._client = httpx.Client(timeout=timeout, headers=headers, auth=auth)
        self._checked_system_graph = self.flavour.system_graph is None

    @classmethod
    def from_settings(cls, url: str, settings: Settings) -> RemoteStore:
        """The store at ``url`` as the ``store_*`` settings say (flavour, paths, login)."""
        password, token = settings.store_password, settings.store_token
        return cls(
            url,
            flavour=settings.store_flavour,
            query_path=settings.store_query_path,
            update_path=settings.store_update_path,
            store_path=settings.store_graph_store_path,
            user=settings.store_user,
            password=password.get_secret_value() if password else None,
            token=token.get_secret_value() if token else None,
        )

    # --- HTTP ------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise StoreError(f"the remote store at {self.url} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the remote store at {self.url}: {exc}") from None
        if response.status_code in (401, 403):
            raise StoreError(
                f"the remote store at {self.url} refused jixiao (HTTP {response.status_code}); "
                "check JIXIAO_STORE_USER, JIXIAO_STORE_PASSWORD, JIXIAO_STORE_TOKEN"
            )
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
        if not self._checked_system_graph:
            self._warn_if_system_graph_shows()
        if base_iri:
            sparql = f"BASE {ox.NamedNode(base_iri)}\n{sparql}"
        params = [("default-graph-uri", g) for g in default_graphs or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        # URL-encoded POST, the one form every SPARQL 1.1 server must take (Virtuoso 7.2
        # never answers a POST with an application/sparql-query body)
        response = self._send(
            "POST",
            self.query_url,
            content=urlencode([("query", sparql), *params]).encode("ascii"),
            headers={"Content-Type": _FORM, "Accept": _accept(sparql)},
        )
        if response.status_code == 404:
            raise StoreError(_no_endpoint("query", self.query_url))
        cut = response.headers.get("x-sparql-maxrows")
        if cut is not None:  # Virtuoso's ResultSetMaxRows
            raise StoreError(
                f"the remote store cut the answer at {cut} rows (its own row limit); "
                "raise the limit on the server (Virtuoso: [SPARQL] ResultSetMaxRows)"
            )
        return _parse_answer(response)

    def _warn_if_system_graph_shows(self) -> None:
        """Warn once if the server's own graphs join the union default graph (see README)."""
        self._checked_system_graph = True
        graph = ox.NamedNode(self.flavour.system_graph or "")
        if self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"):
            log.warning(
                "%s shows its system graph %s to jixiao, so its triples are part of every "
                "answer; make its system graphs private (README, Remote stores)",
                self.url,
                graph.value,
            )

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        if base_iri:
            sparql = f"BASE {ox.NamedNode(base_iri)}\n{sparql}"
        response = self._send(
            "POST",
            self.update_url,
            content=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )
        if response.status_code == 404:
            raise StoreError(_no_endpoint("update", self.update_url))

    def named_graphs(self) -> list[str]:
        # (not `GRAPH ?g { }`, which Virtuoso answers with no graphs, nor DISTINCT ?g, which
        # it answers from a list of graph names that skips its graph-level security)
        result = self.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sorted(
            s["g"].value
            for s in result  # type: ignore[union-attr]
            if isinstance(s["g"], ox.NamedNode)
        )

    # --- writes --------------------------------------------------------------------------

    def _write(self, writes: Sequence[GraphWrite]) -> None:
        """Apply ``writes`` all at once: one update request, or staged if that is too long."""
        if not self.flavour.default_graph and any(w.graph is None for w in writes):
            raise QueryError(
                f"a {self.flavour.name} store has no default graph of its own; name a graph"
            )
        text = " ;\n".join(one_request(writes))
        budget = self.max_update_bytes
        if budget is None or len(text.encode("utf-8")) <= budget:
            if text:
                self.update(text)
            return
        staging, fill, final = staged(writes)
        try:
            for request in update_requests(fill, budget):
                self.update(request)
            self.update(" ;\n".join(final))
        except (QueryError, StoreError):
            drop = " ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in staging)
            try:
                self.update(drop)
            except (QueryError, StoreError):
                log.warning("could not drop the staging graphs %s", ", ".join(staging))
            raise

    def replace_graphs(
        self,
        replace: Sequence[tuple[URIRef, Triples]],
        add: Sequence[tuple[URIRef, Triples]] = (),
    ) -> None:
        self._write(
            [GraphWrite.of(str(g), triples, replace=True) for g, triples in replace]
            + [GraphWrite.of(str(g), triples, replace=False) for g, triples in add]
        )

    def write_graph(
        self, graph: str | None, triples: Sequence[ox.Triple], *, replace: bool
    ) -> None:
        self._write([GraphWrite.of(graph, triples, replace=replace)])

    def drop_graph(self, graph: str | None) -> None:
        self._write([GraphWrite(graph, [], [], replace=True)])

    # --- Graph Store Protocol ----------------------------------------------------------

    def _graph_params(self, graph: str | None) -> dict[str, str]:
        return {"default": ""} if graph is None else {"graph": ox.NamedNode(graph).value}

    def has_graph(self, graph: str) -> bool:
        # (a query, not HEAD: some servers send a body with HEAD 404, which breaks keep-alive)
        name = ox.NamedNode(graph)
        return bool(self.query(f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {name} }} }}"))

    def read_graph(self, graph: str | None) -> list[ox.Triple]:
        if graph is None and not self.flavour.default_graph:
            return []
        response = self._send(
            "GET",
            self.store_url,
            params=self._graph_params(graph),
            headers={"Accept": _NTRIPLES},
        )
        if response.status_code == 404:
            return []
        triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
        if graph is not None and self.flavour.cuts_graphs_silently:
            self._check_complete(graph, len(triples))
        return triples

    def _check_complete(self, graph: str, got: int) -> None:
        """A StoreError if the graph holds more triples than the server sent."""
        name = ox.NamedNode(graph)
        count = self.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {name} }} }}"
        )
        held = int(next(iter(count))["n"].value)  # type: ignore[arg-type]
        if held > got:
            raise StoreError(
                f"the remote store sent {got} of the {held} triples of <{graph}> (its own row "
                "limit); raise the limit on the server (Virtuoso: [SPARQL] ResultSetMaxRows)"
            )

    def dump_dataset(self, format: ox.RdfFormat) -> bytes:
        if self.flavour.dataset_dump:
            response = self._send("GET", self.store_url, headers={"Accept": format.media_type})
            return response.content
        # graph by graph through the Graph Store Protocol
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in self.read_graph(None)]
        for graph in self.named_graphs():
            name = ox.NamedNode(graph)
            quads += [
                ox.Quad(t.subject, t.predicate, t.object, name) for t in self.read_graph(graph)
            ]
        return ox.serialize(quads, format=format) or b""

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        if graph is None:
            where = "GRAPH ?g { ?s ?p ?o }"
        else:
            try:
                where = f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"
            except ValueError:
                return
        result = self.query(f"SELECT * WHERE {{ {where} }}")
        if not isinstance(result, ox.QuerySolutions):
            return
        for row in result:
            name = row["g"] if graph is None else ox.NamedNode(graph)
            yield ox.Quad(row["s"], row["p"], row["o"], name)

    def close(self) -> None:
        self._client.close()


def _no_endpoint(kind: str, url: str) -> str:
    return (
        f"no SPARQL {kind} endpoint at {url} (HTTP 404); check JIXIAO_STORE_FLAVOUR and "
        f"JIXIAO_STORE_{kind.upper()}_PATH"
    )


_PROLOGUE = re.compile(r"\s*(?:#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)", re.I)
_FORM_WORD = re.compile(r"\s*([A-Za-z]+)")


def _accept(sparql: str) -> str:
    """The result formats to ask for: RDF for CONSTRUCT/DESCRIBE, SPARQL JSON otherwise.

    Naming the one format wanted matters: Virtuoso ignores q-values and answers a CONSTRUCT
    in SPARQL JSON (objects as JSON numbers) when that is named first.
    """
    position = 0
    while found := _PROLOGUE.match(sparql, position):
        if found.end() == position:
            break
        position = found.end()
    word = _FORM_WORD.match(sparql, position)
    form = word.group(1).upper() if word else ""
    if form in ("CONSTRUCT", "DESCRIBE"):
        return _NTRIPLES
    if form in ("SELECT", "ASK"):
        return _RESULTS
    return f"{_RESULTS}, {_NTRIPLES};q=0.9"


def _parse_answer(response: httpx.Response) -> QueryResult:
    """A query's answer as pyoxigraph results, whatever format the server chose."""
    media = response.headers.get("content-type", "").split(";")[0].strip()
    body = response.content
    try:
        if media in (_RESULTS, "application/json"):
            if b'"__ASK_RETVAL"' in body[:200]:  # Virtuoso's ASK, answered as a SELECT
                rows = json.loads(body)["results"]["bindings"]
                truth = any(r.get("__ASK_RETVAL", {}).get("value") not in (0, "0") for r in rows)
                body = json.dumps({"head": {}, "boolean": truth}).encode()
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if media == "application/sparql-results+xml":
            return ox.parse_query_results(body, ox.QueryResultsFormat.XML)
        rdf = ox.RdfFormat.from_media_type(media)
        if rdf is None:
            raise StoreError(f"the remote store answered in an unknown format: {media}")
        return triples_result([q.triple for q in ox.parse(body, format=rdf)])
    except (SyntaxError, ValueError, KeyError) as exc:
        raise StoreError(f"the remote store's answer does not parse: {exc}") from None
