"""No request makes the service reach outside (issue 13, findings 1 and 8).

SERVICE and LOAD, however spelled, are refused from the text before any parser reads it
(``service/query_text.py``), and over the embedded store the threads and worker processes that
evaluate requests cannot open a socket at all (``service/egress.py``). A loopback listener
started here stands for the outside: it must never see a connection.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.app import WRITE_TOKEN
from support.hypothesis_profiles import bounded
from support.sync_app import Client, service

from jixiao.service.http.routes import sparql
from jixiao.service.query.egress import seal_thread
from jixiao.service.query.text import inspect, reaches

AUTH = {"authorization": f"Bearer {WRITE_TOKEN}"}


class Listener:
    """A loopback TCP listener that counts the connections it is offered."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.port = self._socket.getsockname()[1]
        self._lock = threading.Lock()
        self._count = 0
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop:
            ready, _, _ = select.select([self._socket], [], [], 0.05)
            with self._lock:
                if ready and not self._stop:
                    connection, _ = self._socket.accept()
                    connection.close()  # a reset: the engine fails at once
                    self._count += 1

    def connections(self) -> int:
        """Connections so far, those still waiting in the kernel's queue included."""
        with self._lock:
            waiting, _, _ = select.select([self._socket], [], [], 0)
            return self._count + (1 if waiting else 0)

    def close(self) -> None:
        with self._lock:
            self._stop = True
        self._thread.join()
        self._socket.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    outside = Listener()
    yield outside
    outside.close()


# --- spellings ------------------------------------------------------------------------


def _cased(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda upper: "".join(
            c.upper() if u else c.lower() for c, u in zip(word, upper, strict=True)
        )
    )


def _escaped(word: str) -> st.SearchStrategy[str]:
    """The word with one letter as a ``\\u`` escape (which some parsers expand first)."""
    return st.integers(0, len(word) - 1).map(
        lambda i: word[:i] + f"\\u{ord(word[i]):04X}" + word[i + 1 :]
    )


_GAPS = st.sampled_from(["", " ", "\t", "\n", "\r\n", "#c\n", " # SERVICE <urn:x> {\n  ", "\n\n"])


@st.composite
def _keyword(draw: st.DrawFn, word: str) -> str:
    return draw(st.one_of(_cased(word), _cased(word), _escaped(word)))


@st.composite
def _target(draw: st.DrawFn, port: int) -> str:
    return draw(
        st.sampled_from(
            [
                f"<http://127.0.0.1:{port}/sparql>",
                "<sparql>",  # against BASE
                "p:sparql",
                ":sparql",
                "p:",
            ]
        )
    )


@st.composite
def _reach(draw: st.DrawFn, word: str, port: int) -> str:
    """``word`` [SILENT] target, in one of the spellings Oxigraph reads as that."""
    keyword = draw(_keyword(word))
    target = draw(_target(port))
    silent = draw(st.sampled_from(["", "SILENT", "silent", "Silent"]))
    parts = [keyword]
    if silent:  # Oxigraph needs no space between a keyword and what follows it
        parts += [draw(_GAPS), silent]
    parts += [draw(_GAPS), target]
    return "".join(parts)


_QUERY_CONTEXTS = [
    "SELECT * WHERE {{ {s} }}",
    "SELECT * WHERE {{ BIND(1 AS ?one){s} }}",
    "SELECT * WHERE {{ ?x ?y ?z.{s} }}",
    "SELECT * WHERE {{ ?x ?y 'text'{s} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ {s} }} }} }}",
    "ASK {{ FILTER EXISTS {{ {s} }} }}",
    "ASK {{ FILTER NOT EXISTS {{ {s} }} }}",
    "SELECT * WHERE {{ BIND(1 AS ?one) MINUS {{ {s} }} }}",
    "SELECT * WHERE {{ BIND(1 AS ?one) OPTIONAL {{ {s} }} }}",
    "SELECT * WHERE {{ {{ BIND(1 AS ?one) }} UNION {{ {s} }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {s} }}",
    "DESCRIBE ?s WHERE {{ {s} }}",
]
_UPDATE_CONTEXTS = [
    "{l}",
    "{l} INTO GRAPH <urn:jixiao:test:g>",
    "CLEAR SILENT GRAPH <urn:jixiao:test:g> ;{l}",
    "INSERT {{ <urn:a> <urn:b> ?o }} WHERE {{ {s} }}",
    "DELETE {{ ?s ?p ?o }} WHERE {{ BIND(1 AS ?one) OPTIONAL {{ {s} }} }}",
    "WITH <urn:jixiao:test:g> DELETE {{ ?s ?p ?o }} INSERT {{ }} WHERE {{ {s} }}",
]


