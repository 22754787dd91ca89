"""Schemathesis against the app's own OpenAPI schema, in process (ASGI), on a seeded store.

Every operation of ``/openapi.json`` gets generated requests — schema-valid ones, and for
operations with query parameters or a body, schema-violating ones too — sent with the write
token so writes get past the token check. For each answer:

* no server error: nothing raised out of the app, no 5xx (503 only where the operation
  documents it, as the one JSON error);
* every error is the one JSON shape ``{"error", "message"}`` — except FastAPI's own
  ``{"detail"}`` answers (route miss, request validation) — ``app.py`` maps them too;
* status code, content type, headers and JSON body conform to what the schema documents —
  allowing only the schema gaps listed in :data:`UNDOCUMENTED`, answers the routes give that
  their OpenAPI entries do not declare yet (each one a fix to make in the route's module).

Example counts are bounded for ``make test``; ``make fuzz`` multiplies them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import UndefinedContentType, UndefinedStatusCode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from support.app import WRITE_TOKEN, app_client
from support.hypothesis_profiles import bounded

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.source import map_source
from jixiao.service.http.app import create_app
from jixiao.service.pipeline import load as loader
from jixiao.service.pipeline.linking import update_series
from jixiao.service.settings import Settings

SETTINGS = Settings(store=":memory:", write_token=WRITE_TOKEN)
AUTH = {"Authorization": f"Bearer {WRITE_TOKEN}"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass(frozen=True)
class Gap:
    """What an operation answers that its OpenAPI entry does not declare."""

    statuses: frozenset[int] = frozenset()
    media_types: frozenset[str] = field(default_factory=frozenset)


def _gap(*statuses: int, media: tuple[str, ...] = ()) -> Gap:
    return Gap(frozenset(statuses), frozenset(media))


_DIRECT_WRITE = _gap(201, 204, 400, 401, 403, 404, 413, 415)
# Schema gaps (as of issue 6): statuses and media types each route answers with but does not
# declare in its OpenAPI entry (FastAPI documents a bare `Response` as application/json).
UNDOCUMENTED: dict[str, Gap] = {
    "GET /store": _gap(400, 406, media=("application/n-quads", "application/trig")),
    "HEAD /store": _gap(400, 406, media=("application/n-quads", "application/trig")),
    "PUT /store": _gap(400, 403, 413, 415),
    "POST /store": _gap(400, 403, 413, 415),
    "DELETE /store": _gap(400, 403),
    "GET /store/{path}": _gap(400, 404, 406, media=("text/turtle",)),
    "HEAD /store/{path}": _gap(400, 404, 406, media=("text/turtle",)),
    "PUT /store/{path}": _DIRECT_WRITE,
    "POST /store/{path}": _DIRECT_WRITE,
    "DELETE /store/{path}": _DIRECT_WRITE,
    "GET /id/{rest}": _gap(400, 404, 406, media=("text/turtle",)),
    "GET /ontology": _gap(media=("text/turtle",)),
    "GET /.well-known/void": _gap(media=("text/turtle",)),
    "GET /dumps/dataset.nq.gz": _gap(media=("application/gzip",)),
    "GET /dumps/graph.nq.gz": _gap(400, 404, media=("application/gzip",)),
    "GET /dumps/doc/{rest}": _gap(400, 404, media=("application/gzip",)),
    "POST /validate": _gap(400, 406, 413, 415, 503),
    "GET /shapes": _gap(media=("text/turtle",)),
    "GET /api/recurring": _gap(400, media=("text/csv",)),
    "GET /api/amount-changes": _gap(400, media=("text/csv",)),
    "GET /api/new-and-discontinued": _gap(400, media=("text/csv",)),
    "GET /api/target-changes": _gap(400, media=("text/csv",)),
    "GET /api/target-met": _gap(400, media=("text/csv",)),
    "GET /series/{unit}/{key}": _gap(400, 404, media=("text/html",)),
}


def _operations() -> list[tuple[str, GenerationMode]]:
    """(``METHOD /path``, mode) for every operation; negative cases where there is input
    beyond the path to violate (a path parameter is any string, so it has no wrong ones)."""
    document = create_app(Settings(store=":memory:")).openapi()
    cases = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            label = f"{method.upper()} {path}"
            cases.append((label, GenerationMode.POSITIVE))
            queries = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            if queries or "requestBody" in operation:
                cases.append((label, GenerationMode.NEGATIVE))
    return cases


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def api() -> schemathesis.schemas.BaseSchema:
    """The schema served by a fresh app, whose store then gets both seed tables."""
    app = create_app(SETTINGS)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)  # starts the app (lifespan)
    minter = IriMinter(SETTINGS.base_iri)
    store = app.state.store
    for data, name, year in loader.seed_files():  # mapped and loaded; validated elsewhere
        loader.load_mapped(map_source(data, name, year, minter), store, minter)
    update_series(store, minter)
    return schema


def _unexplained(failures: FailureGroup, gap: Gap) -> list[BaseException]:
    """The check failures that the operation's known schema gap does not account for."""
    left: list[BaseException] = []
    for failure in failures.exceptions:
        if isinstance(failure, UndefinedStatusCode) and failure.status_code in gap.statuses:
            continue
        if isinstance(failure, UndefinedContentType) and (
            failure.content_type.split(";")[0].strip() in gap.media_types
        ):
            continue
        left.append(failure)
    return left


