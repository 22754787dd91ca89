"""The mapping to RDF: golden graph, determinism, graphs, and the store's atomic replace."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.mapping import map_table
from jixiao.ingest.reader import read_table
from jixiao.ontology import JX
from jixiao.service.pipeline.load import SEEDS, ingest_bytes, seed_files
from jixiao.service.store.embedded import EmbeddedStore

DATA = Path(__file__).parents[1] / "data"
SEED_DIR = Path(__file__).resolve().parents[2] / "ingest" / "seeds"


def assert_isomorphic(actual: Graph, expected: Graph) -> None:
    """Graph isomorphism, with the triples only on one side shown on failure."""
    iso_a, iso_e = to_isomorphic(actual), to_isomorphic(expected)
    if iso_a != iso_e:
        _, only_actual, only_expected = graph_diff(iso_a, iso_e)
        pytest.fail(
            "graphs differ\nonly in actual:\n"
            + only_actual.serialize(format="nt")
            + "\nonly in expected:\n"
            + only_expected.serialize(format="nt")
        )


def _map(path: Path, year: int, minter: IriMinter | None = None):
    return map_table(read_table(path.read_bytes(), path.name), year, minter)


def test_golden_graph() -> None:
    expected = Graph().parse(DATA / "mini-2024.nt", format="nt")
    assert_isomorphic(_map(DATA / "mini-2024.txt", 2024).combined(), expected)


def test_golden_diff_is_reported() -> None:
    expected = Graph().parse(DATA / "mini-2024.nt", format="nt")
    actual = _map(DATA / "mini-2024.txt", 2024).combined()
    actual.remove((None, JX.rawValue, Literal("一小时内")))
    with pytest.raises(pytest.fail.Exception, match="一小时内"):
        assert_isomorphic(actual, expected)


@pytest.mark.parametrize(("name", "year"), SEEDS)
def test_mapping_is_deterministic(name: str, year: int) -> None:
    first = _map(SEED_DIR / name, year)
    second = _map(SEED_DIR / name, year)
    assert first.triples == second.triples
    assert first.organization_triples == second.organization_triples
    assert len(set(first.triples)) == len(first.triples), "no triple twice"


def test_base_iri_is_configurable() -> None:
    mapped = _map(DATA / "mini-2024.txt", 2024, IriMinter("http://example.org/x/"))
    subjects = {s for s, _, _ in mapped.triples + mapped.organization_triples}
    assert subjects and all(str(s).startswith("http://example.org/x/") for s in subjects)
    with pytest.raises(ValueError, match="must end"):
        IriMinter("http://example.org/x")


def test_department_and_own_unit_are_distinct() -> None:
    mapped = _map(SEED_DIR / SEEDS[0][0], 2023)
    orgs = mapped.organizations()
    departments = set(orgs.subjects(RDF.type, JX.Department))
    units = set(orgs.subjects(RDF.type, JX.FundingUnit))
    assert len(departments) == 1 and len(units) == 4
    assert not departments & units
    (own,) = [
        u
        for u in units
        if str(orgs.value(u, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
        == "广州市科学技术协会"
    ]
    assert own not in departments


def test_organisations_are_shared_not_duplicated() -> None:
    """Units described once, in the organisations graph: union queries see no duplicates."""
    store = EmbeddedStore(None)
    for data, name, year in seed_files():
        ingest_bytes(data, name, year, store, IriMinter())
    rows = list(
        store.query(
            "SELECT ?u ?l WHERE { ?u a <https://w3id.org/jixiao/ontology#FundingUnit> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        )
    )
    assert len(rows) == 4  # the 2023 units; 2025's three are the same organisations
    assert len({r["u"] for r in rows}) == 4


def test_reingest_replaces_the_document_graph() -> None:
    store = EmbeddedStore(None)
    minter = IriMinter()
    data = (DATA / "mini-2024.txt").read_bytes()
    ingest_bytes(data, "mini-2024.txt", 2024, store, minter)
    size = len(store)
    ingest_bytes(data, "mini-2024.txt", 2024, store, minter)
    assert len(store) == size, "re-ingesting the same document changes nothing"
    changed = data.replace("运维经费".encode(), "系统运维经费".encode())
    ingest_bytes(changed, "mini-2024.txt", 2024, store, minter)
    labels = {
        r["l"].value
        for r in store.query(
            "SELECT ?l WHERE { ?p a <https://w3id.org/jixiao/ontology#Project> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        )
    }
    assert labels == {"培训经费", "系统运维经费"}


def test_failed_ingest_leaves_the_store_unchanged() -> None:
    from jixiao.ingest.errors import InputError

    store = EmbeddedStore(None)
    minter = IriMinter()
    data = (DATA / "mini-2024.txt").read_bytes()
    ingest_bytes(data, "mini-2024.txt", 2024, store, minter)
    before = set(store.raw)
    broken = data.replace("1、1-产出指标；13".encode(), "一、产出：13".encode())
    with pytest.raises(InputError):
        ingest_bytes(broken, "mini-2024.txt", 2024, store, minter)
    assert set(store.raw) == before
