"""The public contract, with docs/contract-additions.md, names every term, command and route."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDFS, Graph, URIRef

from jixiao.ontology import JX, ONTOLOGY_TTL
from jixiao.service.cli import build_parser
from jixiao.service.http.app import create_app
from jixiao.service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ADDITIONS = (ROOT / "docs" / "contract-additions.md").read_text(encoding="utf-8")
CONTRACT_PATH = ROOT.parent / "shared" / "design" / "contract.md"


def _named(text: str) -> set[str]:
    return set(re.findall(r"`jx:(\w+)`", text))


def _contract() -> str:
    if not CONTRACT_PATH.exists():
        pytest.skip("../shared/design/contract.md is not beside the project")
    return CONTRACT_PATH.read_text(encoding="utf-8")


def test_every_term_of_the_vocabulary_is_in_the_contract_or_its_additions() -> None:
    graph = Graph().parse(ONTOLOGY_TTL, format="turtle")
    terms = {
        str(s).removeprefix(str(JX))
        for s in graph.subjects(RDFS.label, None)
        if isinstance(s, URIRef) and str(s).startswith(str(JX))
    }
    assert terms
    missing = terms - _named(_contract()) - _named(ADDITIONS)
    assert not missing, sorted(missing)


def test_the_additions_name_no_term_the_vocabulary_lacks() -> None:
    graph = Graph().parse(ONTOLOGY_TTL, format="turtle")
    unknown = {t for t in _named(ADDITIONS) if (JX[t], RDFS.label, None) not in graph}
    assert not unknown, sorted(unknown)


def test_every_command_is_in_the_contract_or_its_additions() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    text = _contract() + ADDITIONS
    assert commands
    for command in commands:
        assert f"`jixiao {command}" in text, command


def test_every_route_is_in_the_contract_or_its_additions() -> None:
    text = _contract() + ADDITIONS
    paths = set(create_app(Settings(store=":memory:")).openapi()["paths"])
    assert {"/sparql", "/api/target-changes"} <= paths
    missing = {p for p in paths if not re.search(re.escape(p) + r"[`?\s,]", text)}
    assert not missing, sorted(missing)
