"""The scale benchmark: synthetic corpora of ~100k, ~1M and ~5M triples, end to end.

For each size, in one run: generate the corpus; ingest it with ``jixiao ingest`` in a child
process (throughput and peak memory); validate it again with each engine it is fair to run;
relink the series; then run every canned query, with the same text, on the embedded store in
process, over HTTP on a real ``jixiao serve``, on a bare ``oxigraph serve-read-only`` over the
very same store (the limit), and on an rdflib in-memory dataset loaded from the same quads
(the naive baseline, only up to a size where it finishes); finally 300 concurrent clients
against ``jixiao serve``. :mod:`.bench` writes the results to BENCHMARKS.md.

Child entry points (``python -m jixiao.service.bench.scale ingest|rdflib …``) keep each
measurement's memory and CPU its own.
"""

from __future__ import annotations

import itertools
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from jixiao.ingest.iris import IriMinter
from jixiao.ontology import sparql_prologue
from jixiao.service.answers.canned import load_queries
from jixiao.service.bench.processes import free_port, running
from jixiao.service.bench.report import REPLICA_WAIT_S

__all__ = ["bench_size", "canned_texts"]

BIN = Path(sys.executable).parent
RUNS = 7  # per query and engine; the first is a warm-up and is not counted
RUNS_ABOVE_1M = 4  # the same, above 1M triples, where one run of a query takes minutes
QUERY_LIMIT = 60.0  # seconds an rdflib query may take before it counts as "more than"


def _stats(times: Sequence[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_s": statistics.median(ordered), "p95_s": p95, "runs": len(ordered)}


def canned_texts(store_query: Callable[[str], list[object]]) -> dict[str, str]:
    """Every canned query as text with its parameters bound (the same text for every engine).

    Years: the two budget years with the most documents, earlier first.
    """
    rows = store_query(
        sparql_prologue("jx") + "SELECT ?y (COUNT(?d) AS ?n) WHERE "
        "{ ?d a jx:BudgetDocument ; jx:budgetYear ?y } GROUP BY ?y ORDER BY DESC(?n) ?y"
    )
    years = sorted(int(r[0]) for r in rows[:2])  # type: ignore[index]
    values = {"yearA": years[0], "yearB": years[-1]}
    texts = {}
    for name, query in sorted(load_queries().items()):
        wanted = {p.name: values[p.name] for p in query.parameters if p.name in values}
        texts[name] = query.render(query.bind(wanted))
    return texts


def _time_queries(
    run: Callable[[str], int], texts: dict[str, str], runs: int
) -> dict[str, dict[str, float]]:
    out = {}
    for name, text in texts.items():
        rows = run(text)  # warm-up, and the row count
        times = []
        for _ in range(runs - 1):
            started = time.perf_counter()
            run(text)
            times.append(time.perf_counter() - started)
        out[name] = {**_stats(times), "rows": rows}
    return out


def _http_runner(client: httpx.Client, url: str) -> Callable[[str], int]:
    """Runs a query over HTTP, each time with a new comment line so that the service's
    answer cache never answers it: what is timed is an evaluation."""
    runs = itertools.count()

    def run(text: str) -> int:
        response = client.get(
            url,
            params={"query": f"# bench run {next(runs)}\n{text}"},
            headers={"accept": "application/sparql-results+json"},
        )
        response.raise_for_status()
        return len(response.json()["results"]["bindings"])

    return run


def _await_replicas(
    client: httpx.Client, url: str, seconds: float = REPLICA_WAIT_S
) -> tuple[float, bool]:
    """Seconds until both query workers answer from their in-memory replicas, or ``seconds``
    at most; and whether they do. Probes go two at a time, each a cross product of two VALUES
    blocks that keeps a worker busy for tens of milliseconds whatever the store's size (so
    the two go to both workers), with a pause between rounds that leaves the copies, which run
    at the lowest priority, the CPU. When ``/metrics`` says every replica is off for three
    rounds (none is copied: the store is over ``JIXIAO_QUERY_REPLICA_MAX_TRIPLES``, as at
    5M), it stops waiting then rather than after ``seconds``."""
    started = time.perf_counter()
    values = "{ " + " ".join(str(i) for i in range(700)) + " }"
    probe = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {values} VALUES ?b {values} }}"
    sent = itertools.count()

    def replica_answers() -> int:
        health = client.get(f"{url}/healthz").json()
        return int(health.get("answeredFrom", {}).get("replica", 0))

    off_rounds = 0
    with ThreadPoolExecutor(2) as pool:
        while time.perf_counter() - started < seconds:
            before = replica_answers()
            texts = [f"{probe} # probe {next(sent)}" for _ in range(2)]
            list(pool.map(lambda t: client.get(f"{url}/sparql", params={"query": t}), texts))
            if replica_answers() - before == 2:
                return time.perf_counter() - started, True
            off_rounds = off_rounds + 1 if _replicas_all_off(client, url) else 0
            if off_rounds >= _OFF_ROUNDS:  # none coming (the store is over the cap, say)
                return time.perf_counter() - started, False
            time.sleep(1.0)
    return time.perf_counter() - started, False


