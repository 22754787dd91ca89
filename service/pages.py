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

from . import i18n
from .describe import KNOWN_LABELS, Term
from .negotiation import negotiate
from .results import PREFIXES

__all__ = [
    "Example",
    "Linker",
    "error_response",
    "examples",
    "install",
    "language",
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
def _environment(lang: str) -> Environment:
    """The templates with the words of ``lang`` (one environment per language)."""
    env = Environment(
        loader=PackageLoader("jixiao.service", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates are package data: no stat() of them per page
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["curie"] = curie
    env.globals["lang"] = lang
    env.globals["languages"] = {"zh": "中文", "en": "English"}
    return env


def language(request: Request) -> str:
    """The language ``request`` gets its page in (see :mod:`.i18n`)."""
    return i18n.choose(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )


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
    page = _environment(language(request)).get_template(template)
    html = page.render(link=linker(request), root=linker(request).root, **context)
    return HTMLResponse(html, status_code=status_code)


def wants_html(request: Request) -> bool:
    """Whether the client prefers HTML to JSON (a browser rather than an API client)."""
    accept = request.headers.get("accept")
    return negotiate(accept, ("application/json", "text/html")) == "text/html"


# What an error page calls each status (its message stays the API's English sentence).
_HEADINGS = {
    400: i18n.N_("Bad request"),
    404: i18n.N_("Not found"),
    405: i18n.N_("Method not allowed"),
    406: i18n.N_("Not acceptable"),
    413: i18n.N_("Request too large"),
    422: i18n.N_("Does not conform"),
    503: i18n.N_("Service unavailable"),
}


def error_response(
    request: Request,
    status_code: int,
    error: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """The one error shape: an HTML page for browsers, ``{"error", "message"}`` otherwise."""
    if wants_html(request):
        _ = i18n.gettext_for(language(request))
        heading = _(_HEADINGS[status_code]) if status_code in _HEADINGS else error
        response: Response = render(
            request,
            "error.html",
            status_code,
            title=heading,
            heading=heading,
            error=error,
            message=message,
            status=status_code,
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
    title_zh: str = ""
    description_zh: str = ""


_HEADER = re.compile(r"#\s*((?:title|description)(?:@zh)?)\s*:\s*(.*)", re.IGNORECASE)
_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE | re.MULTILINE)


def prefix_lines(names: tuple[str, ...] = EDITOR_PREFIXES) -> str:
    """``PREFIX`` declarations for ``names`` (from the known namespaces)."""
    width = max(len(n) for n in names) + 1
    return "".join(f"PREFIX {(n + ':').ljust(width)} <{PREFIXES[n]}>\n" for n in names)


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
    fields = {"title": "", "description": "", "title@zh": "", "description@zh": ""}
    for line in text.splitlines():
        if not line.lstrip().startswith("#"):
            break
        match = _HEADER.match(line.strip())
        if match:
            fields[match.group(1).lower()] = match.group(2).strip()
    title = fields["title"] or name.removesuffix(".rq").replace("-", " ").replace("_", " ")
    return Example(
        name,
        title,
        fields["description"],
        complete_prefixes(text),
        fields["title@zh"],
        fields["description@zh"],
    )


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


# The workbench's own words, translated on the server and handed to its script.
_WORKBENCH_WORDS = {
    "tab": i18n.N_("Query"),
    "table": i18n.N_("Table"),
    "response": i18n.N_("Response"),
    "chart": i18n.N_("Chart"),
    "chartX": i18n.N_("Categories"),
    "chartY": i18n.N_("Values"),
    "sum": i18n.N_("sum"),
    "downloadChart": i18n.N_("Download the chart (PNG)"),
    "simpleView": i18n.N_("Simple view"),
    "ellipse": i18n.N_("Shorten long values"),
    "filter": i18n.N_("Filter the results"),
    "pageSize": i18n.N_("Rows per page: "),
    "all": i18n.N_("All"),
    "rows": i18n.N_("%(n)s rows"),
    "running": i18n.N_("Running…"),
    "failed": i18n.N_("The query failed."),
    "copied": i18n.N_("The link to this query is copied."),
    "vocabularyFailed": i18n.N_("Completion of this dataset's terms is not available:"),
}
# YASGUI's own tooltips and labels, in English in its bundle: translated where they appear.
_YASGUI_WORDS = {
    "Close tab": i18n.N_("Close tab"),
    "Add tab": i18n.N_("Add tab"),
    "Run query": i18n.N_("Run query"),
    "Download result": i18n.N_("Download the results"),
    "Download Results": i18n.N_("Download the results"),
    "Download not supported": i18n.N_("This view cannot be downloaded"),
    "Filter query results": i18n.N_("Filter the results"),
}
# DataTables' words (its own placeholders: _START_, _END_, _TOTAL_, _MAX_).
_TABLE_WORDS = {
    "info": i18n.N_("Rows _START_ to _END_ of _TOTAL_"),
    "infoEmpty": i18n.N_("No rows"),
    "infoFiltered": i18n.N_("(filtered from _MAX_ rows)"),
    "emptyTable": i18n.N_("The query returned no rows."),
    "zeroRecords": i18n.N_("No row matches the filter."),
}


def _outside_terms(lang: str) -> list[dict[str, str]]:
    """The terms of other vocabularies the data uses, for completion (with their labels)."""
    terms = []
    for iri, labels in KNOWN_LABELS.items():
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        kind = "classes" if local[:1].isupper() else "properties"
        terms.append({"iri": iri, "kind": kind, "label": labels[0 if lang == "en" else 1]})
    return terms


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def query_page(request: Request) -> HTMLResponse:
    """The query page: the SPARQL workbench, example queries, a local history."""
    lang = language(request)
    _ = i18n.gettext_for(lang)
    root = linker(request).root
    found = [
        {
            "name": e.name,
            "title": e.title_zh or e.title if lang == "zh" else e.title,
            "description": e.description_zh or e.description if lang == "zh" else e.description,
            "query": e.query,
        }
        for e in examples()
    ]
    workbench = {
        "lang": lang,
        "root": root,
        "endpoint": f"{root}/sparql",
        "base": request.app.state.settings.base_iri,
        "startQuery": prefix_lines() + "\n" + _START_QUERY,
        "prefixes": PREFIXES,
        "examples": found,
        "outsideTerms": _outside_terms(lang),
        "messages": {key: _(text) for key, text in _WORKBENCH_WORDS.items()},
        "tableWords": {key: _(text) for key, text in _TABLE_WORDS.items()},
        "yasguiWords": {key: _(text) for key, text in _YASGUI_WORDS.items()},
    }
    return render(request, "query.html", title=_("Query"), examples=found, workbench=workbench)


def install(app: FastAPI) -> None:
    """Add the pages and their static assets (``/static``) to ``app``."""
    static = files("jixiao.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(router)
