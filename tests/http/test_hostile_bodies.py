"""Malformed bodies never write and never crash (issue 13, findings 6 and 7): a Graph Store
write whose multipart or RDF does not parse is a 400 and leaves the graph as it was; every
refusal, on ``/store`` and on ``/validate`` (no token needed), is the one error shape — JSON
``{"error", "message"}``, an HTML page for a browser — never a traceback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.app import WRITE_TOKEN, app_client
from support.hypothesis_profiles import bounded

from jixiao.service.settings import Settings

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("stop_validation_worker")]

GRAPH = "http://example.org/g"
TURTLE = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
AUTH = {"authorization": f"Bearer {WRITE_TOKEN}"}
MULTIPART = "multipart/form-data; boundary=zz"


def part(content_type: str, body: bytes, boundary: bytes = b"zz") -> bytes:
    return b"--%s\r\nContent-Type: %s\r\n\r\n%s\r\n" % (boundary, content_type.encode(), body)


NESTED = (
    part("multipart/form-data; boundary=yy", part("text/turtle", TURTLE, b"yy") + b"--yy--\r\n")
    + b"--zz--\r\n"
)
MALFORMED_MULTIPART = {
    "not multipart": (MULTIPART, b"this is not multipart"),
    "no boundary parameter": ("multipart/form-data", part("text/turtle", TURTLE) + b"--zz--\r\n"),
    "no closing boundary": (MULTIPART, part("text/turtle", TURTLE)),
    "no part": (MULTIPART, b"--zz--\r\n"),
    "nested multipart": (MULTIPART, NESTED),
    "nested multipart without boundary": (
        MULTIPART,
        part("multipart/form-data", part("text/turtle", TURTLE, b"yy")) + b"--zz--\r\n",
    ),
    "a part that does not parse": (
        MULTIPART,
        part("text/turtle", TURTLE) + part("text/turtle", b"<oops") + b"--zz--\r\n",
    ),
    "a part without a type": (MULTIPART, b"--zz\r\n\r\n" + TURTLE + b"\r\n--zz--\r\n"),
    "a header without a colon": (MULTIPART, b"--zz\r\nnonsense\r\n\r\nx\r\n--zz--\r\n"),
}
MALFORMED_RDF = {
    "turtle": ("text/turtle", b"<http://example.org/s> <http://example.org/p> ."),
    "n-triples": ("application/n-triples", b'_:x <p> "o" .'),
    "json-ld": ("application/ld+json", b'{"@id": "http://example.org/s", '),
    "rdf/xml": ("application/rdf+xml", b"<rdf:RDF xmlns:rdf='nope'><x"),
}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(store=":memory:", write_token=WRITE_TOKEN)
    async with app_client(settings) as client:
        put = await client.put(
            "/store",
            params={"graph": GRAPH},
            content=TURTLE,
            headers={**AUTH, "content-type": "text/turtle"},
        )
        assert put.status_code in (201, 204)
        yield client


async def triples(client: httpx.AsyncClient) -> set[str]:
    got = await client.get(
        "/store", params={"graph": GRAPH}, headers={"accept": "application/n-triples"}
    )
    assert got.status_code == 200
    return set(got.text.splitlines())


def one_error_shape(response: httpx.Response, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message"}
    assert "Traceback" not in body["message"]


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize("case", list(MALFORMED_MULTIPART) + list(MALFORMED_RDF))
async def test_a_malformed_body_is_400_and_the_graph_is_untouched(
    client: httpx.AsyncClient, method: str, case: str
) -> None:
    content_type, body = {**MALFORMED_MULTIPART, **MALFORMED_RDF}[case]
    before = await triples(client)
    response = await client.request(
        method,
        "/store",
        params={"graph": GRAPH},
        content=body,
        headers={**AUTH, "content-type": content_type},
    )
    one_error_shape(response)
    assert await triples(client) == before


async def test_a_good_multipart_body_still_writes_every_part(client: httpx.AsyncClient) -> None:
    other = b"<http://example.org/s> <http://example.org/p> <http://example.org/o2> .\n"
    body = part("text/turtle", other) + part("application/n-triples", TURTLE) + b"--zz--\r\n"
    response = await client.put(
        "/store",
        params={"graph": GRAPH},
        content=body,
        headers={**AUTH, "content-type": MULTIPART},
    )
    assert response.status_code == 204, response.text
    assert len(await triples(client)) == 2


@pytest.mark.parametrize(
    "content_type, body",
    [
        (MULTIPART, b"this is not multipart"),
        ("multipart/form-data", b"--zz\r\n"),
        (MULTIPART, b"--zz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--zz--\r\n"),
        (MULTIPART, NESTED),
        (MULTIPART, b"--zz\r\nnonsense\r\n\r\nx\r\n--zz--\r\n"),
    ],
)
async def test_a_malformed_form_on_validate_is_400_in_the_one_shape(
    client: httpx.AsyncClient, content_type: str, body: bytes
) -> None:
    response = await client.post("/validate", content=body, headers={"content-type": content_type})
    one_error_shape(response)
    browser = await client.post(
        "/validate",
        content=body,
        headers={"content-type": content_type, "accept": "text/html,*/*;q=0.8"},
    )
    assert browser.status_code == 400
    assert browser.headers["content-type"].startswith("text/html")
    assert "Traceback" not in browser.text


@settings(
    parent=bounded(60),
    suppress_health_check=[*bounded(60).suppress_health_check, HealthCheck.function_scoped_fixture],
)
@given(
    body=st.binary(max_size=300)
    | st.lists(
        st.sampled_from(
            [
                b"--zz",
                b"--zz--",
                b"\r\n",
                b"Content-Type: ",
                b"text/turtle",
                b"multipart/mixed",
                b"; boundary=zz",
                b'Content-Disposition: form-data; name="file"',
                b":",
                b'"',
                TURTLE,
                b"\xff",
            ]
        ),
        max_size=20,
    ).map(b"".join),
    content_type=st.sampled_from(
        [
            MULTIPART,
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "text/turtle",
            "application/ld+json",
            "multipart/mixed; boundary=zz",
        ]
    ),
)
async def test_no_body_makes_a_server_error(
    client: httpx.AsyncClient, body: bytes, content_type: str
) -> None:
    """Whatever the bytes: a write is a 2xx or a 4xx in the one shape, and a 4xx writes
    nothing; /validate is a 200 or a 4xx in the one shape."""
    before = await triples(client)
    response = await client.put(
        "/store",
        params={"graph": GRAPH},
        content=body,
        headers={**AUTH, "content-type": content_type},
    )
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        one_error_shape(response, response.status_code)
        assert await triples(client) == before
    else:  # put it back for the next example
        restored = await client.put(
            "/store",
            params={"graph": GRAPH},
            content=TURTLE,
            headers={**AUTH, "content-type": "text/turtle"},
        )
        assert restored.status_code in (201, 204)
    checked = await client.post("/validate", content=body, headers={"content-type": content_type})
    assert checked.status_code < 500, checked.text
    if checked.status_code >= 400:
        one_error_shape(checked, checked.status_code)
