"""HTML for people: page rendering in the reader's language, links and error pages.

Pages are Jinja2 templates (``templates/``) over plain data; every asset they use is served
from ``static/`` (see :mod:`.routes.query_page`), so the pages work offline. :class:`Linker`
turns an IRI into the local page that shows it: ``/id/…`` for instance IRIs under the base,
``/ontology#Term`` for vocabulary terms and indicator categories, the IRI itself for anything
else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from jixiao.ontology import PREFIXES
from jixiao.service.answers.describe import Term
from jixiao.service.http import i18n
from jixiao.service.http.negotiation import negotiate
from jixiao.service.http.state import settings_of

__all__ = [
    "Linker",
    "error_response",
    "language",
    "render",
    "wants_html",
]


ONTOLOGY = "https://w3id.org/jixiao/ontology"
CATEGORIES = "https://w3id.org/jixiao/indicator-category"

_PATH_SAFE = "/:@!$&'()*+,;=~.-"


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
    return Linker(settings_of(request).base_iri, request.scope.get("root_path", ""))


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
