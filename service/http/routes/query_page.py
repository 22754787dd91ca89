"""The query page at ``/``: the SPARQL workbench (YASGUI) with the usual prefixes, the example
queries and a local history; :func:`install` adds it and its static assets (``/static``) to an
app.

The example queries are the ``queries/*.rq`` files of :mod:`jixiao.service`, read when the
page is served; a file's leading comments name it (``# title@zh:`` and ``# description@zh:``
in Chinese)::

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
from jixiao.service.answers.describe import KNOWN_LABELS
from jixiao.service.http import i18n
from jixiao.service.http.state import AppSettings
from jixiao.service.http.templating import language, linker, render

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
    title_zh: str = ""
    description_zh: str = ""


_HEADER = re.compile(r"#\s*((?:title|description)(?:@zh)?)\s*:\s*(.*)", re.IGNORECASE)


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
def query_page(request: Request, settings: AppSettings) -> HTMLResponse:
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
        "base": settings.base_iri,
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
