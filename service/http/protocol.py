"""The SPARQL 1.1 Protocol's request side: what a request asks for, checked before any work.

:func:`read_operation` turns a GET or POST to ``/sparql`` into one :class:`Operation` (a
query or an update, its dataset parameters) or raises one of the HTTP errors of
:mod:`jixiao.service.errors`, each carrying its HTTP status, so the app's one error handler
answers ``{"error": ..., "message": ...}`` with the right code.

The update text is never rebuilt from user input, with one documented exception:
``using-graph-uri`` / ``using-named-graph-uri`` parameters become ``USING <iri>`` clauses
inserted before each ``WHERE`` of the update (pyoxigraph has no API for them); the IRIs are
validated as IRIs first and written by pyoxigraph, so they cannot inject anything.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_plus

import pyoxigraph as ox

from jixiao.service.errors import BadRequest, Forbidden, Unauthorized, UnsupportedMediaType

__all__ = [
    "Operation",
    "check_write_token",
    "form_has_update",
    "is_direct_update",
    "parse_form",
    "parse_iri",
    "read_operation",
    "with_using",
]


FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
_DATASET_KEYS = ("default-graph-uri", "named-graph-uri")
_USING_KEYS = ("using-graph-uri", "using-named-graph-uri")


@dataclass(frozen=True, slots=True)
class Operation:
    """One protocol operation: a query or an update with its dataset parameters."""

    kind: str  # "query", "update" or "describe-service" (GET without a query)
    text: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()
    params: dict[str, list[str]] = field(default_factory=dict)


def parse_iri(value: str, what: str) -> str:
    """``value`` if it is an absolute IRI, else :class:`BadRequest` naming ``what``."""
    try:
        return ox.NamedNode(value).value
    except ValueError:
        raise BadRequest(f"{what} is not an absolute IRI: {value[:200]!r}") from None


def _media(content_type: str | None) -> tuple[str, dict[str, str]]:
    main, *rest = (content_type or "").split(";")
    params = {}
    for item in rest:
        name, _, value = item.partition("=")
        params[name.strip().lower()] = value.strip().strip('"').lower()
    return main.strip().lower(), params


def _decode(body: bytes, params: Mapping[str, str]) -> str:
    charset = params.get("charset", "utf-8")
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"only UTF-8 is accepted, not charset={charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not valid UTF-8") from None


# A percent sign that does not open an escape (%XX): such a form is decoded the slow way.
_LONE_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")


def parse_form(body: bytes) -> list[tuple[str, str]]:
    """The fields of an ``application/x-www-form-urlencoded`` body, as
    ``urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)`` reads them, 4–5×
    faster: a query in Chinese is mostly escapes (nine bytes a character), and
    ``parse_qsl`` decodes them one by one in Python — 1 ms for 2,300 characters, as long
    as the rest of a small query's handling."""
    return [
        (_unquote_plus(name), _unquote_plus(value))
        for name, _, value in (item.partition(b"=") for item in body.split(b"&") if item)
    ]


def _unquote_plus(raw: bytes) -> str:
    """One form field's name or value decoded: ``+`` is a space, ``%XX`` a byte, the bytes
    UTF-8 (what is not, U+FFFD). Every escape is turned into Python's ``\\xXX`` and decoded
    by the ``unicode_escape`` codec in one native pass (its own backslashes doubled first,
    so that only those escapes are read); a field with a stray ``%`` goes to ``unquote``."""
    raw = raw.replace(b"+", b" ")
    if b"%" not in raw:
        return raw.decode("utf-8", "replace")
    if _LONE_PERCENT.search(raw):
        return unquote(raw.decode("utf-8", "replace"))
    escaped = raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x")
    return escaped.decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")


