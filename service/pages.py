"""HTML for people: the query page at ``/``, page rendering, links and error pages.

Pages are Jinja2 templates (``templates/``) over plain data; every asset they use is served
from ``static/`` by this package, so the pages work offline. :class:`Linker` turns an IRI into
the local page that shows it: ``/id/…`` for instance IRIs under the base, ``/ontology#Term``
for vocabulary terms and indicator categories, the IRI itself for anything else.

The example queries on the query page are the ``queries/*.rq`` files of this package, read
when the page is served; a file's leading comments name it::

    # title: Projects per budget year
    # description: How many projects, units and indicators each year has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from jixiao.ontology import PREFIXES, sparql_prologue
from jixiao.service.answers.describe import Term
from jixiao.service.negotiation import negotiate

__all__ = [
    "Example",
    "Linker",
    "error_response",
    "examples",
    "install",
    "render",
    "router",
    "wants_html",
]

router = APIRouter(tags=["pages"])

ONTOLOGY = "https://w3id.org/jixiao/ontology"
CATEGORIES = "https://w3id.org/jixiao/indicator-category"

_PATH_SAFE = "/:@!$&'()*+,;=~.-"

# The prefixes the query editor starts with, in this order.
EDITOR_PREFIXES = ("jx", "jxc", "rdfs", "skos", "org", "prov", "dcterms", "xsd")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("jixiao.service", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates are package data: no stat() of them per page
    )
    env.filters["curie"] = curie
    return env


def curie(iri: str) -> str:
    """``jx:Project`` for a known namespace, else the IRI unchanged."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


@dataclass(frozen=True, slots=True)
class Linker:
    """Where a page links an IRI to, for one request (``root`` is the app's mount path)."""

    base: str
    root: str = ""

    def href(self, target: Term | str | None) -> str | None:
        """The local page of an IRI, the IRI itself if it is not ours, None for non-IRIs."""
        if isinstance(target, Term):
            if target.kind != "iri":
                return None
            target = target.value
        if not target:
            return None
        if target.startswith(self.base) and len(target) > len(self.base):
            return f"{self.root}/id/{quote(target[len(self.base) :], safe=_PATH_SAFE)}"
        if target.startswith(ONTOLOGY + "#"):
            return f"{self.root}/ontology#{quote(target[len(ONTOLOGY) + 1 :], safe='')}"
        if target == ONTOLOGY:
            return f"{self.root}/ontology"
        if target.startswith(CATEGORIES + "/"):
            return f"{self.root}/ontology#category-{quote(target[len(CATEGORIES) + 1 :], safe='')}"
        if target == CATEGORIES:
            return f"{self.root}/ontology#categories"
        return target

    def is_local(self, iri: str) -> bool:
        """Whether ``iri`` is served by this service (under the base or the vocabulary)."""
        href = self.href(iri)
        return href is not None and href != iri


def linker(request: Request) -> Linker:
    """The :class:`Linker` of the app serving ``request``."""
    return Linker(request.app.state.settings.base_iri, request.scope.get("root_path", ""))


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``templates/{template}`` with the request's linker as ``link``."""
    page = _environment().get_template(template)
    html = page.render(link=linker(request), root=linker(request).root, **context)
    return HTMLResponse(html, status_code=status_code)


def wants_html(request: Request) -> bool:
    """Whether the client prefers HTML to JSON (a browser rather than an API client)."""
    accept = request.headers.get("accept")
    return negotiate(accept, ("application/json", "text/html")) == "text/html"


def error_response(
    request: Request,
    status_code: int,
    error: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """The one error shape: an HTML page for browsers, ``{"error", "message"}`` otherwise."""
    if wants_html(request):
        response: Response = render(
            request, "error.html", status_code, error=error, message=message, status=status_code
        )
    else:
        body = {"error": error, "message": message}
        response = JSONResponse(body, status_code=status_code)
    response.headers.update(headers or {})
    return response


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
def query_page(request: Request) -> HTMLResponse:
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
        base=request.app.state.settings.base_iri,
    )


def install(app: FastAPI) -> None:
    """Add the pages and their static assets (``/static``) to ``app``."""
    static = files("jixiao.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(router)
