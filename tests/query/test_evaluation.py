"""How one query's solutions are serialised: by Oxigraph's writers, cut at the row cap."""

from __future__ import annotations

import csv
import io
import json
import math
import time
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from jixiao.service.errors import QueryTimeout
from jixiao.service.query.evaluation import Answer, QueryJob, _Sink, evaluate

FORMATS = ("json", "xml", "csv", "tsv")
# Values that look like a row boundary in one format or another.
TRICKY = ('x},{"y', "a\nb", "<result>", "},{", 'q"},{"r')


def _store(values: list[str]) -> ox.Store:
    store = ox.Store()
    ex = "http://example.org/"
    for i, value in enumerate(values):
        store.add(ox.Quad(ox.NamedNode(f"{ex}s{i:04}"), ox.NamedNode(f"{ex}p"), ox.Literal(value)))
    return store


def _answer(store: ox.Store, fmt: str, max_rows: int) -> Answer:
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    job = QueryJob(text, max_rows=max_rows, formats={"solutions": fmt})
    return evaluate(lambda: store.query(text), job, deadline=math.inf)


def _rows(answer: Answer) -> list[str]:
    """The ``?o`` values of an answer, read back with a parser of its format."""
    text = answer.payload.decode("utf-8")
    if answer.format == "json":
        return [b["o"]["value"] for b in json.loads(text)["results"]["bindings"]]
    if answer.format == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        root = ET.fromstring(text)
        return [
            b.find(f"{ns}literal").text or ""  # type: ignore[union-attr]
            for b in root.iter(f"{ns}binding")
            if b.get("name") == "o"
        ]
    if answer.format == "csv":
        return [row["o"] for row in csv.DictReader(io.StringIO(text, newline=""))]
    lines = text.split("\n")[1:-1]
    return [json.loads(line.split("\t")[1]) for line in lines]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("count", [0, 1, 4, 5, 6, 12])
def test_the_row_cap_cuts_at_the_exact_row_in_every_format(fmt: str, count: int) -> None:
    values = [TRICKY[i % len(TRICKY)] + str(i) for i in range(count)]
    answer = _answer(_store(values), fmt, max_rows=5)
    assert _rows(answer) == values[:5]
    assert answer.truncated is (count > 5)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_answer_within_the_cap_is_oxigraphs_own_serialisation(fmt: str) -> None:
    store = _store(list(TRICKY))
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    native = store.query(text).serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert _answer(store, fmt, max_rows=100).payload == native


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("count", [3, 4, 40])
def test_a_cut_at_the_cap_evaluates_the_query_once(fmt: str, count: int) -> None:
    """Cut while streaming: the answer past the cap is Oxigraph's own serialisation of its
    first rows, closed where a document of that many rows closes — not a second run."""
    values = [TRICKY[i % len(TRICKY)] + str(i) for i in range(count)]
    store = _store(values)
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    runs = []

    def run() -> ox.QuerySolutions:
        runs.append(1)
        return store.query(text)  # type: ignore[return-value]

    job = QueryJob(text, max_rows=3, formats={"solutions": fmt})
    answer = evaluate(run, job, deadline=math.inf)
    assert len(runs) == 1
    assert _rows(answer) == values[:3]
    assert answer.truncated is (count > 3)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_cut_answer_is_the_document_of_its_rows(fmt: str) -> None:
    """Byte for byte what Oxigraph writes for the first rows alone."""
    values = [TRICKY[i % len(TRICKY)] + str(i) for i in range(9)]
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    alone = _store(values[:4]).query(text)
    assert isinstance(alone, ox.QuerySolutions)
    expected = alone.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert _answer(_store(values), fmt, max_rows=4).payload == expected


def test_a_cut_at_zero_rows_is_an_empty_document() -> None:
    for fmt in FORMATS:
        answer = _answer(_store(["a", "b"]), fmt, max_rows=0)
        assert _rows(answer) == [] and answer.truncated, fmt


@pytest.mark.parametrize("mark", [b"},{", b"<result>", b"\n"])
def test_the_sink_counts_a_mark_split_across_writes(mark: bytes) -> None:
    data = b"ab" + mark + b"c" + mark + mark + b"d"
    for cut in range(len(data) + 1):
        for cut2 in range(cut, len(data) + 1):
            sink = _Sink({b"},{": "json", b"<result>": "xml", b"\n": "tsv"}[mark], 10, math.inf)
            for part in (data[:cut], data[cut:cut2], data[cut2:]):
                sink.write(part)
            assert sink._marks == 3, (cut, cut2)
            assert sink.payload() == data


def test_a_serialisation_past_the_deadline_is_a_timeout() -> None:
    store = _store([str(i) for i in range(50)])
    text = "SELECT ?o WHERE { ?s ?p ?o }"
    job = QueryJob(text, formats={"solutions": "json"})
    with pytest.raises(QueryTimeout):
        evaluate(lambda: store.query(text), job, deadline=time.monotonic() - 1)
