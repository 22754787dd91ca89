"""The browser assets: installed from npm by ``make setup``, copied into the package, served.

``package.json`` pins them (with ``package-lock.json``) and maps each served file to where
``npm ci`` puts it; ``scripts/vendor.mjs`` copies them into ``service/static/vendor/``, which the
wheel ships as package data. These tests hold that a set-up tree has exactly what the pages
load, byte for byte what npm installed, and that nothing in it calls another host.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "service" / "static" / "vendor"
PACKAGE = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))


def test_the_lock_pins_every_dependency_from_the_npm_registry() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"][""]["dependencies"]
    assert pinned == PACKAGE["dependencies"]
    for name, version in PACKAGE["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), name  # exact versions only
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    for entry in lock["packages"].values():
        resolved = entry.get("resolved", "https://registry.npmjs.org/")
        assert resolved.startswith("https://registry.npmjs.org/"), resolved


def test_setup_vendored_exactly_what_npm_installed() -> None:
    names = {p.name for p in VENDOR.iterdir() if not p.name.startswith(".")}
    assert names == set(PACKAGE["vendor"]), "run make setup"
    for name, source in PACKAGE["vendor"].items():
        installed = ROOT / source
        if installed.exists():  # node_modules is there after make setup
            assert (VENDOR / name).read_bytes() == installed.read_bytes(), name


def test_the_pages_load_only_vendored_or_own_assets() -> None:
    templates = (ROOT / "service" / "templates").glob("*.html")
    used = {m for t in templates for m in re.findall(r"/static/vendor/([\w.-]+)", t.read_text())}
    assert used and used <= set(PACKAGE["vendor"])
    for name in used:
        text = (VENDOR / name).read_text(encoding="utf-8")
        assert "//cdn." not in text and "googleapis" not in text and "gstatic" not in text


def test_the_wheel_ships_the_vendored_assets() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = pyproject["tool"]["setuptools"]["package-data"]["jixiao.service"]
    assert "static/vendor/*" in data and "locale/*/LC_MESSAGES/*.po" in data
