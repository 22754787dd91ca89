"""HTML for people: page rendering, links and error pages.

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
from jixiao.service.http.negotiation import negotiate
from jixiao.service.http.state import settings_of

__all__ = [
    "Linker",
    "error_response",
    "render",
    "wants_html",
]


ONTOLOGY = "https://w3id.org/jixiao/ontology"
CATEGORIES = "https://w3id.org/jixiao/indicator-category"

_PATH_SAFE = "/:@!$&'()*+,;=~.-"


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
    return Linker(settings_of(request).base_iri, request.scope.get("root_path", ""))


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