def test_every_operation_is_exercised() -> None:
    labels = {label for label, _ in OPERATIONS}
    assert len(labels) == 30, sorted(labels)
    assert set(UNDOCUMENTED) <= labels, set(UNDOCUMENTED) - labels
    assert sum(mode is GenerationMode.NEGATIVE for _, mode in OPERATIONS) == 8


@pytest.mark.parametrize(
    ("label", "mode"), OPERATIONS, ids=[f"{o} {m.value}" for o, m in OPERATIONS]
)
@bounded(12)
@given(data=st.data())
def test_operation(
    api: schemathesis.schemas.BaseSchema, label: str, mode: GenerationMode, data: st.DataObject
) -> None:
    method, path = label.split(" ", 1)
    operation = api[path][method]
    case = data.draw(operation.as_strategy(generation_mode=mode), label="case")
    response = case.call(headers=AUTH)  # an exception raised in the app fails the test here
    status, documented = response.status_code, operation.definition.raw["responses"]
    where = f"{label}: {case.as_curl_command(headers=AUTH)}"
    assert status < 500 or (status == 503 and "503" in documented), f"{status} from {where}"

    if status >= 400 and method != "HEAD":
        media = (response.headers.get("content-type") or [""])[0].split(";")[0]
        assert media == "application/json", f"{status} as {media} from {where}"
        body = json.loads(response.content)
        assert set(body) == {"error", "message"}, f"{body} from {where}"
        assert isinstance(body["message"], str) and "Traceback" not in body["message"]

    try:
        case.validate_response(response, checks=CHECKS, headers=AUTH)
    except FailureGroup as failures:
        unexplained = _unexplained(failures, UNDOCUMENTED.get(label, Gap()))
        assert not unexplained, "\n\n".join(str(f) for f in unexplained) + f"\n\n{where}"


@pytest.mark.anyio
async def test_framework_errors_use_the_one_json_shape() -> None:
    async with app_client(Settings(store=":memory:")) as client:
        answers = [
            await client.get("/no-such-page"),
            await client.patch("/id/dept/x"),
            await client.get("/api/recurring", params={"format": "xml"}),
        ]
    assert [a.status_code for a in answers] == [404, 405, 400]
    for answer in answers:
        assert set(answer.json()) == {"error", "message"}, answer.json()


@pytest.mark.anyio
async def test_direct_graph_url_that_is_no_iri_is_a_400() -> None:
    """Found by schemathesis: ``/store/a%20b`` (a space, or a control character, in the
    graph URL) raised ValueError out of the app, a 500 from a real server."""
    async with app_client(SETTINGS) as client:
        for method in ("GET", "HEAD", "PUT", "DELETE"):
            response = await client.request(
                method, "/store/a%20b", headers={**AUTH, "content-type": "text/turtle"}
            )
            assert response.status_code == 400, (method, response.text)
        body = (await client.get("/store/%01")).json()
    assert body["error"] == "BadRequest" and "not an absolute IRI" in body["message"]
