"""Robustness of the store (issue 6): killed ingests, concurrent writes and reads, two
ingests at once, oversize uploads.

* ``jixiao ingest`` killed with SIGKILL before, during and after its load leaves a store that
  opens, holding the document's old graph or its new one — never a mix — with the
  organisations graph to match. Kills "during" are aimed by watching the store's write-ahead
  log: the first write of a run (the vocabulary) starts the load.
* A corpus ingest into an empty store (new graphs go in by Oxigraph's bulk loader) killed at
  and inside its loads leaves every document whole or absent, and its workers exit too.
* A real ``jixiao serve``: threads replace graphs (Graph Store PUT, SPARQL update) while
  others query; every answer sees each graph whole, one version of it.
* Two ``jixiao ingest`` on one store at once: the second is refused with exit 3 and one line.
* Bodies over ``max_body_bytes`` get 413 and the one JSON error, with or without a
  Content-Length (chunked), on every route that reads a body; nothing is written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from support.app import WRITE_TOKEN, app_client
from support.hypothesis_profiles import examples
from support.servers import BIN

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.reader import read_table
from jixiao.ingest.source import map_source
from jixiao.service.bench.processes import free_port, running
from jixiao.service.errors import QueryError
from jixiao.service.pipeline import load as loader
from jixiao.service.pipeline.linking import update_series
from jixiao.service.settings import Settings
from jixiao.service.store.embedded import EmbeddedStore
from jixiao.service.store.factory import load_vocabulary
from jixiao.service.store.statements import Statements

JIXIAO = str(BIN / "jixiao")
SEED_DIR = Path(__file__).resolve().parents[2] / "ingest" / "seeds"
# The smaller seed: every kill trial is a real `jixiao ingest` run, shapes and all.
SEED = SEED_DIR / "gzast-2025-project-performance-targets.txt"
MINTER = IriMinter()
ORGANIZATIONS = str(MINTER.organizations_graph)
SERIES = str(MINTER.series_graph)
ONTOLOGY = "https://w3id.org/jixiao/ontology"
AUTH = {"authorization": f"Bearer {WRITE_TOKEN}"}

pytestmark = pytest.mark.slow


# --- SIGKILL in the middle of an ingest ----------------------------------------------------------


def _new_edition(folder: Path) -> Path:
    """The 2025 seed as a new edition of the same document (same department and year):
    every project renamed, and one funding unit renamed (so it is a new organisation)."""
    text = SEED.read_text(encoding="utf-8")
    table = read_table(text.encode(), SEED.name)
    lines = text.split("\n")
    for row, suffix in [(p.line, "（修订）") for p in table.projects] + [
        (table.units[-1].line, "（更名）")
    ]:
        cells = lines[row - 1].split("\t")
        cells[0] += suffix
        lines[row - 1] = "\t".join(cells)
    folder.mkdir()
    path = folder / SEED.name  # the same file name: only the content differs
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


Snapshot = dict[str, frozenset[str]]


def _snapshot(store_dir: Path) -> Snapshot:
    """Every graph of the store as a set of N-Triples lines, opened as the next run would
    (read-write, so a killed run's log is recovered). Blank nodes (only in the vocabulary,
    which every run reloads) are left out of the sets; their number is kept."""
    store = EmbeddedStore(store_dir)
    graphs: dict[str, set[str]] = {}
    blank = Counter[str]()
    for quad in store.raw:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            blank[name] += 1
        else:
            graphs.setdefault(name, set()).add(str(quad.triple))
    del store  # releases the RocksDB lock
    snapshot = {name: frozenset(triples) for name, triples in graphs.items()}
    snapshot |= {f"{name} (blank nodes)": frozenset({str(n)}) for name, n in blank.items()}
    return snapshot


def _log_written(store_dir: Path, before: set[str]) -> bool:
    """Whether this run has written to a write-ahead log of its own yet."""
    return any(
        log.name not in before and log.stat().st_size > 0
        for log in list(store_dir.glob("*.log"))
        if log.exists()
    )


def _ingest(path: Path, store: Path) -> subprocess.Popen[bytes]:
    command = [JIXIAO, "ingest", str(path), "--year", "2025", "--store", str(store)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _kill_run(path: Path, store: Path, *, after: float, trigger: str) -> str:
    """Run the ingest and SIGKILL it ``after`` seconds past ``trigger``: its start, the
    store's opening (a new, empty log), or its first write. Says where the kill landed."""
    before = {log.name for log in store.glob("*.log")}
    process = _ingest(path, store)
    started = time.monotonic()
    reached = {
        "start": lambda: True,
        "open": lambda: any(log.name not in before for log in store.glob("*.log")),
        "write": lambda: _log_written(store, before),
    }[trigger]
    while process.poll() is None and not reached():
        assert time.monotonic() - started < 120, f"the ingest never reached {trigger}"
        time.sleep(0.002)
    started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < after:
        time.sleep(0.002)
    written = _log_written(store, before)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    _, err = process.communicate()
    if process.returncode != -signal.SIGKILL:
        assert process.returncode == 0, err.decode()
        return "after exit"
    return "after the first write" if written else "before any write"