_OFF_ROUNDS = 3  # rounds of probes after which replicas all off means none is coming
_REPLICA_STATE = re.compile(r'^jixiao_query_replicas\{state="(\w+)"\} (\S+)$', re.MULTILINE)


def _replicas_all_off(client: httpx.Client, url: str) -> bool:
    """Whether ``/metrics`` says no worker has a replica loading, ready or stale (False
    when it cannot say: metrics off, or no such lines)."""
    response = client.get(f"{url}/metrics")
    if response.status_code != 200:
        return False
    states = {m[1]: float(m[2]) for m in _REPLICA_STATE.finditer(response.text)}
    return bool(states) and states.get("off", 0) > 0 and sum(states.values()) == states["off"]


def _ingest(corpus: Path, store: Path) -> dict[str, object]:
    """``jixiao ingest`` of the corpus in a child process: its timings and peak memory."""
    done = subprocess.run(
        [sys.executable, "-m", "jixiao.service.bench.scale", "ingest", str(corpus), str(store)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _child_ingest(corpus: Path, store_path: Path) -> None:
    from jixiao.service.pipeline.corpus import ingest_corpus, sources_in
    from jixiao.service.store.embedded import EmbeddedStore

    sources = sources_in([corpus])
    store = EmbeddedStore(store_path)
    result = ingest_corpus(sources, store, IriMinter())
    store.close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "documents": len(result.loaded),
                "refused": len(result.refused),
                "triples": result.triples,
                "rows": result.rows,
                "seconds": result.seconds,
                "prepare_cpu_s": result.prepare_seconds,
                "load_s": result.load_seconds,
                "link_s": result.link_seconds,
                "peak_rss_mb": own,
                "peak_worker_rss_mb": workers,
            }
        )
    )


def _validation(corpus: Path, repeat: int) -> dict[str, object]:
    """Validation alone, all documents of the corpus mapped first, with the default engine."""
    from jixiao.ingest.source import map_source
    from jixiao.service.pipeline.corpus import sources_in
    from jixiao.service.pipeline.load import read_source
    from jixiao.shapes.validate import validate_documents

    minter = IriMinter()
    mapped = [
        map_source(read_source(s.path), s.path.name, s.year, minter) for s in sources_in([corpus])
    ]
    times, violations = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        reports = validate_documents(mapped, base_iri=minter.base)
        times.append(time.perf_counter() - started)
        violations = sum(r.counts["Violation"] for r in reports)
    triples = sum(len(m.triples) + len(m.organization_triples) for m in mapped)
    return {**_stats(times), "documents": len(mapped), "triples": triples, "violations": violations}


def _linking(store_path: Path, repeat: int) -> dict[str, float]:
    from jixiao.service.pipeline.linking import update_series
    from jixiao.service.store.embedded import EmbeddedStore

    store = EmbeddedStore(store_path)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        update_series(store, IriMinter())
        times.append(time.perf_counter() - started)
    store.close()
    return _stats(times)


def _value(term: object) -> str | None:
    return None if term is None else str(getattr(term, "value", term))


def _in_process(store_path: Path, runs: int) -> tuple[dict[str, str], dict[str, dict[str, float]]]:
    from jixiao.service.store.embedded import EmbeddedStore

    store = EmbeddedStore(store_path, read_only=True)

    def rows(text: str) -> list[object]:
        return [tuple(_value(s[i]) for i in range(len(s))) for s in store.query(text)]  # type: ignore[union-attr]

    texts = canned_texts(rows)
    return texts, _time_queries(lambda text: len(rows(text)), texts, runs)


