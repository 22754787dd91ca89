"""The pages' own words in Chinese and English: which language a request gets, and its catalog.

The words are English ``msgid``s in the templates (Jinja's i18n extension: ``{% trans %}``,
``_()``) and in Python (:data:`N_` marks them where they are defined); their Chinese is the
gettext catalog ``locale/zh/LC_MESSAGES/messages.po``, kept complete by a test and compiled
with Babel when first used (no compiled ``.mo`` is committed or built). ``make messages``
extracts the ``msgid``s again (``babel.cfg``) and merges them into the catalog.

A request's language is, first to last: ``?lang=zh|en`` (which also sets the cookie
:data:`COOKIE`, so a switch is remembered), the cookie, the best supported ``Accept-Language``,
else English. Every HTML response says ``Vary: Accept-Language, Cookie``.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from http.cookies import SimpleCookie
from importlib.resources import files
from urllib.parse import parse_qs

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "COOKIE",
    "DEFAULT",
    "LANGUAGES",
    "N_",
    "LanguageCookie",
    "catalog_path",
    "choose",
    "gettext_for",
    "translations",
]

LANGUAGES = ("zh", "en")
DEFAULT = "en"
COOKIE = "jixiao_lang"
_ONE_YEAR = 365 * 24 * 3600


def N_(message: str) -> str:
    """Mark ``message`` for the catalog where it is defined; translate it where it is shown."""
    return message


def catalog_path(language: str = "zh") -> str:
    """The ``.po`` file of ``language``, inside this package."""
    return str(files("jixiao.service").joinpath(f"locale/{language}/LC_MESSAGES/messages.po"))


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``language`` (English, the ``msgid``s, translates to itself)."""
    if language == DEFAULT or language not in LANGUAGES:
        return gettext.NullTranslations()
    with open(catalog_path(language), "rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(language: str) -> Callable[[str], str]:
    """``_`` for ``language``."""
    return translations(language).gettext


def _accepted(accept_language: str) -> str | None:
    """The supported language ``Accept-Language`` likes best (zh-CN, zh-Hans… count as zh)."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().lower().split("-")[0]
        if language not in LANGUAGES:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or (quality, -position) > (best[0], best[1])):
            best = (quality, -position, language)
    return best[2] if best else None


def choose(query_language: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a page: the ``lang`` parameter, the cookie, ``Accept-Language``, English."""
    for asked in (query_language, cookie):
        if asked in LANGUAGES:
            return asked
    return _accepted(accept_language or "") or DEFAULT


class LanguageCookie:
    """ASGI middleware: ``?lang=`` sets the cookie; HTML responses vary on the language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        chosen = next((v for v in query.get("lang", []) if v in LANGUAGES), None)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    headers = _vary(headers)
                    if chosen:
                        cookie = SimpleCookie()
                        cookie[COOKIE] = chosen
                        cookie[COOKIE]["path"] = scope.get("root_path", "") or "/"
                        cookie[COOKIE]["max-age"] = _ONE_YEAR
                        cookie[COOKIE]["samesite"] = "Lax"
                        value = cookie[COOKIE].OutputString().encode("latin-1")
                        headers.append((b"set-cookie", value))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


def _vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` with ``Accept-Language`` and ``Cookie`` added to ``Vary``."""
    present = [v for k, v in headers if k.lower() == b"vary"]
    names = [n.strip() for v in present for n in v.split(b",") if n.strip()]
    for extra in (b"Accept-Language", b"Cookie"):
        if extra.lower() not in {n.lower() for n in names}:
            names.append(extra)
    kept = [(k, v) for k, v in headers if k.lower() != b"vary"]
    return [*kept, (b"vary", b", ".join(names))]
