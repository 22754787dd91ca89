"""/store beyond the W3C cases: tokens, the whole dataset, bad bodies, unknown graphs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.app import WRITE_TOKEN, app_client

from jixiao.service.settings import Settings

pytestmark = pytest.mark.anyio

AUTH = {"authorization": f"Bearer {WRITE_TOKEN}"}
TURTLE = {"content-type": "text/turtle"}
GRAPH = "/store?graph=http://example.org/g"


def _settings() -> Settings:
    return Settings(store=":memory:", write_token=WRITE_TOKEN)


async def test_writes_need_the_token_reads_do_not() -> None:
    async with app_client(_settings()) as client:
        body = b"<http://example.org/s> <http://example.org/p> 1 ."
        assert (await client.put(GRAPH, content=body, headers=TURTLE)).status_code == 401
        assert (
            await client.delete(GRAPH, headers={"authorization": "Bearer x"})
        ).status_code == 403
        assert (
            await client.put(GRAPH, content=body, headers={**TURTLE, **AUTH})
        ).status_code == 201
        assert (
            await client.put(GRAPH, content=body, headers={**TURTLE, **AUTH})
        ).status_code == 204
        got = await client.get(GRAPH, headers={"accept": "application/n-triples"})
        assert got.status_code == 200 and got.text.count(" .") == 1
        assert (await client.head(GRAPH)).status_code == 200
        assert (await client.delete(GRAPH, headers=AUTH)).status_code == 204
        assert (await client.get(GRAPH)).status_code == 404


async def test_whole_dataset_negotiated() -> None:
    async with app_client(_settings()) as client:
        nquads = await client.get("/store", headers={"accept": "application/n-quads"})
        trig = await client.get("/store", headers={"accept": "application/trig"})
        refused = await client.get("/store", headers={"accept": "text/turtle"})
    assert nquads.status_code == 200 and b"w3id.org/jixiao/ontology" in nquads.content
    assert trig.headers["content-type"].startswith("application/trig")
    assert refused.status_code == 406


@pytest.mark.parametrize(
    ("path", "headers", "body", "status"),
    [
        (GRAPH, {**AUTH, **TURTLE}, b"this is not turtle", 400),
        (GRAPH, {**AUTH, "content-type": "image/png"}, b"x", 415),
        ("/store?graph=relative", {**AUTH, **TURTLE}, b"", 400),
        ("/store?graph=http://a&default", {**AUTH, **TURTLE}, b"", 400),
    ],
)
async def test_bad_writes(path: str, headers: dict[str, str], body: bytes, status: int) -> None:
    async with app_client(_settings()) as client:
        response = await client.put(path, content=body, headers=headers)
    assert response.status_code == status
    assert set(response.json()) == {"error", "message"}


async def test_the_whole_dataset_is_written_once_and_sent_without_holding_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole dataset is 550 MB of N-Quads at a million triples: it was serialized into
    memory for every GET, by anyone, any number at once. Now it is written to a
    compressed file once per state of the store, per format, and sent from it: compressed
    to a client that takes gzip, else decompressed as it is sent."""
    import pyoxigraph as ox

    from jixiao.service.answers import void as void_module

    made: list[str] = []
    real = void_module.dump_chunks

    def counting(store: object, graph: str | None, *, form: str = "nquads") -> Iterator[bytes]:
        made.append(form)
        return real(store, graph, form=form)  # type: ignore[arg-type]

    monkeypatch.setattr(void_module, "dump_chunks", counting)
    nquads, trig = {"accept": "application/n-quads"}, {"accept": "application/trig"}
    async with app_client(_settings()) as client:
        body = b"<http://example.org/s> <http://example.org/p> 1 .\n_:b <http://example.org/p> 2 ."
        assert (await client.put(GRAPH, content=body, headers={**TURTLE, **AUTH})).is_success
        default = "/store?default"
        assert (await client.put(default, content=body, headers={**TURTLE, **AUTH})).is_success
        zipped = await client.get("/store", headers={**nquads, "accept-encoding": "gzip"})
        plain = await client.get("/store", headers={**nquads, "accept-encoding": "identity"})
        grouped = await client.get("/store", headers=trig)
        again = await client.get("/store", headers=trig)
        head = await client.head("/store", headers=trig)
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert plain.headers["content-type"].startswith("application/n-quads")
    assert grouped.headers["content-type"].startswith("application/trig")
    assert head.status_code == 200 and head.content == b""
    assert again.content == grouped.content
    assert sorted(made) == ["nquads", "trig"]

    def quads(data: bytes, rdf: ox.RdfFormat) -> set[str]:
        # blank nodes by their triples' other terms: each parse names them anew
        return {
            f"{q.predicate} {q.object} {q.graph_name}"
            + ("" if isinstance(q.subject, ox.BlankNode) else f" {q.subject}")
            for q in ox.parse(data, format=rdf)
        }

    read = quads(plain.content, ox.RdfFormat.N_QUADS)
    two = '"2"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert len(read) > 100 and f"<http://example.org/p> {two} DEFAULT" in read
    assert read == quads(zipped.content, ox.RdfFormat.N_QUADS)
    assert read == quads(grouped.content, ox.RdfFormat.TRIG)


