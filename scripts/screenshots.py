"""Take the README's pictures again: the query page with results, and a series page.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]      # default docs/images/

Seeds a temporary store, starts ``jixiao serve`` on a free loopback port, and drives Debian's
``/usr/bin/chromium`` through Playwright (the test browser of ``tests/test_browser.py``) as a
zh-CN browser, with every request to another host refused. Needs ``make setup`` (and a CJK
font, which ``make system-deps`` installs).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from jixiao.service.bench.processes import free_port, running

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))
from support.chromium import CHROMIUM, CHROMIUM_ARGS, Offline  # noqa: E402 — the test browser

SERIES_QUERY = """PREFIX jx: <https://w3id.org/jixiao/ontology#>
SELECT ?series (COUNT(?p) AS ?n) WHERE { ?series a jx:ProjectSeries ; jx:seriesMember ?p }
GROUP BY ?series ORDER BY DESC(?n) ?series LIMIT 1"""


def _series_path(server: str) -> str:
    """The page of a series with projects in more than one year (the first such)."""
    answer = httpx.post(
        server + "/sparql",
        data={"query": SERIES_QUERY},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    iri = answer["results"]["bindings"][0]["series"]["value"]
    return "/" + iri.split("/id/", 1)[1]


def take(out: Path) -> list[Path]:
    """Write ``query-page.png`` and ``series-page.png`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([str(BIN / "jixiao"), "seed", "--store", str(store)], check=True)
        port = free_port()
        server = f"http://127.0.0.1:{port}"
        command = [str(BIN / "jixiao"), "serve", "--store", str(store), "--port", str(port)]
        with running(command, f"{server}/healthz"), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            offline = Offline(browser, server, width=1280, height=820)
            page = offline.page()
            page.goto(server + "/", wait_until="networkidle")
            page.click('button.example[data-name="04-project-amounts.rq"]')
            page.keyboard.press("Control+Enter")
            page.wait_for_function("document.querySelector('#status').textContent.includes('64')")
            page.evaluate("document.querySelector('.CodeMirror').CodeMirror.scrollTo(0, 120)")
            shots = [out / "query-page.png", out / "series-page.png"]
            page.screenshot(path=str(shots[0]))
            page.goto(server + _series_path(server), wait_until="networkidle")
            page.screenshot(path=str(shots[1]))
            browser.close()
            if offline.outside or offline.problems:
                raise SystemExit(f"not offline or not clean: {offline.outside} {offline.problems}")
    return shots


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    for shot in take(target):
        print(
            f"{shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot}: "
            f"{shot.stat().st_size // 1024} KB"
        )