def _multi(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _one(params: Mapping[str, list[str]], key: str) -> str | None:
    values = params.get(key, [])
    if len(values) > 1:
        raise BadRequest(f"more than one {key!r} parameter")
    return values[0] if values else None


def read_operation(
    method: str,
    url_params: Sequence[tuple[str, str]],
    content_type: str | None,
    body: bytes,
) -> Operation:
    """The operation a ``/sparql`` request asks for (the protocol's rules, .2.1 and .2.2)."""
    params = _multi(url_params)
    direct: tuple[str, str] | None = None
    if method == "POST":
        media, media_params = _media(content_type)
        if media == FORM:
            _decode(body, media_params)  # UTF-8, or refused
            for key, values in _multi(parse_form(body)).items():
                params.setdefault(key, []).extend(values)
        elif media in (QUERY_TYPE, UPDATE_TYPE):
            for key in ("query", "update"):
                if key in params:
                    raise BadRequest(f"{key!r} must not be a URL parameter of a direct POST")
            direct = ("query" if media == QUERY_TYPE else "update", _decode(body, media_params))
        elif not media:
            raise UnsupportedMediaType(
                f"POST to /sparql needs a Content-Type: {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}"
            )
        else:
            raise UnsupportedMediaType(
                f"cannot read a {media} body; use {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}"
            )
    elif "update" in params:
        raise BadRequest("updates must be sent with POST")

    if direct is not None:
        kind, text = direct
    else:
        query, update = _one(params, "query"), _one(params, "update")
        if query is not None and update is not None:
            raise BadRequest("a request carries either a query or an update, not both")
        if query is None and update is None:
            if method == "GET":
                return Operation("describe-service", params=params)
            raise BadRequest("no query given (the 'query' or 'update' parameter)")
        kind, text = ("query", query) if query is not None else ("update", update)  # type: ignore[assignment]
    if not text.strip():
        raise BadRequest(f"the {kind} is empty")

    graphs = {
        key: tuple(parse_iri(v, key) for v in params.get(key, []))
        for key in (*_DATASET_KEYS, *_USING_KEYS)
    }
    if kind == "query" and (graphs["using-graph-uri"] or graphs["using-named-graph-uri"]):
        raise BadRequest("using-graph-uri / using-named-graph-uri are for updates")
    if kind == "update" and (graphs["default-graph-uri"] or graphs["named-graph-uri"]):
        raise BadRequest("default-graph-uri / named-graph-uri are for queries")
    return Operation(
        kind,
        text,
        default_graphs=graphs["default-graph-uri"],
        named_graphs=graphs["named-graph-uri"],
        using_graphs=graphs["using-graph-uri"],
        using_named_graphs=graphs["using-named-graph-uri"],
        params=params,
    )


def is_direct_update(content_type: str | None) -> bool:
    """Whether a POST body is an update itself (``application/sparql-update``), so that
    its token can be checked before the body is read."""
    return _media(content_type)[0] == UPDATE_TYPE


def form_has_update(content_type: str | None, body: bytes) -> bool:
    """Whether a form body is an update (an ``update`` field, no ``query``), found from the
    field names alone, so that its token can be checked before the (large) values are
    decoded."""
    if _media(content_type)[0] != FORM:
        return False
    names = {unquote_plus(item.partition(b"=")[0].decode("latin-1")) for item in body.split(b"&")}
    return "update" in names and "query" not in names


def check_write_token(authorization: str | None, token: str | None) -> None:
    """Refuse a write: 401 without credentials, 403 with a wrong (or unconfigured) token."""
    scheme, _, given = (authorization or "").partition(" ")
    if not authorization or scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized("writes need 'Authorization: Bearer <token>'")
    if token is None:
        raise Forbidden("writes are disabled on this service (no write token configured)")
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        raise Forbidden("the bearer token is not valid")


# --- a small SPARQL lexer: enough to find keywords outside strings, IRIs and comments ----

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
    | (?P<pname>:[^\s{}()<>;,]*)
    | (?P<word>[A-Za-z_\u00c0-\uffff][A-Za-z0-9_\-\u00b7\u00c0-\uffff.]*:?[^\s{}()<>;,]*)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class _Keyword:
    word: str  # upper case
    start: int
    depth: int


def _keywords(text: str) -> Iterator[_Keyword]:
    """Bare keywords (not prefixed names, variables, strings, IRIs) with their brace depth."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
            yield _Keyword("}", match.start(), depth)
        elif kind == "word" and ":" not in match.group():
            yield _Keyword(match.group().upper(), match.start(), depth)


def with_using(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """The update with ``USING``/``USING NAMED`` clauses for the protocol's parameters.

    Inserted before the ``WHERE`` of every DELETE/INSERT operation; an update that has its
    own ``USING`` or ``WITH`` is refused (the protocol says so: .2.2.3).
    """
    if not using and not using_named:
        return update
    keywords = list(_keywords(update))
    if any(k.depth == 0 and k.word in ("USING", "WITH") for k in keywords):
        raise BadRequest("the update names its dataset (USING/WITH) and so does the request")
    clause = " ".join(
        [f"USING {ox.NamedNode(iri)}" for iri in using]
        + [f"USING NAMED {ox.NamedNode(iri)}" for iri in using_named]
    )
    out, last, previous = [], 0, ""
    for keyword in keywords:
        if keyword.depth == 0 and keyword.word == "WHERE" and previous != "DELETE":
            out.append(update[last : keyword.start])
            out.append(clause + " ")
            last = keyword.start
        if keyword.depth == 0:
            previous = keyword.word
    out.append(update[last:])
    return "".join(out)
