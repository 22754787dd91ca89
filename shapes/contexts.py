"""JSON-LD contexts: none is fetched unless its host is allowed.

A JSON-LD document may name contexts to load — ``"@context": "http://…"``, in a list, in a
nested node, as ``@import``, as a term's scoped context — and rdflib's parser fetches them
with its own URL opener (a ``file:`` context or a relative one is read from disk). On a
public service that lets any client make the server reach an address of its choosing, or
read a local file. So before any parser sees a document, :func:`self_contained` walks it and
replaces every context it names by the context itself, fetched here from a host in
``allowed`` (``JIXIAO_JSONLD_CONTEXT_HOSTS``: ``host`` or ``host:port``, over HTTP(S), with
a time and size limit); anything else is refused with :class:`ContextRefused`, a line that
names the context and says nothing of what answered. The parser then gets a document that
names no context to load, so it fetches nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from urllib.parse import urljoin, urlsplit

__all__ = ["ContextRefused", "allowed_hosts", "self_contained"]

FETCH_SECONDS = 5.0
MAX_CONTEXT_BYTES = 1 << 20
MAX_FETCHES = 16  # contexts fetched for one document (imports of imports included)


class ContextRefused(Exception):
    """A context the document names cannot be used: not allowed, or not fetched."""


def allowed_hosts(setting: str) -> frozenset[str]:
    """The hosts of a comma-separated ``JIXIAO_JSONLD_CONTEXT_HOSTS`` value, lower case."""
    return frozenset(host.strip().lower() for host in setting.split(",") if host.strip())


def self_contained(data: bytes, allowed: Collection[str] = ()) -> bytes:
    """``data`` with every context it names inlined (from ``allowed`` hosts) or
    :class:`ContextRefused`. A document that is not JSON is refused here too, so that no
    parser reads one this walk could not."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise ContextRefused("the JSON-LD document is nested too deeply") from None
    except ValueError as exc:
        raise ContextRefused(f"the JSON-LD document is not JSON: {exc}") from None
    inliner = _Inliner(frozenset(h.lower() for h in allowed))
    try:
        out = inliner.document(document)
    except RecursionError:
        raise ContextRefused("the JSON-LD document is nested too deeply") from None
    if not inliner.changed:
        return data
    return json.dumps(out, ensure_ascii=False).encode("utf-8")


class _Inliner:
    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        self.changed = False
        self.fetched: dict[str, object] = {}

    def document(self, value: object) -> object:
        """A node, value or list of the document, its ``@context`` entries inlined."""
        if isinstance(value, list):
            return [self.document(item) for item in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            out[key] = self.context(item, None) if key == "@context" else self.document(item)
        return out

    def context(self, value: object, base: str | None) -> object:
        """A context value (reference, list or definition), with no reference left."""
        if isinstance(value, str):
            self.changed = True
            url = self._absolute(value, base)
            return self.context(self._fetch(url), url)
        if isinstance(value, list):
            return [self.context(item, base) for item in value]
        if not isinstance(value, dict):
            return value
        out: dict[str, object] = {}
        imported = value.get("@import")
        if isinstance(imported, str):
            self.changed = True
            url = self._absolute(imported, base)
            definition = self.context(self._fetch(url), url)
            if not isinstance(definition, dict):
                raise ContextRefused(f"the JSON-LD context <{imported}> imports no definition")
            out.update(definition)
        for key, item in value.items():
            if key == "@import":
                continue
            out[key] = self.context(item, base) if key == "@context" else self._term(item, base)
        return out

    def _term(self, value: object, base: str | None) -> object:
        """A term definition: its scoped ``@context`` inlined too."""
        if isinstance(value, dict):
            return {
                key: self.context(item, base) if key == "@context" else item
                for key, item in value.items()
            }
        return value

    def _absolute(self, reference: str, base: str | None) -> str:
        url = urljoin(base, reference) if base else reference
        parts = urlsplit(url)
        hosts = {(parts.hostname or "").lower(), (parts.netloc or "").lower()}
        if parts.scheme not in ("http", "https") or not hosts & self.allowed:
            raise ContextRefused(
                f"the JSON-LD context <{reference}> is not loaded: this service fetches "
                "contexts only from the hosts in JIXIAO_JSONLD_CONTEXT_HOSTS"
                + (f" ({', '.join(sorted(self.allowed))})" if self.allowed else " (none set)")
                + "; put the context in the document"
            )
        return url

    def _fetch(self, url: str) -> object:
        """The ``@context`` of the JSON document at ``url``."""
        if url in self.fetched:
            return self.fetched[url]
        if len(self.fetched) >= MAX_FETCHES:
            raise ContextRefused(f"the JSON-LD context <{url}> is one context too many")
        failed = ContextRefused(f"the JSON-LD context <{url}> could not be fetched as JSON-LD")
        import httpx  # only when a host is allowed and a context named

        deadline = time.monotonic() + FETCH_SECONDS
        try:
            with httpx.stream(
                "GET",
                url,
                timeout=FETCH_SECONDS,
                headers={"Accept": "application/ld+json, application/json"},
            ) as response:
                if response.status_code != 200:
                    raise failed
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_CONTEXT_BYTES or time.monotonic() > deadline:
                        raise failed
            loaded = json.loads(bytes(body))
        except (httpx.HTTPError, ValueError, RecursionError):
            raise failed from None
        if not isinstance(loaded, dict) or "@context" not in loaded:
            raise failed
        self.fetched[url] = loaded["@context"]
        return loaded["@context"]