@st.composite
def _operation(draw: st.DrawFn, port: int) -> tuple[str, str]:
    prologue = (
        f"BASE <http://127.0.0.1:{port}/>\nPREFIX p: <http://127.0.0.1:{port}/>\n"
        f"PREFIX : <http://127.0.0.1:{port}/>\n"
    )
    pattern = draw(_reach("SERVICE", port)) + draw(_GAPS) + "{ ?s ?p ?o }"
    if draw(st.booleans()):
        return "query", prologue + draw(st.sampled_from(_QUERY_CONTEXTS)).format(s=pattern)
    load = draw(_reach("LOAD", port))
    context = draw(st.sampled_from(_UPDATE_CONTEXTS))
    return "update", prologue + context.format(s=pattern, l=load)


def _send(client: Client, kind: str, text: str, how: int) -> httpx.Response:
    if kind == "update":
        headers = {**AUTH, "content-type": "application/sparql-update"}
        return client.post("/sparql", content=text.encode(), headers=headers)
    if how == 0:
        return client.get("/sparql", params={"query": text})
    if how == 1:
        return client.post("/sparql", data={"query": text})
    return client.post(
        "/sparql", content=text.encode(), headers={"content-type": "application/sparql-query"}
    )


@bounded(40)
@given(data=st.data())
def test_no_spelling_of_service_or_load_reaches_outside(
    served: Client, listener: Listener, data: st.DataObject
) -> None:
    kind, text = data.draw(_operation(listener.port), label="operation")
    how = data.draw(st.integers(0, 2), label="how")
    before = listener.connections()
    response = _send(served, kind, text, how)
    assert listener.connections() == before, f"{text!r} reached the listener"
    assert response.status_code == 403, (text, response.text)
    body = response.json()
    assert set(body) == {"error", "message"} and "allow_external" in body["message"]


_FRAGMENTS = [
    "SERVICE", "service", "LOAD", "SILENT", " ", "\n", "#", "'", '"', "<", ">", "{", "}",
    "(", ")", ".", ";", ":", "p:", "?", "1", "a", "\\u0053", "\\", "x", "<<", "$",
]  # fmt: skip


@st.composite
def _mutated(draw: st.DrawFn, port: int) -> tuple[str, str]:
    """An operation of :func:`_operation` with a few characters inserted, dropped or replaced."""
    kind, text = draw(_operation(port))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 2))
        text = text[:at] + draw(st.sampled_from(["", *_FRAGMENTS])) + text[at + cut :]
    return kind, text


