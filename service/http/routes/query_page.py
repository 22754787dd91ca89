"""The query page at ``/``: a SPARQL editor with the usual prefixes, the example queries, and
results as a table; :func:`install` adds it and its static assets (``/static``) to an app.

The example queries are the ``queries/*.rq`` files of :mod:`jixiao.service`, read when the
page is served; a file's leading comments name it::

    # title: Projects per budget year
    # description: How many projects, units and indicators each year has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from jixiao.ontology import PREFIXES, sparql_prologue
from jixiao.service.http.state import AppSettings
from jixiao.service.http.templating import render

__all__ = ["Example", "complete_prefixes", "examples", "install", "prefix_lines", "router"]

router = APIRouter(tags=["pages"])


router = APIRouter(tags=["pages"])


# The prefixes the query editor starts with, in this order.
EDITOR_PREFIXES = ("jx", "jxc", "rdfs", "skos", "org", "prov", "dcterms", "xsd")


@dataclass(frozen=True, slots=True)
class Example:
    """One example query of the query page."""

    name: str
    title: str
    description: str
    query: str


_HEADER = re.compile(r"#\s*(title|description)\s*:\s*(.*)", re.IGNORECASE)


_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE | re.MULTILINE)


def prefix_lines(names: tuple[str, ...] = EDITOR_PREFIXES) -> str:
    """``PREFIX`` declarations for ``names`` (from the known namespaces)."""
    return sparql_prologue(*names)


def complete_prefixes(query: str) -> str:
    """``query`` with declarations added for known prefixes it uses but does not declare."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(query)}
    body = re.sub(r"<[^<>\s]*>|\"[^\"\n]*\"|'[^'\n]*'|#[^\n]*", " ", query)
    used = [
        name
        for name in PREFIXES
        if name not in declared and re.search(rf"(?<![\w:?$]){re.escape(name)}:", body)
    ]
    if not used:
        return query
    lines = query.splitlines(keepends=True)
    head = 0
    while head < len(lines) and lines[head].lstrip().startswith("#"):
        head += 1
    return "".join(lines[:head]) + prefix_lines(tuple(used)) + "".join(lines[head:])


def _example(name: str, text: str) -> Example:
    fields = {"title": "", "description": ""}
    for line in text.splitlines():
        if not line.lstrip().startswith("#"):
            break
        match = _HEADER.match(line.strip())
        if match:
            fields[match.group(1).lower()] = match.group(2).strip()
    title = fields["title"] or name.removesuffix(".rq").replace("-", " ").replace("_", " ")
    return Example(name, title, fields["description"], complete_prefixes(text))


def examples() -> list[Example]:
    """The example queries: every ``queries/*.rq`` of this package, by file name."""
    folder = files("jixiao.service").joinpath("queries")
    if not folder.is_dir():
        return []
    found = [
        _example(entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".rq") and entry.is_file()
    ]
    return sorted(found, key=lambda e: e.name)


_START_QUERY = """\
SELECT ?project ?label ?year ?total
WHERE {
  ?project a jx:Project ; rdfs:label ?label ; jx:budgetYear ?year ; jx:amountTotal ?total .
}
ORDER BY DESC(?year) DESC(?total)
LIMIT 20
"""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def query_page(request: Request, settings: AppSettings) -> HTMLResponse:
    """The query page: a SPARQL editor, example queries, results as a table."""
    found = examples()
    return render(
        request,
        "query.html",
        title="Query",
        start_query=prefix_lines() + "\n" + _START_QUERY,
        examples=[
            {"name": e.name, "title": e.title, "description": e.description, "query": e.query}
            for e in found
        ],
        prefixes=PREFIXES,
        base=settings.base_iri,
    )


def install(app: FastAPI) -> None:
    """Add the pages and their static assets (``/static``) to ``app``."""
    static = files("jixiao.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(router)
