"""The one settings object of jixiao, read from ``JIXIAO_*`` environment variables.

Build it once (:func:`get_settings` in the CLI, ``Settings(...)`` in tests) and pass it in;
nothing else reads the environment. Every setting has a default and a line of help, and the
README's table of settings is checked against this class by a test.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """jixiao's settings; each field is also the environment variable ``JIXIAO_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="JIXIAO_", extra="ignore", frozen=True)

    store: str = Field(
        "data/store",
        description="Where the graphs live: a directory (embedded Oxigraph store), "
        "`:memory:`, or the URL of a remote SPARQL 1.1 endpoint.",
    )
    base_iri: str = Field(
        "https://w3id.org/jixiao/id/",
        description="Base under which instance IRIs are minted; "
        "`GET /id/{rest}` serves `{base}{rest}`.",
    )
    host: str = Field("127.0.0.1", description="Address `jixiao serve` listens on.")
    port: int = Field(8000, description="Port `jixiao serve` listens on.")
    keep_alive_timeout: int = Field(
        30,
        ge=1,
        description="Seconds `jixiao serve` keeps an idle HTTP connection open for the "
        "client's next request.",
    )
    write_token: str | None = Field(
        None,
        description="Bearer token that SPARQL updates and Graph Store writes must carry; "
        "unset means writes are refused.",
    )
    query_timeout: float = Field(
        10.0, description="Seconds a SPARQL query may run before it is stopped."
    )
    validate_timeout: float = Field(
        120.0,
        gt=0,
        description="Seconds one `POST /validate` may run in the validation worker, counted "
        "from its start (the worker is then killed and replaced); an upload waits at most as "
        "long for the worker, then gets HTTP 503 with `Retry-After`.",
    )
    max_rows: int = Field(
        10000, description="Most result rows returned; more are cut and marked truncated."
    )
    query_workers: int = Field(
        2,
        ge=1,
        description="SPARQL queries run at once: worker processes over an on-disk store "
        "(killed at the time limit; while one holds a replica they also make the linked-data "
        "pages' SPARQL, on all but one of them at once), threads over an in-memory or remote "
        "store.",
    )
    api_precompute: bool = Field(
        True,
        description="Compute each `/api` question's answer for every funding unit ahead of "
        "the asking, once per store generation (at start and after each write, one query at "
        "a time), and answer `/api` from it in the server's process; an embedded store only.",
    )
    query_replica_max_triples: int = Field(
        5_000_000,
        ge=0,
        description="Largest on-disk store (in quads) each query worker also copies into "
        "memory, in the background after each write, to answer from it 3–8× faster (about "
        "500 bytes per quad per worker, so ~2.5 GB each at the default); 0 means never.",
    )
    query_worker_memory_mb: int = Field(
        0,
        ge=0,
        description="Most memory (MB) each query worker process may use; a query that needs "
        "more is stopped (HTTP 503) and its worker replaced; 0 means an equal share of half "
        "the machine's memory (RAM / (2 × `JIXIAO_QUERY_WORKERS`)).",
    )
    query_queue: int = Field(
        1000,
        ge=0,
        description="Most queries waiting for a free worker; more get HTTP 503 with "
        "`Retry-After` at once.",
    )
    max_body_bytes: int = Field(
        10 * 1024 * 1024, description="Largest request body accepted (bytes); larger gets HTTP 413."
    )
    max_head_bytes: int = Field(
        1024 * 1024,
        ge=1024,
        description="Largest request head (request line and headers, bytes); a longer request "
        "line gets HTTP 414, longer headers 431, and the connection is closed.",
    )
    head_timeout: float = Field(
        30.0,
        gt=0,
        description="Most seconds a request's head (request line and headers) may take to "
        "arrive, from the connection's start or the request's first byte; then HTTP 408 and "
        "the connection is closed.",
    )
    body_timeout: float = Field(
        60.0,
        gt=0,
        description="Most seconds a request's body may take to arrive, from the end of its "
        "head; then HTTP 408 and the connection is closed.",
    )
    max_input_bytes: int = Field(
        64 * 1024 * 1024,
        ge=1,
        description="Largest input file the CLI reads (a table, an RDF file, a query file or "
        "standard input), in bytes; a larger or endless one is exit 2 with one line.",
    )
    max_query_depth: int = Field(
        100,
        ge=1,
        description="Deepest nesting of brackets (`{}`, `()`, `[]`, `<< >>`) a SPARQL query or "
        "update may have; deeper gets HTTP 400 before any parser reads it.",
    )
    allow_external: bool = Field(
        False,
        description="Allow SPARQL `SERVICE` and `LOAD` of outside `http`/`https` IRIs; off, "
        "they get HTTP 403, and over the embedded store the threads and processes that "
        "evaluate queries and updates cannot open a network socket.",
    )
    jsonld_context_hosts: str = Field(
        "",
        description="Comma-separated hosts (`host` or `host:port`) whose JSON-LD contexts an "
        "uploaded or validated JSON-LD document may name; each is fetched over HTTP(S) (5 s, "
        "1 MB) and put in the document before it is read. Empty means none: a document that "
        "names a context to load is refused (400, exit 2).",
    )
    cors_origins: str = Field(
        "", description="Comma-separated origins allowed by CORS (`*` for any)."
    )
    metrics: bool = Field(
        True,
        description="Serve `GET /metrics`: requests, queries, workers, caches and the store's "
        "size in Prometheus' text format; false means 404.",
    )
    overrides: str | None = Field(
        None,
        description="Path of a TOML file of curated series overrides (`[[same]]` / "
        "`[[different]]` project pairs) that win over automatic linking; unset means none.",
    )
    cache_dir: str | None = Field(
        None,
        description="Folder where `jixiao validate` and `jixiao ingest` keep the compiled "
        "shapes between runs (a fast start); unset means `$XDG_CACHE_HOME/jixiao` or "
        "`~/.cache/jixiao`, empty means none.",
    )
    store_flavour: str = Field(
        "oxigraph",
        description="Kind of SPARQL server a `JIXIAO_STORE` URL points at, which sets its "
        "endpoint paths and dialect: `oxigraph`, `fuseki`, `virtuoso` or `qlever`.",
    )
    store_query_path: str | None = Field(
        None,
        description="Path of the remote store's query endpoint, relative to its URL; unset "
        "means the flavour's (`query` for oxigraph).",
    )
    store_update_path: str | None = Field(
        None,
        description="Path of the remote store's update endpoint, relative to its URL; unset "
        "means the flavour's (`update` for oxigraph).",
    )
    store_graph_store_path: str | None = Field(
        None,
        description="Path of the remote store's Graph Store endpoint, relative to its URL; "
        "unset means the flavour's (`store` for oxigraph).",
    )
    store_user: str | None = Field(
        None,
        description="User jixiao logs in to the remote store as (HTTP Digest or Basic, "
        "whichever the server asks for); unset means anonymous.",
    )
    store_password: SecretStr | None = Field(None, description="Password of `JIXIAO_STORE_USER`.")
    store_token: SecretStr | None = Field(
        None,
        description="Bearer token sent to the remote store with every request (e.g. "
        "QLever's access token); unset means none.",
    )

    def shapes_cache(self) -> Path | None:
        """The folder of the compiled shapes' cache (``None``: keep nothing on disk)."""
        if self.cache_dir is not None:
            return Path(self.cache_dir).expanduser() if self.cache_dir else None
        xdg = os.environ.get("XDG_CACHE_HOME")
        return (Path(xdg) if xdg else Path.home() / ".cache") / "jixiao"
