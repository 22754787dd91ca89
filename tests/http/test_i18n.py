"""Chinese and English pages: the catalog is complete, the language is chosen and remembered,
every HTML page speaks it, labels follow it, and cached pages are kept per language.

The browser side (the workbench in both languages, the switch in Chromium) is in
``test_browser.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from support.app import seeded_app_client

from jixiao.service.http.i18n import catalog_path, choose, translations

ROOT = Path(__file__).resolve().parents[2]
ZH = {"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with seeded_app_client() as c:
        yield c


# ── the catalog ───────────────────────────────────────────────────────────────────────────


def _source_messages() -> set[str]:
    """Every msgid of the sources, extracted as ``make messages`` does (``babel.cfg``)."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_of_the_pages_is_translated_into_chinese() -> None:
    with open(catalog_path("zh"), "rb") as po:
        catalog = read_po(po, locale="zh")
    translated = {m.id: m for m in catalog if m.id}
    wanted = _source_messages()
    assert len(wanted) > 100  # the extraction found the templates and the Python markers
    missing = sorted(w for w in wanted if w not in translated or not translated[w].string)
    assert missing == [], "run make messages and translate these"
    fuzzy = sorted(m.id for m in translated.values() if m.fuzzy)
    assert fuzzy == []
    stale = sorted(set(translated) - wanted)
    assert stale == [], "in the catalog, used nowhere: run make messages"
    for message in translated.values():  # placeholders survive translation
        text = str(message.id)
        for placeholder in re.findall(r"%\(\w+\)s|_[A-Z]+_", text):
            assert placeholder in str(message.string), (text, message.string)


def test_the_catalog_compiles_and_translates() -> None:
    _ = translations("zh").gettext
    assert _("Query") == "查询"
    assert _("%(n)s rows") % {"n": 3} == "3 行"
    assert translations("en").gettext("Query") == "Query"


