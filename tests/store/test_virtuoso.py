"""RemoteStore against a real OpenLink Virtuoso (Debian's ``virtuoso-opensource``).

One ``virtuoso-t`` runs for the module on a fresh database in a temporary directory, on free
ports, set up as the README's "Remote stores" says: its system graphs private, updates
granted to the anonymous ``/sparql`` user, and a ``jixiao`` user for the digest-protected
``/sparql-auth`` endpoints. The seed tables are loaded into it and into an embedded store,
and the two must give the same answers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from support.app import WRITE_TOKEN, app_client
from support.servers import BIN

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.mapping import MappedDocument
from jixiao.ingest.source import map_source
from jixiao.service.answers.canned import QueryRows, load_queries, run_canned
from jixiao.service.bench.processes import free_port, running
from jixiao.service.errors import QueryError, StoreError
from jixiao.service.pipeline import load as loader
from jixiao.service.pipeline.linking import update_series
from jixiao.service.settings import Settings
from jixiao.service.store.base import Store
from jixiao.service.store.embedded import EmbeddedStore
from jixiao.service.store.factory import load_vocabulary
from jixiao.service.store.remote import RemoteStore

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None,
        reason="Virtuoso is not installed (apt-get install virtuoso-opensource; "
        "`make system-deps` does it as root)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
SEED_2025 = ROOT / "ingest" / "seeds" / "gzast-2025-project-performance-targets.txt"
SELF_EVALUATION = (
    ROOT / "tests" / "data" / "real-tables" / "chongqing-yuzhong-jiuye-2021-project-selfeval.xlsx"
)
USER, PASSWORD = "jixiao", "jixiao-test-password"
PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
JX = "PREFIX jx: <https://w3id.org/jixiao/ontology#>\n"

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its HTTP base URL and the environment that points jixiao at it."""

    url: str
    log: Path

    def env(self, *, login: bool = True) -> dict[str, str]:
        env = {**os.environ, "JIXIAO_STORE_FLAVOUR": "virtuoso"}
        if login:
            env |= {"JIXIAO_STORE_USER": USER, "JIXIAO_STORE_PASSWORD": PASSWORD}
        return env

    def store(self, max_update_bytes: int | None = None) -> RemoteStore:
        """A RemoteStore logged in as ``jixiao`` (the digest-protected endpoints)."""
        return RemoteStore(
            self.url,
            flavour="virtuoso",
            user=USER,
            password=PASSWORD,
            max_update_bytes=max_update_bytes,
        )


def _isql(sql_port: int, script: str) -> None:
    done = subprocess.run(
        ["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba"],
        input=script,
        capture_output=True,
        text=True,
        timeout=30,
    )
    if done.returncode != 0 or "Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql failed:\n{done.stdout}\n{done.stderr}")


def _setup(url: str, sql_port: int) -> None:
    """Updates for the anonymous user and for ``jixiao``; the system graphs made private."""
    # every graph of a fresh database is one of Virtuoso's own
    found = httpx.post(
        f"{url}/sparql",
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    system = [row["g"]["value"] for row in found["results"]["bindings"]]
    assert "http://www.openlinksw.com/schemas/virtrdf#" in system
    script = [
        'GRANT SPARQL_UPDATE TO "SPARQL";',
        f"DB.DBA.USER_CREATE ('{USER}', '{PASSWORD}');",
        f'GRANT SPARQL_UPDATE TO "{USER}";',
        f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE}', 1);",
        *(f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE}', '{g}');" for g in system),
        # for the anonymous user and jixiao: no private graphs; read and write the others
        *(
            f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{user}', {perms}, {private});"
            for user in ("nobody", USER)
            for perms, private in ((0, 1), (7, 0))
        ),
    ]
    _isql(sql_port, "\n".join(script) + "\n")


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """``virtuoso-t`` in the foreground on a fresh database, stopped when the module ends."""
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    url = f"http://127.0.0.1:{http_port}"
    log = folder / "virtuoso.log"
    command = ["virtuoso-t", "+foreground", "+configfile", str(ini)]
    probe = f"{url}/sparql?query=ASK%20%7B%7D"
    with (
        (folder / "stdout.log").open("wb") as output,
        running(command, probe, cwd=folder, output=output, ready=_answers_ask),
    ):
        _setup(url, sql_port)
        yield Virtuoso(url, log)


def _answers_ask(probe: str) -> bool:
    try:
        return httpx.get(probe, timeout=2).is_success
    except httpx.HTTPError:
        return False