def _load_in_process(store_dir: Path) -> None:
    """The old edition loaded as ``jixiao ingest`` loads it (the shapes are checked by the
    CLI runs below, which load the new edition), in a fraction of the time."""
    store = EmbeddedStore(store_dir)
    load_vocabulary(store)
    mapped = map_source(SEED.read_bytes(), SEED.name, 2025, MINTER)
    loader.load_mapped(mapped, store, MINTER)
    update_series(store, MINTER)
    store.close()
    del store  # releases the RocksDB lock


def test_sigkill_mid_ingest_leaves_the_old_graph_or_the_new(tmp_path: Path) -> None:
    old_store = tmp_path / "old"
    _load_in_process(old_store)
    old = _snapshot(old_store)
    document = next(g for g in old if "/doc/" in g)
    edition = _new_edition(tmp_path / "edition")

    # Before the load: during start-up, and while reading and validating (the store open);
    # during it: from the first write (the vocabulary), through the document's replacement,
    # the series, the flush; after it: exiting.
    plan = [("start-up", 0.3, "start"), ("validation", 0.4, "open")]
    extra = [0.05, 0.15, 0.3]
    if examples(1) > 1:  # make fuzz: many more kills, spread over the load and the exit
        extra = [i * 0.6 / examples(3) for i in range(examples(3))]
    plan += [(f"write+{seconds:.2f}s", seconds, "write") for seconds in extra]
    trials = []
    for number, (label, seconds, trigger) in enumerate(plan):
        store = tmp_path / f"trial-{number}"
        shutil.copytree(old_store, store)
        landed = _kill_run(edition, store, after=seconds, trigger=trigger)
        trials.append((label, landed, _snapshot(store)))  # the store opens at all

    # A store killed in its load is usable: the new edition loads over it, in full.
    recovered = tmp_path / "trial-2"
    done = subprocess.run(
        [JIXIAO, "ingest", str(edition), "--year", "2025", "--store", str(recovered)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    new = _snapshot(recovered)
    assert new[document] != old[document] and new[ORGANIZATIONS] > old[ORGANIZATIONS]
    assert new[SERIES] != old[SERIES]

    states = Counter[str]()
    for label, landed, got in trials:
        state = {old[document]: "old", new[document]: "new"}.get(got[document], "MIXED")
        assert state != "MIXED", f"kill at {label}: the document graph is neither old nor new"
        if landed == "before any write":
            assert state == "old", label
        if landed == "after exit":
            assert state == "new" and got == new, label
        # The organisations are added in the document's transaction: they match its state.
        assert got[ORGANIZATIONS] == (old if state == "old" else new)[ORGANIZATIONS], label
        series = {old[SERIES]: "old", new[SERIES]: "new"}.get(got[SERIES], "MIXED")
        assert series != "MIXED", f"kill at {label}: the series graph is neither old nor new"
        assert (state, series) != ("old", "new"), f"kill at {label}: series ahead of the data"
        for name in (ONTOLOGY, f"{ONTOLOGY} (blank nodes)"):
            assert got[name] == old[name], f"kill at {label}: {name} changed"
        assert set(got) == set(old), label
        if state == "new" and series == "old":
            state = "new, series not yet relinked"
        states[state] += 1
        print(f"SIGKILL at {label:>13} ({landed}): {state}")
    print(f"SIGKILL outcomes: {dict(states)}")
    assert sum(states.values()) == len(plan)


def test_a_bulk_load_that_fails_late_writes_nothing(tmp_path: Path) -> None:
    """New graphs go in by the bulk loader; a term Oxigraph refuses, after thousands of
    good quads, refuses the whole write and leaves the store as it was."""
    store = EmbeddedStore(tmp_path / "store")
    p = URIRef("urn:jixiao-test:p")
    first = URIRef("urn:jixiao-test:first")
    store.replace_graphs([(first, [(first, p, Literal(1))])])
    good = Statements.of(
        (URIRef(f"urn:jixiao-test:s{i}"), p, Literal(f"值 {i}")) for i in range(5000)
    )
    late = Statements([*good.plain, "<urn:jixiao-test:x> <urn:jixiao-test:p> <not an iri> ."], [])
    before = sorted(str(q) for q in store.raw)
    with pytest.raises(QueryError, match=r"cannot load the quads: .*line 10001"):
        store.replace_graphs([(URIRef("urn:jixiao-test:a"), good)], add=[(first, late)])
    # A term that cannot be written at all is refused before anything is loaded.
    with pytest.raises(QueryError, match="cannot write the triples"):
        store.replace_graphs([(URIRef("urn:jixiao-test:a"), [(first, p, URIRef("a b"))])])
    assert sorted(str(q) for q in store.raw) == before
    assert store.named_graphs() == [str(first)]
    store.close()


# --- SIGKILL in the middle of a first corpus ingest (Oxigraph's bulk loader) ---------------------

# A corpus ingest into an empty store, one document a batch, saying "loading N" as each load
# begins: new graphs go in by the bulk loader, whose files are added to RocksDB in one step.
_CORPUS_DRIVER = """
import sys
from pathlib import Path
from jixiao.ingest.iris import IriMinter
from jixiao.service.pipeline.corpus import ingest_corpus, sources_in
from jixiao.service.store.embedded import EmbeddedStore

class Telling(EmbeddedStore):
    loads = 0
    def replace_graphs(self, replace, add=()):
        if add:
            Telling.loads += 1
            print(f"loading {Telling.loads}", flush=True)
        super().replace_graphs(replace, add)

store = Telling(Path(sys.argv[2]))
ingest_corpus(sources_in([Path(sys.argv[1])]), store, IriMinter(), workers=2, batch=1)
store.close()
print("done", flush=True)
"""


def _corpus_run(corpus: Path, store: Path, kill_at: tuple[int, float] | None) -> int | None:
    """Run the driver; SIGKILL it ``kill_at[1]`` seconds after it says "loading N" (N =
    ``kill_at[0]``). Its workers must then exit by themselves: they hold its standard output,
    so reading that to its end waits for them. The number of loads it had begun when it
    stopped (None: it finished)."""
    command = [sys.executable, "-c", _CORPUS_DRIVER, str(corpus), str(store)]
    begun = 0
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        try:
            for line in process.stdout:
                if line.startswith("loading "):
                    begun = int(line.split()[1])
                    if kill_at is not None and begun == kill_at[0]:
                        time.sleep(kill_at[1])
                        process.send_signal(signal.SIGKILL)  # the ingest, not its workers
                        break
            out, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise AssertionError("the workers outlived the killed ingest") from None
    if process.returncode == -signal.SIGKILL:
        # Loads it began before the kill landed whose lines were still in the pipe (on a
        # busy machine a small load ends within the few ms the kill waits).
        for line in out.splitlines():
            if line.startswith("loading "):
                begun = int(line.split()[1])
        return begun
    assert process.returncode == 0, err
    return None


def test_sigkill_mid_bulk_load_leaves_each_document_whole_or_absent(tmp_path: Path) -> None:
    from jixiao.ingest.synthetic import generate_corpus

    corpus = tmp_path / "corpus"
    files = generate_corpus(corpus, triples=15000, seed=5)
    assert len(files) >= 6
    complete = tmp_path / "complete"
    assert _corpus_run(corpus, complete, None) is None
    full = _snapshot(complete)
    documents = {name for name in full if "/doc/" in name}
    assert len(documents) == len(files)

    # Kill at the start of the second, third and fifth loads: at once, and a few ms in
    # (inside the bulk load, whose files are written before RocksDB takes them).
    plan = [(2, 0.0), (3, 0.005), (3, 0.02), (5, 0.002), (5, 0.05)]
    partial = 0
    for number, kill_at in enumerate(plan):
        store = tmp_path / f"trial-{number}"
        begun = _corpus_run(corpus, store, kill_at)
        got = _snapshot(store)  # the store opens after the kill
        loaded = {name for name in got if "/doc/" in name}
        for name in loaded:
            assert got[name] == full[name], f"kill {kill_at}: {name} is only partly loaded"
        if begun is not None:  # loads after the one killed never began
            assert len(loaded) <= begun, (kill_at, len(loaded))
            assert len(loaded) >= begun - 1, (kill_at, len(loaded))
            partial += 0 < len(loaded) < len(documents)
        if ORGANIZATIONS in got:
            assert got[ORGANIZATIONS] <= full[ORGANIZATIONS], kill_at
        if SERIES in got:  # built once, after every load
            assert got[SERIES] == full[SERIES] and loaded == documents, kill_at
        print(f"SIGKILL at load {kill_at[0]} + {kill_at[1]} s: {len(loaded)} documents whole")
    assert partial >= 3, "the kills did not land in the middle of the corpus"

    # A killed store is usable: the corpus ingested over it ends as the complete one.
    assert _corpus_run(corpus, tmp_path / "trial-1", None) is None
    again = _snapshot(tmp_path / "trial-1")
    assert {k: v for k, v in again.items() if "blank" not in k} == {
        k: v for k, v in full.items() if "blank" not in k
    }


# --- a real server: concurrent graph replacements and queries ------------------------------------

MAX_BODY = 100_000
TEST_GRAPHS = [f"urn:jixiao-test:graph-{i}" for i in range(3)]
VERSIONS = {"A": 40, "B": 90}  # version → number of triples


def _ntriples(version: str) -> str:
    return "".join(
        f'<urn:jixiao-test:s{i}> <urn:jixiao-test:p> "{version}-{i:03d}" .\n'
        for i in range(VERSIONS[version])
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``jixiao serve`` on an empty store of its own, with a write token and a small body cap."""
    store = tmp_path_factory.mktemp("served") / "store"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [JIXIAO, "serve", "--store", str(store), "--port", str(port)]
    env = {"JIXIAO_WRITE_TOKEN": WRITE_TOKEN, "JIXIAO_MAX_BODY_BYTES": str(MAX_BODY)}
    with running(command, f"{url}/healthz", env=env):
        yield url, store


_COUNTS = """SELECT ?g (COUNT(*) AS ?n) (MIN(STR(?o)) AS ?first) (MAX(STR(?o)) AS ?last)
WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "urn:jixiao-test:")) } GROUP BY ?g"""


def test_concurrent_replacements_and_queries(server: tuple[str, Path]) -> None:
    url, _ = server
    with httpx.Client(base_url=url, timeout=30) as client:
        for graph in TEST_GRAPHS:  # every graph starts as version A
            response = client.put(
                "/store", params={"graph": graph}, content=_ntriples("A"),
                headers={**AUTH, "content-type": "application/n-triples"},
            )  # fmt: skip
            assert response.status_code in (201, 204), response.text

    # Each kind of operation runs for at least 3 s and until it has been done 3 times, so a
    # loaded machine slows the test down instead of failing it; 60 s bound the whole.
    deadline = time.monotonic() + 3.0
    bound = time.monotonic() + 60.0
    errors: list[str] = []
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def going(kind: str) -> bool:
        now = time.monotonic()
        with lock:
            return now < deadline or (now < bound and seen[kind] < 3)

    def note(kind: str) -> None:
        with lock:
            seen[kind] += 1

    def check(what: str, graph: str, n: int, first: str, last: str) -> None:
        version = first.split("-")[0]
        if last.split("-")[0] != version or VERSIONS.get(version) != n:
            errors.append(f"{what} saw {graph} mixed: {n} triples, {first} … {last}")
        note(f"saw {version}")

    def writer(kind: str, graph: str) -> None:  # one per graph; two: the next test
        with httpx.Client(base_url=url, timeout=30) as client:
            i = 0
            while going(kind):
                i += 1
                version = "AB"[i % 2]
                if kind == "put":
                    response = client.put(
                        "/store", params={"graph": graph}, content=_ntriples(version),
                        headers={**AUTH, "content-type": "application/n-triples"},
                    )  # fmt: skip
                else:
                    update = (
                        f"DROP SILENT GRAPH <{graph}> ;\n"
                        f"INSERT DATA {{ GRAPH <{graph}> {{ {_ntriples(version)} }} }}"
                    )
                    response = client.post(
                        "/sparql", content=update.encode(),
                        headers={**AUTH, "content-type": "application/sparql-update"},
                    )  # fmt: skip
                if response.status_code not in (201, 204):
                    errors.append(f"{kind} {graph}: {response.status_code} {response.text[:200]}")
                note(kind)

    def query_reader() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while going("query"):
                response = client.get(
                    "/sparql", params={"query": _COUNTS},
                    headers={"accept": "application/sparql-results+json"},
                )  # fmt: skip
                if response.status_code != 200:
                    errors.append(f"query: {response.status_code} {response.text[:200]}")
                    continue
                rows = response.json()["results"]["bindings"]
                if len(rows) != len(TEST_GRAPHS):
                    errors.append(f"query saw {len(rows)} of the {len(TEST_GRAPHS)} graphs")
                for row in rows:
                    values = {k: v["value"] for k, v in row.items()}
                    check("query", values["g"], int(values["n"]), values["first"], values["last"])
                note("query")

    def graph_reader() -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            i = 0
            while going("graph read"):
                i += 1
                graph = TEST_GRAPHS[i % 3]
                response = client.get(
                    "/store", params={"graph": graph}, headers={"accept": "application/n-triples"}
                )
                if response.status_code != 200:
                    errors.append(f"GET {graph}: {response.status_code} {response.text[:200]}")
                    continue
                objects = sorted(line.rsplit('"', 2)[1] for line in response.text.splitlines())
                check("GET /store", graph, len(objects), objects[0], objects[-1])
                note("graph read")

    def guarded(work: Callable[..., None], *args: str) -> threading.Thread:
        def run() -> None:
            try:
                work(*args)
            except Exception as exc:  # a failed request is an error, like a wrong answer
                errors.append(f"{work.__name__}{args}: {exc!r}")

        return threading.Thread(target=run)

    threads = [
        guarded(writer, "put", TEST_GRAPHS[0]),
        guarded(writer, "update", TEST_GRAPHS[1]),
        guarded(writer, "put", TEST_GRAPHS[2]),
        guarded(query_reader),
        guarded(query_reader),
        guarded(graph_reader),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    print(f"concurrent operations: {dict(seen)}")
    assert not errors, errors[:5]
    for kind in ("put", "update", "query", "graph read"):
        assert seen[kind] >= 3, seen
    assert seen["saw A"] and seen["saw B"], seen  # reads did overlap the replacements


def test_two_writers_replacing_one_graph_never_leave_a_mix(tmp_path: Path) -> None:
    """In process, on a disk store: Graph Store PUTs (``write_graph``) racing ingest-style
    replacements (``replace_graphs``) of one graph; every read sees one version whole.

    Oxigraph's RocksDB transactions do not serialise two writers: each drops the graph it
    read, so both versions' triples can commit together unless the store takes one write at
    a time."""
    store = EmbeddedStore(tmp_path / "store")
    graph = TEST_GRAPHS[0]
    terms = {
        v: [(f"urn:jixiao-test:s{i}", f"{v}-{i:03d}") for i in range(n)]
        for v, n in VERSIONS.items()
    }
    p = "urn:jixiao-test:p"
    triples = {
        v: [ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.Literal(o)) for s, o in pairs]
        for v, pairs in terms.items()
    }
    rdflib_triples = {
        v: [(URIRef(s), URIRef(p), Literal(o)) for s, o in pairs] for v, pairs in terms.items()
    }
    store.write_graph(graph, triples["A"], replace=True)
    deadline = time.monotonic() + 1.5
    mixed: list[int] = []

    def put(version: str) -> None:
        while time.monotonic() < deadline and not mixed:
            store.write_graph(graph, triples[version], replace=True)

    def replace(version: str) -> None:
        while time.monotonic() < deadline and not mixed:
            store.replace_graphs([(URIRef(graph), rdflib_triples[version])])

    def read() -> None:
        while time.monotonic() < deadline and not mixed:
            size = len(store.read_graph(graph))
            if size not in VERSIONS.values():
                mixed.append(size)

    threads = [
        threading.Thread(target=put, args=("A",)),
        threading.Thread(target=replace, args=("B",)),
        threading.Thread(target=read),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    final = len(store.read_graph(graph))
    assert not mixed and final in VERSIONS.values(), f"reads saw {mixed[:3]}; final {final}"


def test_an_ingest_into_a_served_store_is_refused(server: tuple[str, Path]) -> None:
    _, store = server
    done = subprocess.run(
        [JIXIAO, "ingest", str(SEED), "--year", "2025", "--store", str(store)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"jixiao: cannot open the store at {store}")


def test_oversize_chunked_upload_to_the_real_server(server: tuple[str, Path]) -> None:
    url, _ = server

    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY // 10_000 + 5):
            yield b"#" * 10_000 + b"\n"

    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.put(
            "/store", params={"graph": "urn:jixiao-test:big"}, content=chunks(),
            headers={**AUTH, "content-type": "text/turtle"},
        )  # fmt: skip
        assert response.status_code == 413
        assert response.json()["error"] == "BodyTooLarge"
        assert client.get("/store", params={"graph": "urn:jixiao-test:big"}).status_code == 404


# --- two ingests at once -------------------------------------------------------------------------


def test_two_ingests_at_once_the_second_is_refused_in_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first, second = _ingest(SEED, store), _ingest(SEED, store)
    outcomes = []
    for process in (first, second):
        out, err = process.communicate(timeout=120)
        outcomes.append((process.returncode, out.decode(), err.decode()))
    assert sorted(code for code, _, _ in outcomes) == [0, 3], outcomes
    (_, loaded, _), (_, _, refused) = sorted(outcomes)
    assert loaded.startswith(f"loaded {SEED.name} (2025)")
    assert refused.count("\n") == 1 and "Traceback" not in refused
    assert refused.startswith(f"jixiao: cannot open the store at {store}: ")
    assert "lock" in refused.lower()
    print(f"the second ingest: {refused.strip()}")


# --- oversize uploads, in process ---------------------------------------------------------------

LIMIT = 1000
# Every route that reads a body: (method, URL, content type).
BODY_ROUTES = [
    ("POST", "/validate?year=2025", "text/plain"),
    ("POST", "/validate", "text/turtle"),
    ("PUT", "/store?graph=urn:jixiao-test:big", "text/turtle"),
    ("POST", "/store?graph=urn:jixiao-test:big", "application/n-triples"),
    ("POST", "/store", "text/turtle"),
    ("PUT", "/store/big", "text/turtle"),
    ("POST", "/store/big", "application/n-triples"),
    ("POST", "/sparql", "application/sparql-query"),
    ("POST", "/sparql", "application/sparql-update"),
    ("POST", "/sparql", "application/x-www-form-urlencoded"),
]


def _body(size: int, content_type: str) -> bytes:
    if content_type == "application/x-www-form-urlencoded":
        return b"query=" + b"x" * (size - 6)
    return b"#" * size


@contextlib.asynccontextmanager
async def _small_app() -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(store=":memory:", write_token=WRITE_TOKEN, max_body_bytes=LIMIT)
    async with app_client(settings) as client:
        yield client


async def _graphs(client: httpx.AsyncClient) -> str:
    return (await client.get("/store", headers={"accept": "application/n-quads"})).text


# A declared Content-Length over the limit on these is already tested (test_shapes_http,
# test_sparql_protocol); every other route and framing is tested here.
_ALREADY_TESTED = {
    ("content-length", "/validate", "text/turtle"),
    ("content-length", "/sparql", "application/sparql-query"),
}
OVERSIZE = [
    (framing, *route)
    for framing in ("content-length", "chunked")
    for route in BODY_ROUTES
    if (framing, route[1], route[2]) not in _ALREADY_TESTED
]


@pytest.mark.anyio
@pytest.mark.parametrize(("framing", "method", "url", "content_type"), OVERSIZE)
async def test_oversize_bodies_get_413(
    method: str, url: str, content_type: str, framing: str
) -> None:
    body = _body(LIMIT + 1, content_type)

    async def chunked() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 100):
            yield body[start : start + 100]

    headers = {**AUTH, "content-type": content_type}
    async with _small_app() as client:
        before = await _graphs(client)
        content = body if framing == "content-length" else chunked()
        response = await client.request(method, url, content=content, headers=headers)
        assert ("content-length" in response.request.headers) == (framing == "content-length")
        assert response.status_code == 413, response.text
        assert response.json() == {
            "error": "BodyTooLarge",
            "message": f"the request body is larger than {LIMIT} bytes",
        }
        assert await _graphs(client) == before  # nothing written


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "url", "content_type"),
    [route for route in BODY_ROUTES if not route[1].startswith("/validate")],  # no worker
)
async def test_a_body_of_exactly_the_limit_is_read(
    method: str, url: str, content_type: str
) -> None:
    async with _small_app() as client:
        response = await client.request(
            method, url, content=_body(LIMIT, content_type),
            headers={**AUTH, "content-type": content_type},
        )  # fmt: skip
    assert response.status_code != 413, (method, url, response.text)


def test_body_routes_are_all_listed() -> None:
    """Every operation that documents or reads a body is in BODY_ROUTES."""
    from jixiao.service.http.app import create_app

    document = create_app(Settings(store=":memory:")).openapi()
    writes = {
        (method.upper(), path)
        for path, methods in document["paths"].items()
        for method in methods
        if method in ("post", "put")
    }
    listed = {
        (m, u.split("?")[0].replace("/store/big", "/store/{path}")) for m, u, _ in BODY_ROUTES
    }
    assert writes == listed, writes ^ listed
