"""``/sparql``: the SPARQL 1.1 Protocol (query)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from jixiao.ingest.errors import QueryError

from .results import serialize
from .store import QueryResult

__all__ = ["router"]

router = APIRouter(tags=["sparql"])

_RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}
_MEDIA = {v: k for k, v in reversed(list({**_RESULT_TYPES, **_RDF_TYPES}.items()))}


def _accept(header: str, table: dict[str, str], default: str) -> str:
    ranked = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, i, fields[0].lower()))
    for q, _, media in sorted(ranked):
        if q == 0:
            continue
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


async def _query_text(request: Request) -> tuple[str | None, list[str], list[str]]:
    params = request.query_params
    query = params.get("query")
    default_graphs = params.getlist("default-graph-uri")
    named_graphs = params.getlist("named-graph-uri")
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            form = await request.form()
            query = str(form.get("query")) if form.get("query") is not None else None
            default_graphs += [str(v) for v in form.getlist("default-graph-uri")]
            named_graphs += [str(v) for v in form.getlist("named-graph-uri")]
        elif ctype == "application/sparql-query":
            query = (await request.body()).decode("utf-8")
    return query, default_graphs, named_graphs


@router.api_route("/sparql", methods=["GET", "POST"])
async def sparql(request: Request) -> Response:
    """SPARQL 1.1 Protocol query operation; the default graph is the union of named graphs."""
    query, default_graphs, named_graphs = await _query_text(request)
    if not query:
        return JSONResponse({"error": "QueryError", "message": "no query given"}, status_code=400)
    store = request.app.state.store

    def run() -> tuple[bytes, str]:
        result: QueryResult = store.query(
            query, default_graphs=default_graphs or None, named_graphs=named_graphs or None
        )
        accept = request.headers.get("accept", "")
        if (
            hasattr(result, "variables")
            or isinstance(result, bool)
            or type(result).__name__ == "QueryBoolean"
        ):
            fmt = _accept(accept, _RESULT_TYPES, "json")
        else:
            fmt = _accept(accept, _RDF_TYPES, "turtle")
        return serialize(result, fmt), fmt

    try:
        body, fmt = await run_in_threadpool(run)
    except QueryError as exc:
        return JSONResponse({"error": "QueryError", "message": str(exc)}, status_code=400)
    return Response(body, media_type=_MEDIA[fmt])
