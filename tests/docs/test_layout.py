"""The README's layout table and layers say what the tree holds, and the code keeps to them."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SOURCES = ("ontology", "ingest", "shapes", "service")


def _section() -> str:
    return README.split("## Layout\n", 1)[1].split("\n## ", 1)[0]


def _rows() -> dict[str, str]:
    rows = {}
    for line in _section().splitlines():
        m = re.match(r"\|\s*`([\w/.-]+/)`\s*\|\s*(.+?)\s*\|$", line)
        if m:
            rows[m.group(1)] = m.group(2)
    return rows


def _folders() -> set[str]:
    """Every package folder and every folder right inside one (the data folders: seeds,
    examples, queries, templates …), plus docs/ and the tests' own."""
    found = {"docs/", "tests/", "tests/support/", "tests/data/"}
    for top in SOURCES:
        root = ROOT / top
        found.add(f"{top}/")
        for path in root.rglob("*"):
            if not path.is_dir() or "__pycache__" in path.parts:
                continue
            if (path / "__init__.py").is_file() or (path.parent / "__init__.py").is_file():
                found.add(f"{path.relative_to(ROOT).as_posix()}/")
    return found


def test_every_folder_has_a_row_and_every_row_a_folder() -> None:
    rows = _rows()
    assert [row for row in rows if not (ROOT / row).is_dir()] == [], "rows for no folder"
    assert sorted(_folders() - set(rows)) == [], "folders the layout table does not list"
    assert all(what for what in rows.values())


def test_the_tests_row_names_every_test_folder() -> None:
    named = re.search(r"one folder per part of the code \(`([^`]+)`\)", _rows()["tests/"])
    assert named is not None
    folders = {
        p.name
        for p in (ROOT / "tests").iterdir()
        if p.is_dir() and p.name not in {"support", "data", "__pycache__"}
    }
    assert set(named.group(1).split()) == folders


def test_the_readme_layers_are_the_contract_make_lint_runs() -> None:
    block = _section().split("```\n", 2)[1]
    readme = [line.strip() for line in block.splitlines() if line.strip()]
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [
        c["layers"] for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"
    ]
    assert [layer.replace("jixiao.", "") for layer in layers] == readme


def test_the_cli_and_the_library_start_without_the_web_framework() -> None:
    """Only ``jixiao serve`` imports FastAPI (lazily); every other command, and the library,
    start without it."""
    code = (
        "import sys, jixiao.service, jixiao.service.cli, jixiao.service.pipeline.load, "
        "jixiao.service.answers.canned, jixiao.service.query.runner, jixiao.shapes.validate; "
        "print(sorted(m for m in ('fastapi', 'starlette', 'jinja2', 'uvicorn') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _modules() -> list[Path]:
    return sorted(p for top in SOURCES for p in (ROOT / top).rglob("*.py"))


def _app_state_uses(source: str) -> list[int]:
    """Lines of ``<…>app.state`` (``request.app.state``, ``app.state``) in Python code."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "state":
            owner = node.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name == "app":
                lines.append(node.lineno)
    return lines


def test_only_http_state_touches_app_state() -> None:
    """What the app holds is read through the typed dependencies of service/http/state.py,
    never as an untyped ``request.app.state`` read elsewhere."""
    assert _app_state_uses("def f(request):\n    return request.app.state.store\n") == [2]
    state = ROOT / "service" / "http" / "state.py"
    assert _app_state_uses(state.read_text(encoding="utf-8"))
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in _modules()
        if path != state
        for line in _app_state_uses(path.read_text(encoding="utf-8"))
    }
    assert sorted(found) == []


def _import_graph(tmp_path: Path) -> dict[str, set[str]]:
    """jixiao's own imports, module by module, as grimp (import-linter's graph) reads them
    from the four folders linked as one package (as ``make lint`` does in .typecheck/)."""
    package = tmp_path / "jixiao"
    package.mkdir()
    for top in SOURCES:
        (package / top).symlink_to(ROOT / top, target_is_directory=True)
    code = (
        "import json, grimp; g = grimp.build_graph('jixiao'); "
        "print(json.dumps({m: sorted(g.find_modules_directly_imported_by(m)) "
        "for m in g.modules if m.startswith('jixiao.')}))"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    graph = json.loads(out.stdout)
    return {m: {i for i in imported if i.startswith("jixiao.")} for m, imported in graph.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: Tarjan's strongly connected components of more than one module (or
    of a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in graph.get(module, ()):
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert sorted(_cycles(graph)) == [["a", "b", "c"], ["e"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycle(tmp_path: Path) -> None:
    graph = _import_graph(tmp_path)
    assert len(graph) > 100  # the whole package was read
    assert {"jixiao.service.store.base", "jixiao.service.http.app"} <= set(graph)
    assert _cycles(graph) == []


def test_no_module_over_500_lines() -> None:
    """Hand-written modules stay under 500 lines; generated ones (``ontology/_jx.py``, from
    jixiao.ttl, "do not edit") are left out."""
    long = {
        f"{path.relative_to(ROOT)}: {lines}"
        for path in _modules()
        if "do not edit" not in (text := path.read_text(encoding="utf-8"))[:500]
        and (lines := text.count("\n")) > 500
    }
    assert sorted(long) == []


def _backend_uses(source: str) -> list[str]:
    """What in ``source`` reaches past the Store protocol: ``.raw`` (the pyoxigraph store of an
    embedded one), a ``"raw"`` attribute by name, or an import of a backend module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "raw":
            found.append(f"{node.lineno}: .raw")
        elif isinstance(node, ast.Constant) and node.value == "raw":
            found.append(f"{node.lineno}: 'raw'")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith(
            ("store.embedded", "store.remote")
        ):
            found.append(f"{node.lineno}: import {node.module}")
    return found