def _load_seeds(store: Store, mapped: list[MappedDocument], minter: IriMinter) -> None:
    """What ``jixiao seed`` loads (already validated by the seed tests), without validation."""
    load_vocabulary(store)
    for document in mapped:
        loader.load_mapped(document, store, minter)
    update_series(store, minter, None)


@pytest.fixture(scope="module")
def mapped() -> list[MappedDocument]:
    """The seed tables, and the real self-evaluation (for the actual values of target-met)."""
    minter = IriMinter()
    sources = [*loader.seed_files(), (SELF_EVALUATION.read_bytes(), SELF_EVALUATION.name, 2021)]
    return [map_source(data, name, year, minter) for data, name, year in sources]


@pytest.fixture(scope="module")
def embedded(mapped: list[MappedDocument]) -> EmbeddedStore:
    store = EmbeddedStore(None)
    _load_seeds(store, mapped, IriMinter())
    return store


@pytest.fixture(scope="module")
def seeded(virtuoso: Virtuoso, mapped: list[MappedDocument]) -> Iterator[RemoteStore]:
    """The Virtuoso with both seed tables loaded, through the digest-protected endpoints."""
    store = virtuoso.store()
    _load_seeds(store, mapped, IriMinter())
    yield store
    store.close()


def _count(store: Store, pattern: str = "?s ?p ?o") -> int:
    result = store.query(f"{JX}SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(next(iter(result))["n"].value)  # type: ignore[arg-type]


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _graph_terms(store: Store, graph: str) -> set[str]:
    """The graph as a set of N-Triples lines (no blank nodes in document graphs).

    Oxigraph stores an ``xsd:nonNegativeInteger`` as an ``xsd:integer``; Virtuoso keeps the
    datatype. Both are made ``xsd:integer`` here; every other term must match exactly.
    """
    return {
        f"{t.subject} {t.predicate} {t.object} .".replace(
            f"^^<{_XSD}nonNegativeInteger>", f"^^<{_XSD}integer>"
        )
        for t in store.read_graph(graph)
    }


def test_seeds_load_and_nothing_foreign_shows(seeded: RemoteStore, embedded: EmbeddedStore) -> None:
    assert _count(seeded, "?d a jx:BudgetDocument") == 3  # two seeds, one self-evaluation
    assert seeded.named_graphs() == embedded.named_graphs()
    # the union default graph holds jixiao's triples and no system triples of Virtuoso
    assert _count(seeded) == _count(embedded)
    assert not seeded.query("ASK { ?s a <http://www.openlinksw.com/schemas/virtrdf#QuadMap> }")


def test_documents_read_back_term_for_term(
    seeded: RemoteStore, embedded: EmbeddedStore, mapped: list[MappedDocument]
) -> None:
    # literals come back in canonical form ("0.850" as "0.85") on both stores alike
    for document in mapped:
        assert _graph_terms(seeded, str(document.iri)) == _graph_terms(embedded, str(document.iri))


def _normalised(rows: QueryRows) -> list[tuple[tuple[str, object], ...]]:
    """Rows in a fixed order, GROUP_CONCAT lists sorted (their order is the engine's)."""

    def cell(value: object) -> object:
        if isinstance(value, str) and " / " in value:
            return " / ".join(sorted(value.split(" / ")))
        return value

    return sorted(
        (tuple((k, cell(v)) for k, v in sorted(row.items())) for row in rows.rows), key=repr
    )


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_canned_answers_match_the_embedded_store(
    seeded: RemoteStore, embedded: EmbeddedStore, name: str
) -> None:
    query = load_queries()[name]
    values: dict[str, object] = {}
    names = {p.name for p in query.parameters}
    if {"yearA", "yearB"} <= names:
        values = {"yearA": 2023, "yearB": 2025}
    if "series" in names:  # one series that recurs: the science museum's
        years = {"yearA": 2023, "yearB": 2025}
        museum = run_canned(embedded, load_queries()["amount-changes"], years).rows
        values = {"series": next(r["series"] for r in museum if r["seriesLabel"] == "广州科学馆")}
    remote_rows = run_canned(seeded, query, values)
    local_rows = run_canned(embedded, query, values)
    assert remote_rows.columns == local_rows.columns
    assert local_rows.rows, name
    assert _normalised(remote_rows) == _normalised(local_rows)


def test_canned_queries_ran() -> None:
    assert len(load_queries()) == 10


def test_reingest_by_the_cli_replaces_the_graph(
    virtuoso: Virtuoso, seeded: RemoteStore, embedded: EmbeddedStore
) -> None:
    document = next(g for g in embedded.named_graphs() if g.endswith("/2025"))
    stray = (URIRef(document), URIRef("http://example.org/stray"), Literal(1))
    seeded.replace_graphs([], add=[(URIRef(document), [stray])])
    assert _count(seeded, "?s <http://example.org/stray> ?o") == 1
    done = subprocess.run(
        [str(BIN / "jixiao"), "ingest", str(SEED_2025), "--year", "2025", "--store", virtuoso.url],
        env=virtuoso.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert _count(seeded, "?s <http://example.org/stray> ?o") == 0
    assert _graph_terms(seeded, document) == _graph_terms(embedded, document)
    assert _count(seeded) == _count(embedded)


def test_a_write_too_long_for_one_request_is_staged(
    virtuoso: Virtuoso, seeded: RemoteStore, embedded: EmbeddedStore, mapped: list[MappedDocument]
) -> None:
    document = mapped[0]  # 2023: about 5,700 triples, 0.9 MB of update text
    small = virtuoso.store(max_update_bytes=200_000)
    try:
        small.replace_graphs([(document.iri, [])])  # emptied in one request
        assert _count(seeded, f"GRAPH <{document.iri}> {{ ?s ?p ?o }}") == 0
        small.replace_graphs([(document.iri, document.triples)])  # five or so requests
    finally:
        small.close()
    assert _graph_terms(seeded, str(document.iri)) == _graph_terms(embedded, str(document.iri))
    assert not [g for g in seeded.named_graphs() if g.startswith("urn:jixiao:staging:")]


def test_cli_query_anonymous_endpoint(virtuoso: Virtuoso, seeded: RemoteStore) -> None:
    done = subprocess.run(
        [
            str(BIN / "jixiao"),
            "query",
            "--store",
            virtuoso.url,
            "--format",
            "csv",
            JX + "SELECT ?year (COUNT(?p) AS ?n) WHERE { ?p a jx:Project ; jx:budgetYear ?year } "
            "GROUP BY ?year ORDER BY ?year",
        ],
        env=virtuoso.env(login=False),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["year,n", "2021,1", "2023,45", "2025,19"]


def test_dialect_limits_are_reported(virtuoso: Virtuoso, seeded: RemoteStore) -> None:
    # more rows than ResultSetMaxRows: an error, not a silently short answer
    with pytest.raises(StoreError, match="cut the answer at 10000 rows"):
        list(seeded.query("SELECT * WHERE { ?s ?p ?o }"))  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="no default graph"):
        seeded.write_graph(None, [], replace=True)
    assert seeded.read_graph(None) == []
    wrong = RemoteStore(virtuoso.url, flavour="virtuoso", user=USER, password="wrong")
    with pytest.raises(StoreError, match="refused jixiao"):
        wrong.query("ASK {}")
    wrong.close()


def test_blank_nodes_and_graph_store_writes(seeded: RemoteStore) -> None:
    graph = "http://example.org/virtuoso/bnodes"
    a, b = ox.BlankNode(), ox.BlankNode()
    p = ox.NamedNode("http://example.org/p")
    triples = [ox.Triple(a, p, b), ox.Triple(b, p, ox.Literal("二", language="zh"))]
    seeded.write_graph(graph, triples, replace=True)
    back = seeded.read_graph(graph)
    assert len(back) == 2
    # the shared blank node is still one node
    assert len({t.subject for t in back} | {t.object for t in back}) == 3
    seeded.drop_graph(graph)
    assert not seeded.has_graph(graph)


@pytest.mark.anyio
async def test_serve_over_virtuoso(virtuoso: Virtuoso, seeded: RemoteStore) -> None:
    settings = Settings(
        store=virtuoso.url,
        store_flavour="virtuoso",
        store_user=USER,
        store_password=PASSWORD,
        write_token=WRITE_TOKEN,
    )
    async with app_client(settings) as client:
        put = await client.put(
            "/store?default",
            content=b"<http://example.org/s> <http://example.org/p> 'v' .",
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {WRITE_TOKEN}"},
        )
        assert put.status_code == 400  # Virtuoso has no default graph of its own
        answer = await client.get(
            "/sparql",
            params={"query": JX + "SELECT (COUNT(?d) AS ?n) WHERE { ?d a jx:BudgetDocument }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"][0]["n"]["value"] == "3"
        dump = await client.get("/store", headers={"Accept": "application/n-quads"})
        assert dump.status_code == 200
        assert b"virtrdf" not in dump.content
        assert dump.content.count(b"\n") == _count(seeded)
