"""The test browser: Debian's headless Chromium driven by Playwright, as a zh-CN browser that
may reach one server only (shared by ``test_browser.py`` and ``scripts/screenshots.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Offline:
    """A browser context in a zh-CN browser whose requests may go to ``server`` only: any
    other is refused (not sent) and noted in ``outside``; console errors go to ``problems``."""

    def __init__(self, browser: Any, server: str, width: int = 1400, height: int = 1000) -> None:
        self.host = urlparse(server).netloc
        self.outside: list[str] = []
        self.problems: list[str] = []
        self.context = browser.new_context(
            locale="zh-CN",
            extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
            viewport={"width": width, "height": height},
            accept_downloads=True,
        )
        self.context.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if urlparse(route.request.url).netloc == self.host:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def page(self) -> Any:
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda e: self.problems.append(str(e)))
        return page