def test_answers_use_the_store_protocol_only() -> None:
    """The read models run on any store: through :class:`Store` (store/base.py), never the
    embedded store's pyoxigraph store underneath nor a backend's own class."""
    assert _backend_uses("getattr(store, 'raw', None)\nstore.raw.query('')\n") == [
        "1: 'raw'",
        "2: .raw",
    ]
    found = [
        f"{path.relative_to(ROOT)}:{use}"
        for path in sorted((ROOT / "service" / "answers").glob("*.py"))
        for use in _backend_uses(path.read_text(encoding="utf-8"))
    ]
    assert found == []


_MEDIA = re.compile(r"^(text|application)/[a-z0-9.+-]+$")
_OX_FORMATS = ("RdfFormat", "QueryResultsFormat")


def _is_media(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _MEDIA.match(node.value.split(";")[0].strip()) is not None
    )


def _format_maps(source: str) -> list[int]:
    """Lines of dict literals that map formats: a media type as a key, media types as values
    (a header ``{"Accept": …}`` has one), or pyoxigraph formats as values. OpenAPI
    ``content`` blocks (dicts of dicts) are documentation, not maps."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Dict) or any(isinstance(v, ast.Dict) for v in node.values):
            continue
        keys = sum(_is_media(k) for k in node.keys if k is not None)
        values = sum(_is_media(v) for v in node.values)
        oxigraph = sum(
            isinstance(v, ast.Attribute)
            and isinstance(v.value, ast.Attribute)
            and v.value.attr in _OX_FORMATS
            for v in node.values
        )
        if keys or values > 1 or oxigraph > 1:
            lines.append(node.lineno)
    return lines


def _offers(source: str) -> list[str]:
    """The media types of every tuple or list literal naming two or more (an offer order)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List):
            media = [e.value for e in node.elts if _is_media(e)]  # type: ignore[attr-defined]
            if len(media) > 1:
                found += media
    return found


def test_one_table_of_result_and_rdf_formats() -> None:
    """service/formats.py is the one table: no other module (nor it, but for FORMATS) spells
    out which media type, suffix or Oxigraph format is which format."""
    assert _format_maps('X = {"text/turtle": "turtle"}\nH = {"Accept": "text/csv"}\n') == [1]
    assert _format_maps("X = {'a': ox.RdfFormat.TURTLE, 'b': ox.RdfFormat.N_TRIPLES}") == [1]
    assert _format_maps('X = {".ttl": "text/turtle", ".nt": "application/n-triples"}') == [1]
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for top in ("service", "shapes")
        for path in sorted((ROOT / top).rglob("*.py"))
        for line in _format_maps(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_media_type_offered_is_in_the_table() -> None:
    from jixiao.service.formats import by_media

    offered = {
        media
        for path in sorted((ROOT / "service" / "http").rglob("*.py"))
        for media in _offers(path.read_text(encoding="utf-8"))
    }
    assert {"text/turtle", "application/sparql-results+json", "application/trig"} <= offered
    assert sorted(m for m in offered - {"text/html"} if by_media(m) is None) == []