async def test_a_large_graph_is_sent_as_lines_never_held_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The series graph holds 1.38M triples at a million in the store: read into a list and
    serialized whole for every GET, by anyone. A graph past the size kept in memory is sent
    as N-Triples lines (for Turtle too: N-Triples is Turtle) from a file written once per
    state of the store; in a format that needs it whole (JSON-LD, RDF/XML) it is refused."""
    import pyoxigraph as ox

    from jixiao.service.http.routes import graph_store

    monkeypatch.setattr(graph_store, "IN_MEMORY_TRIPLES", 3)
    lines = [f"<http://example.org/s{i}> <http://example.org/p> {i} ." for i in range(5)]
    small = GRAPH.replace("/g", "/small")
    async with app_client(_settings()) as client:
        body = "\n".join(lines).encode()
        assert (await client.put(GRAPH, content=body, headers={**TURTLE, **AUTH})).is_success
        small_body = "\n".join(lines[:3]).encode()
        assert (await client.put(small, content=small_body, headers={**TURTLE, **AUTH})).is_success
        asked = {
            media: await client.get(GRAPH, headers={"accept": media})
            for media in ("application/n-triples", "text/turtle", "application/ld+json")
        }
        head = await client.head(GRAPH, headers={"accept": "text/turtle"})
        pretty = await client.get(small, headers={"accept": "text/turtle"})
    expected = set(ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.TURTLE))
    for media, rdf in (
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("text/turtle", ox.RdfFormat.TURTLE),
    ):
        response = asked[media]
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        assert set(ox.parse(response.content, format=rdf)) == expected
    refused = asked["application/ld+json"]
    assert refused.status_code == 406
    assert "application/n-triples" in refused.json()["message"]
    assert head.status_code == 200 and head.content == b""
    assert pretty.status_code == 200 and "@prefix" in pretty.text  # a small graph as before


async def test_a_graph_found_large_is_not_read_again_until_the_next_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whether a graph is past the size kept in memory is found by reading it (100,001
    triples of the series graph): once per state of the store, not at every GET."""
    from jixiao.service.http.routes import graph_store

    monkeypatch.setattr(graph_store, "IN_MEMORY_TRIPLES", 3)
    read: list[object] = []
    real = graph_store._more_than

    def counting(store: object, graph: str | None, most: int) -> bool:
        read.append(graph)
        return real(store, graph, most)  # type: ignore[arg-type]

    monkeypatch.setattr(graph_store, "_more_than", counting)
    lines = [f"<http://example.org/s{i}> <http://example.org/p> {i} ." for i in range(5)]
    nt = {"accept": "application/n-triples"}
    async with app_client(_settings()) as client:
        body = "\n".join(lines).encode()
        assert (await client.put(GRAPH, content=body, headers={**TURTLE, **AUTH})).is_success
        first, again = await client.get(GRAPH, headers=nt), await client.get(GRAPH, headers=nt)
        assert first.content == again.content and first.text.count(" .") == 5
        assert len(read) == 1
        body = body + b"\n<http://example.org/s> <http://example.org/p> 6 ."
        assert (await client.post(GRAPH, content=body, headers={**TURTLE, **AUTH})).is_success
        after = await client.get(GRAPH, headers=nt)
        assert after.text.count(" .") == 6 and len(read) == 2
