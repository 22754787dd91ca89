"""Ingesting a corpus: many tables in one run, refused ones alone, series linked once."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic
from rdflib.term import Node
from support.servers import BIN

from jixiao.ingest.errors import UsageError
from jixiao.ingest.iris import IriMinter
from jixiao.ingest.synthetic import generate_corpus
from jixiao.ingest.years import year_in_name
from jixiao.service.pipeline import corpus as corpus_module
from jixiao.service.pipeline.corpus import ingest_corpus, sources_in
from jixiao.service.store.embedded import EmbeddedStore

COUNT_GRAPHS = """
SELECT (COUNT(DISTINCT ?doc) AS ?docs) (COUNT(DISTINCT ?series) AS ?series) WHERE {
  { ?doc a <https://w3id.org/jixiao/ontology#BudgetDocument> }
  UNION { ?p <https://w3id.org/jixiao/ontology#series> ?series }
}"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate_corpus(folder, triples=6000, seed=3)
    return folder


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("gzkjj-2024.txt", 2024),
        ("000_广州市科学技术协会2023年项目支出绩效目标表.txt", 2023),
        ("dept-2023-2024.txt", None),
        ("table.txt", None),
        ("dept-20245.txt", None),
    ],
)
def test_the_year_is_read_from_a_name(name: str, year: int | None) -> None:
    assert year_in_name(name) == year


def test_a_table_without_a_year_needs_one(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--year"):
        sources_in([tmp_path / "table.txt"])
    assert sources_in([tmp_path / "table.txt"], 2025)[0].year == 2025


def test_a_corpus_loads_whole_and_links_once(corpus: Path) -> None:
    sources = sources_in([corpus])
    assert len(sources) >= 3 and len({s.year for s in sources}) >= 2
    store = EmbeddedStore(None)
    result = ingest_corpus(sources, store, IriMinter(), workers=0, batch=2)
    assert not result.refused
    assert len(result.loaded) == len(sources)
    row = next(iter(store.query(COUNT_GRAPHS)))
    assert int(row["docs"].value) == len(sources)
    assert int(row["series"].value) > 0
    # Every document's graph holds exactly the triples it reported.
    for loaded in result.loaded:
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{loaded.document}> {{ ?s ?p ?o }} }}"
        in_graph = int(next(iter(store.query(count)))["n"].value)
        assert 0 < in_graph <= loaded.triples
    assert result.rows == sum(r.projects + r.indicators for r in result.loaded)


def test_a_broken_table_is_refused_alone(corpus: Path, tmp_path: Path) -> None:
    """One table's total changed by 0.01: that table is refused, the others load, exit 1."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    files = sorted(corpus.glob("*.txt"))
    for file in files:
        (folder / file.name).write_bytes(file.read_bytes())
    broken = folder / files[0].name
    lines = broken.read_text(encoding="utf-8").splitlines(keepends=True)
    total = next(i for i, line in enumerate(lines) if "合计" in line)
    cells = lines[total].split("\t")
    amount = next(i for i, cell in enumerate(cells) if any(ch.isdigit() for ch in cell))
    assert cells[amount].strip() != "0.01"
    cells[amount] = cells[amount].replace(cells[amount].strip(), "0.01", 1)
    lines[total] = "\t".join(cells)
    broken.write_text("".join(lines), encoding="utf-8")
    store = tmp_path / "store"
    done = subprocess.run(
        [str(BIN / "jixiao"), "ingest", str(folder), "--store", str(store)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert f"refused {broken.name}" in done.stderr
    assert f"loaded {len(files) - 1} of {len(files)} tables" in done.stdout


def test_the_workers_run_a_bounded_way_ahead_of_the_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch goes out as each load ends: never more than ``workers + 1`` batches submitted
    and not yet loaded, however many there are (nor one at a time, which would leave the
    workers idle during a load), and the store ends as a serial ingest leaves it."""
    generate_corpus(tmp_path / "corpus", triples=12000, seed=3)
    sources = sources_in([tmp_path / "corpus"])
    workers = 2
    assert len(sources) >= 3 * (workers + 1)  # one document a batch, so many batches
    counts: Counter[str] = Counter()
    outstanding: list[int] = []  # submitted and not yet loaded, at each submission

    class CountingPool(ProcessPoolExecutor):
        def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
            counts["submitted"] += 1
            outstanding.append(counts["submitted"] - counts["loaded"])
            return super().submit(fn, *args, **kwargs)

    class CountingStore(EmbeddedStore):
        def replace_graphs(
            self,
            replace: Sequence[tuple[URIRef, Iterable[tuple[Node, Node, Node]]]],
            add: Sequence[tuple[URIRef, Iterable[tuple[Node, Node, Node]]]] = (),
        ) -> None:
            super().replace_graphs(replace, add)
            if add:  # a batch of documents, adding to the organisations graph (not the
                counts["loaded"] += 1  # vocabulary or series graphs, which replace only)

    monkeypatch.setattr(corpus_module, "ProcessPoolExecutor", CountingPool)
    parallel = CountingStore(None)
    result = ingest_corpus(sources, parallel, IriMinter(), workers=workers, batch=1)
    assert not result.refused
    assert counts["submitted"] == counts["loaded"] == len(sources)
    assert max(outstanding) == workers + 1, outstanding

    serial = EmbeddedStore(None)
    expected = ingest_corpus(sources, serial, IriMinter(), workers=0, batch=1)
    assert [(r.document, r.triples) for r in result.loaded] == [
        (r.document, r.triples) for r in expected.loaded
    ]
    got, want = _graphs(parallel), _graphs(serial)
    assert sorted(got) == sorted(want)
    for name, graph in got.items():
        assert to_isomorphic(graph) == to_isomorphic(want[name]), name


def _graphs(store: EmbeddedStore) -> dict[str, Graph]:
    """Each named graph of ``store``, as an rdflib graph to compare by isomorphism."""
    return {
        name: Graph().parse(
            data=store.raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)),
            format="nt",
        )
        for name in store.named_graphs()
    }
