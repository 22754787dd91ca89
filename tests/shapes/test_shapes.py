"""The shapes: examples for every rule, the seeds, the vocabulary they cover, the report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import OWL, RDF, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS
from support.shape_examples import BASE_EXAMPLE, EXAMPLES, apply_patch

from jixiao.ingest.iris import IriMinter
from jixiao.ingest.source import map_source
from jixiao.ontology import JX, ONTOLOGY_TTL, SCHEME_IRI, category_level, vocabulary_graph
from jixiao.service.pipeline.load import seed_files
from jixiao.shapes.docs import render, rules
from jixiao.shapes.report import Report
from jixiao.shapes.validate import JXSH, parse_rdf, shapes_graph, validate_graph

DOCS_PAGE = Path(__file__).parents[2] / "docs" / "shapes.md"
SHAPES = shapes_graph()
RULES = rules(SHAPES)


def example_graph(patch_file: Path | None) -> tuple[Graph, set[URIRef]]:
    """The base example with the vocabulary, patched; and the shapes it also trips."""
    graph = Graph().parse(BASE_EXAMPLE)
    graph += vocabulary_graph()
    if patch_file is None:
        return graph, set()
    return graph, apply_patch(graph, patch_file)


def validate_example(graph: Graph) -> Report:
    return validate_graph(graph, with_vocabulary=False)


def test_the_base_example_draws_no_result_at_all() -> None:
    graph, _ = example_graph(None)
    assert validate_example(graph).results == []


def test_every_rule_has_a_conforming_and_a_non_conforming_example() -> None:
    files = sorted(p.name for p in EXAMPLES.glob("*.ttl") if p != BASE_EXAMPLE)
    expected = sorted(f"{r.split('#')[1]}.{k}.ttl" for r in RULES for k in ("ok", "bad"))
    assert files == expected
    assert len(RULES) == 140
    assert len(files) == 280


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.split("#")[1])
def test_examples(rule: URIRef) -> None:
    name = rule.split("#")[1]
    ok, _ = example_graph(EXAMPLES / f"{name}.ok.ttl")
    ok_report = validate_example(ok)
    assert [(r.shape_name, r.focus) for r in ok_report.results] == []

    bad, also = example_graph(EXAMPLES / f"{name}.bad.ttl")
    bad_report = validate_example(bad)
    fired = {URIRef(r.shape) for r in bad_report.results}
    assert rule in fired, bad_report.text()
    assert fired == {rule} | also, bad_report.text()
    severity = SHAPES.value(rule, SH.severity, default=SH.Violation)
    assert {r.severity for r in bad_report.results if r.shape == str(rule)} == {
        severity.split("#")[1]
    }


def test_every_rule_has_a_message_in_chinese_and_in_english() -> None:
    for rule in RULES:
        langs = sorted(m.language for m in SHAPES.objects(rule, SH.message))  # type: ignore[union-attr]
        assert langs == ["en", "zh"], rule


def test_every_class_and_property_of_the_ontology_has_a_shape() -> None:
    ontology = Graph().parse(ONTOLOGY_TTL)
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    targeted = set(SHAPES.objects(None, SH.targetClass))
    assert classes - targeted == set()
    properties = {
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology.subjects(RDF.type, kind)
    }
    in_paths = {o for s, p, o in SHAPES if isinstance(o, URIRef) and str(o).startswith(str(JX))}
    # jx:seriesMember, the inverse of jx:series, is a path of its own shape too
    assert properties - in_paths == set()


def _in_list(shape: URIRef) -> set[URIRef]:
    head = SHAPES.value(shape, SH["in"])
    return {n for n in Collection(SHAPES, head)} if head is not None else set()  # type: ignore[misc]


def test_sh_in_lists_are_the_vocabulary_s_individuals() -> None:
    vocabulary = vocabulary_graph()
    concepts = set(vocabulary.subjects(SKOS.inScheme, SCHEME_IRI))
    assert _in_list(JXSH["Indicator-level1"]) == {
        c
        for c in concepts
        if category_level(c) == 1  # type: ignore[arg-type]
    }
    assert _in_list(JXSH["Indicator-level2"]) == {
        c
        for c in concepts
        if category_level(c) == 2  # type: ignore[arg-type]
    }
    assert _in_list(JXSH["Target-comparator"]) == set(vocabulary.subjects(RDF.type, JX.Comparator))
    assert _in_list(JXSH["SeriesMatch-matchMethod"]) == set(
        vocabulary.subjects(RDF.type, JX.MatchMethod)
    )


def test_the_iri_rule_follows_the_configured_base() -> None:
    graph, _ = example_graph(None)
    report = validate_graph(graph, base_iri="https://example.org/id/", with_vocabulary=False)
    assert {r.shape_name for r in report.results} == {"InstanceIriShape"}
    assert shapes_graph("https://example.org/id/").value(
        JXSH.InstanceIriShape, SH.pattern
    ) == Literal("^https://example\\.org/id/")


def test_negative_amounts_are_violations_even_when_they_add_up() -> None:
    graph, _ = example_graph(None)
    for row in ("doc/d/2025", "doc/d/2025/unit/u", "doc/d/2025/project/1"):
        node = URIRef(f"https://w3id.org/jixiao/id/{row}")
        graph.set((node, JX.amountOther, Literal("-10.00", datatype=XSD.decimal)))
        graph.set((node, JX.amountTotal, Literal("80.00", datatype=XSD.decimal)))
    fired = {r.shape_name for r in validate_example(graph).results}
    assert fired == {"BudgetDocument-amountOther", "UnitBudget-amountOther", "Project-amountOther"}


@pytest.mark.parametrize("year", [1949, 2101])
def test_implausible_years_are_violations(year: int) -> None:
    graph, _ = example_graph(None)
    for row in ("doc/d/2025", "doc/d/2025/unit/u", "doc/d/2025/project/1"):
        graph.set((URIRef(f"https://w3id.org/jixiao/id/{row}"), JX.budgetYear, Literal(year)))
    fired = {r.shape_name for r in validate_example(graph).results}
    assert fired == {"BudgetDocument-budgetYear", "UnitBudget-budgetYear", "Project-budgetYear"}


# --- the seeds -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_reports() -> Iterator[dict[int, Report]]:
    reports = {}
    for data, name, year in seed_files():
        mapped = map_source(data, name, year, IriMinter())
        reports[year] = validate_graph(mapped.combined(), title=name)
    yield reports


def test_both_seeds_conform(seed_reports: dict[int, Report]) -> None:
    for report in seed_reports.values():
        assert report.conforms, report.text()
        assert report.counts["Violation"] == 0


# Each warning that fires on a seed, at one project (source line) and indicator it names.
SEED_WARNINGS = [
    (2025, "DuplicateProjectShape", 22, None),  # 广州科学馆 twice in one funding unit
    (2025, "VacuousTargetShape", 12, 1),  # 投资控制率 ≥0
    (2025, "CountingIndicatorShape", 36, 1),  # 验收通过率: 优
    (2025, "DuplicateTargetTextShape", 19, 5),  # 符合, 符合, 符合
    (2023, "NumberingShape", 35, None),  # indicator 6 is numbered 1
    (2023, "GradeListShape", 49, 3),  # 优、良、中、差
    (2023, "DuplicateGoalShape", 50, None),  # the goal of line 49, word for word
    (2023, "DuplicateTargetTextShape", 16, 11),  # 申请专利数 and 11 share a text target
    (2023, "CountingIndicatorShape", 74, 1),  # 维护对象数量: 应用软件系统数3、硬件设备系统2
]


@pytest.mark.parametrize(("year", "shape", "line", "indicator"), SEED_WARNINGS)
def test_warning_fires_on_the_seed_at_that_project(
    seed_reports: dict[int, Report], year: int, shape: str, line: int, indicator: int | None
) -> None:
    hits = [
        r for r in seed_reports[year].results if r.shape_name == shape and r.location.line == line
    ]
    assert hits, seed_reports[year].text()
    assert all(r.severity == "Warning" for r in hits)
    if indicator is not None:
        assert indicator in {r.location.indicator for r in hits}


def test_no_other_kind_of_warning_fires_on_the_seeds(seed_reports: dict[int, Report]) -> None:
    fired = {(year, r.shape_name) for year, rep in seed_reports.items() for r in rep.results}
    assert fired == {(year, shape) for year, shape, _, _ in SEED_WARNINGS}
    assert len(SEED_WARNINGS) == 9


# --- the report ----------------------------------------------------------------------------


def test_the_report_names_the_project_by_label_and_row(seed_reports: dict[int, Report]) -> None:
    text = seed_reports[2025].text()
    assert "project “广州科学馆” (line 22, row 8)" in text
    assert "项目“广州科学馆”（第 22 行，序号 8）" in text
    assert "gzast-2025-project-performance-targets.txt: conforms: 0 violations" in text


def test_rdf_reports_are_standard_and_bilingual(seed_reports: dict[int, Report]) -> None:
    report = seed_reports[2025]
    for fmt in ("turtle", "json-ld"):
        graph = parse_rdf(report.serialize(fmt), fmt)
        (node,) = graph.subjects(RDF.type, SH.ValidationReport)
        assert graph.value(node, SH.conforms) == Literal(True)
        results = list(graph.objects(node, SH.result))
        assert len(results) == len(report.results)
        for result in results:
            langs = sorted(m.language for m in graph.objects(result, SH.resultMessage))  # type: ignore[union-attr]
            assert langs == ["en", "zh"]
    assert json.loads(report.serialize("json-ld"))["@context"]["sh"] == str(SH)


def test_a_focus_node_outside_any_project_is_named_by_its_label() -> None:
    graph, _ = example_graph(EXAMPLES / "Department-label.bad.ttl")
    (result,) = validate_example(graph).results
    assert result.location.kind == "other"
    assert result.message("en").startswith("“示例部门”")


def test_the_rule_list_page_is_up_to_date() -> None:
    page = DOCS_PAGE.read_text(encoding="utf-8")
    assert page == render(), "regenerate: python -m jixiao.shapes.docs docs/shapes.md"
    for rule in RULES:
        assert f"`jxsh:{rule.split('#')[1]}`" in page