@pytest.mark.parametrize(
    ("asked", "cookie", "accept", "chosen"),
    [
        (None, None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        (None, None, "zh-Hans-CN", "zh"),
        (None, None, "en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        (None, None, "fr-FR,zh;q=0.5", "zh"),
        (None, None, "en;q=0.2, zh-TW;q=0.7", "zh"),
        (None, None, "zh;q=0, en", "en"),
        (None, None, "fr", "en"),
        (None, None, None, "en"),
        (None, "en", "zh-CN", "en"),
        ("zh", "en", "en", "zh"),
        ("xx", "zh", "en", "zh"),
        (None, "xx", "zh", "zh"),
    ],
)
def test_the_language_of_a_request(
    asked: str | None, cookie: str | None, accept: str | None, chosen: str
) -> None:
    assert choose(asked, cookie, accept) == chosen


# ── the pages ─────────────────────────────────────────────────────────────────────────────


async def _series_path(client: httpx.AsyncClient) -> str:
    query = (
        "PREFIX jx: <https://w3id.org/jixiao/ontology#> SELECT ?s { ?s a jx:ProjectSeries } LIMIT 1"
    )
    response = await client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    iri = response.json()["results"]["bindings"][0]["s"]["value"]
    return "/" + iri.split("/id/", 1)[1]


async def _project_path(client: httpx.AsyncClient) -> str:
    query = (
        "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
        "SELECT ?p { ?p a jx:Project ; jx:hasIndicator ?i } LIMIT 1"
    )
    response = await client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    iri = response.json()["results"]["bindings"][0]["p"]["value"]
    return "/id/" + iri.split("/id/", 1)[1]


# (page, a word of its Chinese page, the same word in English)
PAGES = [
    ("/", "示例查询", "Examples"),
    ("/ontology", "指标类别", "Indicator categories"),
    ("/validate", "校验项目支出绩效目标表", "Validate a performance-target table"),
    ("/id/no/such/thing", "未找到", "Not found"),
    ("project", "年度指标值", "Annual target"),
    ("series", "各年度项目", "Projects by year"),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("path", "chinese", "english"), PAGES, ids=[p[0] for p in PAGES])
async def test_every_page_in_both_languages(
    client: httpx.AsyncClient, path: str, chinese: str, english: str
) -> None:
    if path == "project":
        path = await _project_path(client)
    elif path == "series":
        path = await _series_path(client)
    zh = await client.get(path, headers=ZH)
    en = await client.get(path, headers=EN)
    assert zh.status_code == en.status_code
    assert '<html lang="zh-CN">' in zh.text and '<html lang="en">' in en.text
    assert chinese in zh.text and chinese not in en.text
    assert english in en.text and english not in zh.text
    assert ">查询</a>" in zh.text and ">Query</a>" in en.text  # the site's navigation
    for response in (zh, en):
        vary = {v.strip().lower() for v in response.headers["vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary


@pytest.mark.anyio
async def test_the_switch_is_remembered_in_a_cookie(client: httpx.AsyncClient) -> None:
    switched = await client.get("/ontology?lang=en", headers=ZH)
    client.cookies.clear()  # the client would keep it for the other tests
    assert '<html lang="en">' in switched.text
    cookie = switched.headers["set-cookie"]
    assert cookie.startswith("jixiao_lang=en;") and "Max-Age=" in cookie and "Path=/" in cookie
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    later = await client.get("/ontology", headers={**ZH, "Cookie": f"jixiao_lang={value}"})
    assert '<html lang="en">' in later.text
    assert "set-cookie" not in later.headers
    api = await client.get("/api/queries?lang=zh")  # JSON answers get no cookie
    assert "set-cookie" not in api.headers
    client.cookies.clear()


@pytest.mark.anyio
async def test_cached_resource_pages_are_kept_per_language(client: httpx.AsyncClient) -> None:
    path = await _project_path(client)
    first_en = await client.get(path, headers=EN)
    first_zh = await client.get(path, headers=ZH)
    again_en = await client.get(path, headers=EN)
    again_zh = await client.get(path, headers=ZH)
    assert first_en.text == again_en.text and first_zh.text == again_zh.text
    assert "Annual target" in again_en.text and "年度指标值" in again_zh.text
    assert "accept-language" in again_zh.headers["vary"].lower()
    turtle = await client.get(path, headers={"Accept": "text/turtle", "Accept-Language": "zh"})
    assert "accept-language" not in turtle.headers["vary"].lower()  # only pages vary


@pytest.mark.anyio
async def test_labels_follow_the_language_with_the_other_as_fallback(
    client: httpx.AsyncClient,
) -> None:
    zh = (await client.get("/ontology", headers=ZH)).text
    en = (await client.get("/ontology", headers=EN)).text
    # jx:Project is labelled "project"@en and "项目"@zh: the chosen one first
    zh_row = re.search(r'id="Project".*?</dt>', zh, re.S)
    en_row = re.search(r'id="Project".*?</dt>', en, re.S)
    assert zh_row and en_row
    assert zh_row.group(0).index("项目") < zh_row.group(0).index("project")
    assert en_row.group(0).index("project") < en_row.group(0).index("项目")
    # a project's category column: Chinese on the Chinese page, English on the English one
    path = await _project_path(client)
    project_zh = (await client.get(path, headers=ZH)).text
    project_en = (await client.get(path, headers=EN)).text
    assert "产出指标" in project_zh and "产出指标" not in project_en
    assert "output indicators" in project_en
    # project names exist in Chinese only: the fallback shows them on English pages too
    name = re.search(r'<h1 id="label">([^<]+)</h1>', project_zh)
    assert name and name.group(1) in project_en


@pytest.mark.anyio
async def test_the_workbench_gets_its_words_and_terms_in_the_page_language(
    client: httpx.AsyncClient,
) -> None:
    zh = (await client.get("/", headers=ZH)).text
    data = json.loads(re.search(r'id="workbench-data">(.*?)</script>', zh, re.S).group(1))  # type: ignore[union-attr]
    assert data["lang"] == "zh" and data["messages"]["chart"] == "图表"
    assert data["tableWords"]["info"] == "第 _START_ 至 _END_ 行，共 _TOTAL_ 行"
    assert data["prefixes"]["jx"] == "https://w3id.org/jixiao/ontology#"
    labels = {t["iri"].rsplit("#", 1)[-1]: t["label"] for t in data["outsideTerms"]}
    assert labels["type"] == "类型"
    css = (await client.get("/static/style.css")).text
    for font in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC"):
        assert f'"{font}"' in css
