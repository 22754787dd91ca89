"""The errors the service raises, in one place: the store's, the query's and the HTTP ones.

::

    JixiaoError (jixiao.ingest.errors)
    ├── QueryError              a malformed or refused SPARQL request   → CLI exit 2, HTTP 400
    ├── StoreError              the store failed or cannot be reached   → CLI exit 3, HTTP 503
    └── HttpError               a request the protocol refuses; ``http_status`` is its code
        ├── BadRequest (+QueryError)   400    ├── NotAcceptable         406
        ├── UnreadableUpload           400    ├── BodyTooLarge          413
        ├── Unauthorized               401    ├── UnsupportedMediaType  415
        ├── Forbidden                  403    ├── QueryTimeout (+QueryError) 503
        ├── NotFound                   404    ├── ServiceBusy           503
        ├── MethodNotAllowed           405    ├── ValidationTimeout     503
        └── MalformedBody (BadRequest) 400    └── ValidationBusy        503

Each is a :class:`~jixiao.ingest.errors.JixiaoError`, so the CLI prints it on one line with
its exit code and the app's one error handler answers ``{"error": ..., "message": ...}`` with
its status. Plain classes: query execution and the store raise them without importing HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from jixiao.ingest.errors import JixiaoError

__all__ = [
    "BadRequest",
    "BodyTooLarge",
    "Forbidden",
    "HttpError",
    "MalformedBody",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotFound",
    "QueryError",
    "QueryMemoryLimit",
    "QueryTimeout",
    "RequestTimeout",
    "ServiceBusy",
    "StoreError",
    "Unauthorized",
    "UnreadableUpload",
    "UnsupportedMediaType",
    "ValidationBusy",
    "ValidationTimeout",
]


class QueryError(JixiaoError):
    """A SPARQL query or update is malformed or refused."""


class StoreError(JixiaoError):
    """The store failed or cannot be reached."""

    exit_code = 3


class HttpError(JixiaoError):
    """A request the protocol refuses; ``http_status`` is the answer's status code."""

    http_status = 400
    headers: ClassVar[Mapping[str, str]] = {}


class BadRequest(HttpError, QueryError):
    """Malformed protocol request (missing or repeated query, bad parameters)."""


class MalformedBody(BadRequest):
    """The request body is not what its Content-Type says."""


class UnreadableUpload(HttpError):
    """The uploaded table or graph cannot be read (the worker's message, as it is)."""


class Unauthorized(HttpError):
    """A write without credentials."""

    http_status = 401
    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": 'Bearer realm="jixiao"'}


class Forbidden(HttpError):
    """A write with a wrong token, or an operation this endpoint does not allow."""

    http_status = 403


class NotFound(HttpError):
    """No such graph or resource."""

    http_status = 404


class MethodNotAllowed(HttpError):
    """An HTTP method this route does not answer."""

    http_status = 405


class NotAcceptable(HttpError):
    """No offered media type fits the request's ``Accept``."""

    http_status = 406


class BodyTooLarge(HttpError):
    """The request body exceeds ``max_body_bytes``."""

    http_status = 413


class RequestTimeout(HttpError):
    """The request body did not arrive within ``body_timeout`` seconds; the connection is
    closed (what is left of the body is not read)."""

    http_status = 408
    headers: ClassVar[Mapping[str, str]] = {"Connection": "close"}


class UnsupportedMediaType(HttpError):
    """A request body in a media type (or charset) the route does not read."""

    http_status = 415


class QueryTimeout(HttpError, QueryError):
    """The query ran past ``query_timeout`` and was stopped."""

    http_status = 503
    headers: ClassVar[Mapping[str, str]] = {"Retry-After": "10"}


class QueryMemoryLimit(HttpError, QueryError):
    """The query needed more memory than a query worker may use, and was stopped."""

    http_status = 503


class ServiceBusy(HttpError):
    """Too many queries are waiting for a worker; the client should retry shortly."""

    http_status = 503
    headers: ClassVar[Mapping[str, str]] = {"Retry-After": "1"}


class ValidationTimeout(HttpError):
    """Validation ran past its time limit and was stopped."""

    http_status = 503


class ValidationBusy(HttpError):
    """The worker stayed busy with other uploads for the whole time limit."""

    http_status = 503
    headers: ClassVar[Mapping[str, str]] = {"Retry-After": "5"}