def _rdflib(dump: Path, texts: dict[str, str], limit: float, skip: set[str]) -> dict[str, object]:
    """The queries on rdflib in memory, in a child; a query past ``limit`` is recorded as
    "more than" and the child restarted for the rest. Queries in ``skip`` ran out of time at
    a smaller size already: they are recorded as "more than" without running them again."""
    results: dict[str, object] = {n: {"more_than_s": limit, "skipped": True} for n in skip}
    pending = [n for n in texts if n not in skip]
    load_s: float | None = None
    while pending:
        spec = Path(dump.parent / "rdflib-queries.json")
        spec.write_text(json.dumps({n: texts[n] for n in pending}), encoding="utf-8")
        child = subprocess.Popen(
            [sys.executable, "-m", "jixiao.service.bench.scale", "rdflib", str(dump), str(spec)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        current = pending[0]
        try:
            line = _read_line(child, 900)  # the load
            load_s = load_s or float(json.loads(line)["load_s"])
            while pending:
                current = pending[0]
                line = _read_line(child, limit * 2 + 5)
                record = json.loads(line)
                results[record["name"]] = {"median_s": record["seconds"], "rows": record["rows"]}
                pending.pop(0)
        except TimeoutError:
            results[current] = {"more_than_s": limit}
            pending.pop(0)
        finally:
            child.kill()
            child.wait()
    return {"load_s": load_s, "queries": results}


def _read_line(child: subprocess.Popen[str], seconds: float) -> str:
    import selectors

    assert child.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    if not selector.select(seconds):
        raise TimeoutError
    line = child.stdout.readline()
    if not line:
        raise TimeoutError
    return line


def _child_rdflib(dump: Path, spec: Path) -> None:
    import gzip

    from rdflib import Dataset

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(data=gzip.decompress(dump.read_bytes()), format="nquads")
    print(json.dumps({"load_s": time.perf_counter() - started}), flush=True)
    for name, text in json.loads(spec.read_text(encoding="utf-8")).items():
        started = time.perf_counter()
        rows = len(list(dataset.query(text)))
        print(
            json.dumps({"name": name, "seconds": time.perf_counter() - started, "rows": rows}),
            flush=True,
        )


def _load_test(url: str, clients: int, seconds: float) -> dict[str, object]:
    """``clients`` concurrent clients on /id/ pages and a canned query (see :mod:`.loadgen`)."""
    from dataclasses import asdict

    from jixiao.service.bench.loadgen import run_load, site_mix

    return asdict(run_load(url, site_mix(url), clients=clients, duration=seconds))


def bench_size(
    triples: int,
    workdir: Path,
    *,
    rdflib: bool,
    load_clients: int,
    load_seconds: float,
    validation_runs: int,
    rdflib_skip: set[str] | None = None,
) -> dict[str, object]:
    """Everything measured at one corpus size (see the module docstring)."""
    from jixiao.ingest.synthetic import generate_corpus

    corpus, store = workdir / f"corpus-{triples}", workdir / f"store-{triples}"
    out: dict[str, object] = {"requested_triples": triples}
    started = time.perf_counter()
    files = generate_corpus(corpus, triples=triples, seed=0)
    out["generate_s"] = time.perf_counter() - started
    out["files"] = len(files)
    print(f"[{triples}] generated {len(files)} files", file=sys.stderr, flush=True)
    out["ingest"] = ingest = _ingest(corpus, store)
    print(f"[{triples}] ingest {ingest}", file=sys.stderr, flush=True)
    out["validation"] = _validation(corpus, validation_runs)
    out["linking"] = _linking(store, 3)
    runs = RUNS if triples <= 1_000_000 else RUNS_ABOVE_1M
    texts, in_process = _in_process(store, runs)
    out["queries"] = {"in_process": in_process}
    print(f"[{triples}] queries in process done", file=sys.stderr, flush=True)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"JIXIAO_MAX_ROWS": str(10**8), "JIXIAO_QUERY_TIMEOUT": "300"}
    command = [str(BIN / "jixiao"), "serve", "--store", str(store), "--port", str(port)]
    with running(command, f"{url}/healthz", env, seconds=120), httpx.Client(timeout=600) as client:
        out["replica_ready_s"], out["replicas_ready"] = _await_replicas(client, url)
        out["queries"]["http"] = _time_queries(_http_runner(client, f"{url}/sparql"), texts, runs)  # type: ignore[index]
        if load_clients:
            out["load"] = _load_test(url, load_clients, load_seconds)
        dump = workdir / f"dump-{triples}.nq.gz"
        if rdflib:
            dump.write_bytes(client.get(f"{url}/dumps/dataset.nq.gz", timeout=600).content)
    print(f"[{triples}] http done", file=sys.stderr, flush=True)

    port = free_port()
    command = [
        str(BIN / "oxigraph"),
        "serve-read-only",
        "--location",
        str(store),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    probe = f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"
    with running(command, probe, seconds=120), httpx.Client(timeout=600) as client:
        runner = _http_runner(client, f"http://127.0.0.1:{port}/query")
        out["queries"]["oxigraph"] = _time_queries(runner, texts, runs)  # type: ignore[index]
    print(f"[{triples}] oxigraph done", file=sys.stderr, flush=True)
    if rdflib:
        out["queries"]["rdflib"] = _rdflib(dump, texts, QUERY_LIMIT, rdflib_skip or set())  # type: ignore[index]
        print(f"[{triples}] rdflib done", file=sys.stderr, flush=True)
    return out


def _main(argv: Sequence[str]) -> None:
    command, *args = argv
    if command == "ingest":
        _child_ingest(Path(args[0]), Path(args[1]))
    elif command == "rdflib":
        _child_rdflib(Path(args[0]), Path(args[1]))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    _main(sys.argv[1:])
