"""What the :class:`Store` protocol promises, held on both backends: the embedded Oxigraph
store and a remote store against a real ``oxigraph serve``."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from support.servers import Server

from jixiao.service.store.base import Store
from jixiao.service.store.factory import open_store

G1, G2 = URIRef("http://example.org/g1"), URIRef("http://example.org/g2")
P = URIRef("http://example.org/p")


@pytest.fixture(params=["embedded", "remote"])
def location(request: pytest.FixtureRequest) -> str:
    """Where a store opens: ``:memory:``, or the URL of a fresh ``oxigraph serve``."""
    if request.param == "embedded":
        return ":memory:"
    server: Server = request.getfixturevalue("oxigraph_server")
    return server.url


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    opened = open_store(location)
    yield opened
    opened.close()


def _fill(store: Store) -> None:
    store.replace_graphs(
        [(G1, [(G1, P, Literal(1)), (G1, P, Literal("一"))])], add=[(G2, [(G2, P, Literal(2))])]
    )


def test_quads_of_a_graph_and_of_every_graph(store: Store) -> None:
    _fill(store)
    g1 = sorted(str(q) for q in store.quads(str(G1)))
    assert g1 == [
        f'<{G1}> <{P}> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <{G1}>',
        f'<{G1}> <{P}> "一" <{G1}>',
    ]
    every = list(store.quads())
    assert all(isinstance(q, ox.Quad) for q in every)
    assert {q.graph_name.value for q in every} == {str(G1), str(G2)}  # type: ignore[union-attr]
    assert len(every) == 3
    assert list(store.quads("http://example.org/none")) == []


def test_what_is_no_iri_has_no_quads(store: Store) -> None:
    _fill(store)
    assert list(store.quads("http://example.org/a b")) == []
    assert list(store.quads("g1")) == []


def test_leaving_the_block_closes_the_store(location: str, monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[Store] = []
    with open_store(location) as store:
        real_close = type(store).close
        monkeypatch.setattr(
            type(store), "close", lambda self: closed.append(self) or real_close(self)
        )
        _fill(store)
    assert closed == [store]
    with pytest.raises(ZeroDivisionError), open_store(location) as failing:
        failing.drop_graph(str(G1))
        1 / 0  # noqa: B018 (a refused table, say: the block is left by an exception)
    assert closed == [store, failing]


def test_a_closed_remote_store_sends_nothing(oxigraph_server: Server) -> None:
    with open_store(oxigraph_server.url) as store:
        assert store.named_graphs() == []
    with pytest.raises(RuntimeError, match="closed"):
        store.named_graphs()