@bounded(300)
@given(data=st.data())
def test_what_the_text_check_lets_through_does_not_reach_out_in_oxigraph(
    listener: Listener, data: st.DataObject
) -> None:
    """The text wall alone, against Oxigraph's own parser: whatever it does not refuse, an
    unsealed pyoxigraph evaluates without connecting anywhere."""
    kind, text = data.draw(_mutated(listener.port), label="operation")
    if reaches(text, kind, "http://127.0.0.1/sparql"):
        return  # refused before Oxigraph would see it
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c")))
    before = listener.connections()
    with contextlib.suppress(SyntaxError, OSError, ValueError):
        if kind == "update":
            store.update(text)
        else:
            result = store.query(text, use_default_graph_as_union=True)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
    assert listener.connections() == before, f"{text!r} reached the listener"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }", "variable"),
        ("SELECT * WHERE { SERVICE SILENT $where { ?s ?p ?o } }", "variable"),
        ("SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }", "file:///etc/passwd"),
        ("BASE <file:///etc/> SELECT * WHERE { SERVICE <passwd> { ?s ?p ?o } }", "file:"),
        ("PREFIX f: <file:///etc/> ASK { SERVICE f:passwd { } }", "file:///etc/passwd"),
    ],
)
@pytest.mark.parametrize("allow_external", [False, True])
def test_a_service_by_variable_or_file_is_a_client_error(
    tmp_path: Path, text: str, says: str, allow_external: bool
) -> None:
    """Finding 8: these were 503 "store failed"; they are the client's mistakes."""
    with service("memory", tmp_path, allow_external=allow_external) as client:
        response = client.get("/sparql", params={"query": text})
    assert response.status_code == 400, response.text
    assert says in response.json()["message"]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s <http://example.org/SERVICE> 'SERVICE <http://a/> { }' }",
        "SELECT ?service WHERE { ?service a <http://example.org/Service> } # SERVICE <http://a/> {",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o . ?o ex:load ?x }",
        'SELECT * WHERE { ?s ?p """LOAD <http://a/>\nSERVICE <http://b/> { }""" }',
    ],
)
def test_the_words_in_names_strings_and_comments_are_not_refused(tmp_path: Path, text: str) -> None:
    with service("memory", tmp_path) as client:
        response = client.get("/sparql", params={"query": text})
    assert response.status_code == 200, response.text


def _depth_only(text: str, kind: str, *, max_depth: int, **_: object) -> None:
    """The text check with its SERVICE/LOAD half left out: a spelling it would miss."""
    inspect("", kind, allow_external=True, max_depth=max_depth)


@pytest.mark.parametrize("kind", ["memory", "disk"])
def test_the_engine_cannot_connect_even_when_the_text_check_misses(
    kind: str, tmp_path: Path, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second wall: the evaluating threads and workers hold no socket to connect with."""
    monkeypatch.setattr(sparql, "inspect", _depth_only)
    target = f"<http://127.0.0.1:{listener.port}/sparql>"
    with service(kind, tmp_path) as client:
        before = listener.connections()
        query = client.get(
            "/sparql", params={"query": f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}"}
        )
        update = client.post(
            "/sparql",
            content=f"LOAD {target}".encode(),
            headers={**AUTH, "content-type": "application/sparql-update"},
        )
        assert client.get("/healthz").status_code == 200
    assert listener.connections() == before
    assert query.status_code == 503 and update.status_code == 503


def test_with_allow_external_the_engine_does_connect(tmp_path: Path, listener: Listener) -> None:
    """The control for the tests above: the listener does see a SERVICE that is let through."""
    target = f"<http://127.0.0.1:{listener.port}/sparql>"
    with service("memory", tmp_path, allow_external=True) as client:
        before = listener.connections()
        client.get("/sparql", params={"query": f"SELECT * {{ SERVICE {target} {{ ?s ?p ?o }} }}"})
    assert listener.connections() == before + 1


def _in_thread(work: Callable[[], object]) -> object:
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(work()))
    thread.start()
    thread.join()
    return out[0]


def test_a_sealed_thread_opens_no_socket_but_others_still_do(listener: Listener) -> None:
    query = f"SELECT * {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"

    def sealed() -> tuple[bool, int, str]:
        done = seal_thread()
        rows = len(list(ox.Store().query(query)))  # type: ignore[arg-type]
        try:
            socket.create_connection(("127.0.0.1", listener.port)).close()
            refused = ""
        except PermissionError as exc:
            refused = str(exc)
        return done, rows, refused

    before = listener.connections()
    done, rows, refused = _in_thread(sealed)  # type: ignore[misc]
    assert done and rows == 1 and "Permission denied" in refused
    assert listener.connections() == before
    socket.create_connection(("127.0.0.1", listener.port)).close()  # this thread is not sealed
    assert _wait_for(lambda: listener.connections() == before + 1)


def _wait_for(condition: Callable[[], bool]) -> bool:
    for _ in range(100):
        if condition():
            return True
        threading.Event().wait(0.02)
    return condition()
