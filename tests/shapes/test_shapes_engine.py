"""The compiled engine (the shapes as SPARQL on Oxigraph) against pySHACL, the reference.

Equal means equal reports: the same results (severity, shape, focus, path, value, messages,
location) and isomorphic ``sh:ValidationReport`` graphs. One thing is masked: the text a
``SAMPLE`` puts into a message. SPARQL lets SAMPLE return any value of its group; pySHACL's
pick follows Python's hash seed and changes from run to run, the engine's (MIN) does not.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import SH
from rdflib.term import Node
from support.shape_examples import BASE_EXAMPLE, EXAMPLES, apply_patch

from jixiao.ingest.errors import UsageError
from jixiao.ingest.iris import IriMinter
from jixiao.ingest.mapping import MappedDocument
from jixiao.ingest.source import map_source
from jixiao.ontology import JX, vocabulary_graph
from jixiao.service.cli import main
from jixiao.service.pipeline.load import seed_files
from jixiao.shapes import validate as validation
from jixiao.shapes.compiled.checks import SparqlCheck, UnsupportedShape
from jixiao.shapes.compiled.compiler import compile_shapes
from jixiao.shapes.report import Report
from jixiao.shapes.validate import (
    shapes_graph,
    validate_document,
    validate_documents,
    validate_graph,
    validate_graphs,
)

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.ttl"))
ID = Namespace("https://w3id.org/jixiao/id/")
SHAPES = shapes_graph()
COMPILED = compile_shapes(SHAPES)
SAMPLED = {  # shape → variables whose value a SAMPLE picks
    str(check.shape.node): check.sampled
    for check in COMPILED.checks
    if isinstance(check, SparqlCheck) and check.sampled
}


@cache
def _base_example() -> tuple[tuple[Node, Node, Node], ...]:
    return tuple(Graph().parse(BASE_EXAMPLE)) + tuple(vocabulary_graph())


def example_graph(path: Path) -> Graph:
    """The base example with the vocabulary, and the patch of ``path`` applied."""
    graph = Graph(store="SimpleMemory")  # no contexts: quicker to fill, same triples
    for triple in _base_example():
        graph.add(triple)
    if path != BASE_EXAMPLE:
        apply_patch(graph, path)
    return graph


@cache
def _masks(shape: str) -> list[re.Pattern[str]]:
    """Patterns of the shape's messages that capture what a SAMPLE put in."""
    masks = []
    for message in SHAPES.objects(URIRef(shape), SH.message):
        parts = re.split(r"(\{[?$]\w+\})", str(message))
        pattern = "".join(
            (f"(?P<s{i}>.*?)" if part[2:-1] in SAMPLED[shape] else ".*?")
            if re.fullmatch(r"\{[?$]\w+\}", part)
            else re.escape(part)
            for i, part in enumerate(parts)
        )
        masks.append(re.compile(pattern + "$", re.DOTALL))
    return masks


def _mask(shape: str, text: str) -> str:
    if shape not in SAMPLED:
        return text
    for mask in _masks(shape):
        match = mask.search(text)
        if match:
            for name in sorted(match.groupdict(), key=match.start, reverse=True):
                text = text[: match.start(name)] + "…" + text[match.end(name) :]
    return text


def _results(report: Report) -> list[tuple[object, ...]]:
    return sorted(
        ((r.severity, r.shape, r.focus, r.path, r.value, r.location,
          tuple(sorted((k, _mask(r.shape, v)) for k, v in r.messages.items())))
         for r in report.results),
        key=repr,
    )  # fmt: skip


def _masked_graph(report: Report) -> Graph:
    graph = Graph()
    for s, p, o in report.graph:
        if p == SH.resultMessage and isinstance(o, Literal):
            shape = str(report.graph.value(s, SH.sourceShape))
            o = Literal(_mask(shape, str(o)), lang=o.language)
        graph.add((s, p, o))
    return graph


def assert_same(engine: Report, reference: Report) -> None:
    assert _results(engine) == _results(reference), engine.text() + reference.text()
    ours, theirs = to_isomorphic(_masked_graph(engine)), to_isomorphic(_masked_graph(reference))
    if ours != theirs:
        _, only_ours, only_theirs = graph_diff(ours, theirs)
        pytest.fail(
            f"only the engine's:\n{sorted(only_ours)}\nonly pySHACL's:\n{sorted(only_theirs)}"
        )


# --- every example of shapes/examples -------------------------------------------------------


@pytest.fixture(scope="module")
def examples() -> dict[str, tuple[Graph, Report]]:
    """Each example's graph and the engine's report on it (all in one batch)."""
    graphs = [example_graph(path) for path in EXAMPLE_FILES]
    reports = validate_graphs(graphs, with_vocabulary=False)
    return {p.name: (g, r) for p, g, r in zip(EXAMPLE_FILES, graphs, reports, strict=True)}


def test_every_example_is_compared() -> None:
    assert len(EXAMPLE_FILES) == 281  # base.ttl and a .ok and a .bad for each of 140 rules


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example(examples: dict[str, tuple[Graph, Report]], path: Path) -> None:
    graph, engine = examples[path.name]
    assert_same(engine, validate_graph(graph, with_vocabulary=False, engine="pyshacl"))
    assert bool(engine.results) == path.name.endswith(".bad.ttl")


# --- the seeds, and a seed with one broken amount -----------------------------------------


def _seed(year: int, edit: Callable[[str], str] = lambda text: text) -> MappedDocument:
    data, name = next((d, n) for d, n, y in seed_files() if y == year)
    return map_source(edit(data.decode("utf-8")).encode("utf-8"), name, year, IriMinter())


def _broken(text: str) -> str:
    """工作经费 (line 13): 总计 13.25 → 13.26, which breaks the row and the unit subtotal."""
    assert text.count("\n工作经费\t13.25\t") == 1
    return text.replace("\n工作经费\t13.25\t", "\n工作经费\t13.26\t")


SEEDS = {"2023": lambda: _seed(2023), "2025": lambda: _seed(2025),
         "2025-broken": lambda: _seed(2025, _broken)}  # fmt: skip


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[MappedDocument, Report]]:
    """Each seed document and the engine's report on it alone."""
    mapped = {name: make() for name, make in SEEDS.items()}
    return {name: (m, validate_document(m, title=name)) for name, m in mapped.items()}


@pytest.mark.parametrize("name", SEEDS)
def test_seed(seeds: dict[str, tuple[MappedDocument, Report]], name: str) -> None:
    mapped, engine = seeds[name]
    assert_same(engine, validate_document(mapped, title=name, engine="pyshacl"))
    assert engine.conforms == (name != "2025-broken")
    if name == "2025-broken":
        assert {r.shape_name for r in engine.results if r.severity == "Violation"} == {
            "RowSumShape",
            "UnitBudgetSumShape",
        }


# --- graphs made to be awkward ---------------------------------------------------------------

P, U, D = ID["doc/d/2025/project/1"], ID["doc/d/2025/unit/u"], ID["doc/d/2025"]
I1 = ID["doc/d/2025/project/1/indicator/1"]
A1, P1 = (
    ID["doc/d/2025/project/1/indicator/1/annual"],
    ID["doc/d/2025/project/1/indicator/1/period"],
)
A2 = ID["doc/d/2025/project/1/indicator/2/annual"]
EX = Namespace("https://example.org/")


def _ill_typed(g: Graph) -> None:
    g.set((P, JX.budgetYear, Literal("abc", datatype=XSD.integer)))
    g.set((I1, JX.writtenNumber, Literal("ten", datatype=XSD.integer)))
    g.set((I1, JX.position, Literal("1.5", datatype=XSD.integer)))
    g.set((U, JX.sourceLine, Literal("true", datatype=XSD.integer)))


def _wrong_types(g: Graph) -> None:
    g.set((P, JX.budgetYear, Literal("2025")))
    g.set((P, JX.rowNumber, Literal(True)))
    g.set((U, JX.amountTotal, Literal(100.0)))
    g.set((D, JX.amountTotal, Literal("100.00", datatype=XSD.double)))
    g.set((P, RDFS.label, Literal("no language")))
    g.set((I1, JX.indicatorName, Literal("名称", lang="zh")))


def _subclasses(g: Graph) -> None:
    g.add((EX.SpecialProject, RDFS.subClassOf, JX.Project))
    g.add((EX.SpecialTarget, RDFS.subClassOf, JX.Target))
    g.remove((P, RDF.type, JX.Project))
    g.add((P, RDF.type, EX.SpecialProject))
    g.remove((A1, RDF.type, JX.Target))
    g.add((A1, RDF.type, EX.SpecialTarget))
    g.add((ID.x, RDF.type, EX.SpecialProject))  # an instance with nothing at all


def _missing(g: Graph) -> None:
    for node, prop in ((P, RDFS.label), (P, JX.amountTotal), (I1, JX.annualTarget),
                       (D, JX.department), (U, JX.fundingUnit), (A1, JX.rawValue)):  # fmt: skip
        g.remove((node, prop, None))


def _written_two_ways(g: Graph) -> None:
    g.set((P, JX.amountTotal, Literal("100.000", datatype=XSD.decimal)))
    g.set((A1, JX.numericValue, Literal("100", datatype=XSD.decimal)))
    g.set((P1, JX.numericValue, Literal("100.0", datatype=XSD.decimal)))  # annual ≠ period?
    g.set((U, JX.amountFiscal, Literal("60.10", datatype=XSD.decimal)))


def _blank_target(g: Graph) -> None:
    blank = BNode()
    g.remove((I1, JX.annualTarget, A1))
    g.add((I1, JX.annualTarget, blank))
    g += ((blank, p, o) for p, o in g.predicate_objects(A1))
    g.remove((A1, None, None))
    g.set((blank, JX.numericValue, Literal("x")))


def _language_tags(g: Graph) -> None:
    g.set((P, RDFS.label, Literal("科普", lang="zh-CN")))
    g.set((D, RDFS.label, Literal("a", lang="EN")))


def _literal_source(g: Graph) -> None:
    g.add((D, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), Literal("file.txt")))


def _two_labels(g: Graph) -> None:
    g.set((P, RDFS.label, Literal("a", lang="en")))
    g.add((P, RDFS.label, Literal("b", lang="en")))
    g.add((P, JX.sourceLine, Literal(12)))


def _broken_sums(g: Graph) -> None:
    g.set((P, JX.amountTotal, Literal("100.50", datatype=XSD.decimal)))
    g.set((U, JX.amountFiscal, Literal("60.0", datatype=XSD.decimal)))
    g.set((D, JX.amountTotal, Literal("99", datatype=XSD.decimal)))
    g.set((U, JX.budgetYear, Literal(2024)))


def _grades(g: Graph) -> None:
    g.set((A1, JX.rawValue, Literal("优、良、中、差")))
    g.set((A2, JX.rawValue, Literal("优、良\n")))  # Python's $ matches before a final newline
    g.set((P1, JX.rawValue, URIRef("https://example.org/优、良")))


TRICKY: dict[str, Callable[[Graph], None]] = {
    "ill-typed literals": _ill_typed,
    "wrong datatypes": _wrong_types,
    "subclass instances": _subclasses,
    "missing values": _missing,
    "one value written two ways": _written_two_ways,
    "blank-node target": _blank_target,
    "upper-case language tags": _language_tags,
    "literal focus node": _literal_source,
    "two labels": _two_labels,
    "broken sums": _broken_sums,
    "grade lists": _grades,
}


@pytest.mark.parametrize("name", TRICKY)
def test_tricky_graph(name: str) -> None:
    graph = example_graph(BASE_EXAMPLE)
    TRICKY[name](graph)
    engine = validate_graph(graph, with_vocabulary=False)
    assert_same(engine, validate_graph(graph, with_vocabulary=False, engine="pyshacl"))
    assert engine.results or name == "upper-case language tags"


def test_ill_typed_amounts_are_reported_where_rdflib_cannot_sum_them() -> None:
    """pySHACL stops here (rdflib's SUM raises on "ten"); the engine reports the amount."""
    graph = example_graph(BASE_EXAMPLE)
    graph.set((P, JX.amountOther, Literal("ten", datatype=XSD.decimal)))
    report = validate_graph(graph, with_vocabulary=False)
    fired = {(r.shape_name, r.value) for r in report.results}
    assert ("Project-amountOther", "ten") in fired
    assert "UnitBudgetSumShape" in {name for name, _ in fired}  # its SUM: an error, so 0


@pytest.mark.parametrize(
    ("name", "triple"),
    [
        (
            "two literals of one value",
            (A1, JX.rawValue, Literal("不少于20场", datatype=XSD.string)),
        ),
        ("an IRI Oxigraph refuses", (P, JX.continues, URIRef("not an iri"))),
    ],
)
def test_what_oxigraph_cannot_hold_goes_to_pyshacl(
    caplog: pytest.LogCaptureFixture, name: str, triple: tuple[URIRef, URIRef, URIRef]
) -> None:
    graph = example_graph(BASE_EXAMPLE)
    graph.add(triple)
    with caplog.at_level(logging.INFO, logger="jixiao.shapes.validate"):
        engine = validate_graph(graph, with_vocabulary=False, title=name)
    assert f"{name}: validated with pySHACL" in caplog.text
    assert_same(engine, validate_graph(graph, with_vocabulary=False, engine="pyshacl"))


# --- what the compiler refuses ---------------------------------------------------------------

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
"""
UNSUPPORTED = {
    "qualifiedValueShape": """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:message "m" ;
        sh:property [ sh:path ex:p ; sh:message "m" ; sh:qualifiedValueShape [ sh:class ex:D ] ;
                      sh:qualifiedMinCount 1 ] .""",
    "sh:in of literals": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:p ; sh:message "m" ; sh:in ( 1 2 ) ] .""",
    "sequence path": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ( ex:p ex:q ) ; sh:message "m" ; sh:minCount 1 ] .""",
    "sh:targetNode": """ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:message "m" ;
        sh:nodeKind sh:IRI .""",
    "no message": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ] .""",
    "MINUS": """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:message "m" ; sh:sparql [
        sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this a ?c } }" ] .""",
    "aggregate not grouped by $this": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:message "m" ;
        sh:sparql [ sh:select "SELECT $this (COUNT(*) AS ?n) WHERE { ?x ?p ?o }" ] .""",
    "$this read before it is bound": """ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:message "m" ; sh:sparql [ sh:select
        "SELECT $this WHERE { ?x ?p ?o OPTIONAL { $this ?q ?x } }" ] .""",
}


@pytest.mark.parametrize("name", UNSUPPORTED)
def test_the_compiler_refuses_what_it_cannot_run(name: str) -> None:
    shapes = Graph().parse(data=PREFIXES + UNSUPPORTED[name], format="turtle")
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes)


def test_the_jixiao_shapes_compile_to_one_check_per_rule_and_parameter_group() -> None:
    checked = {str(check.shape.node) for check in COMPILED.checks}
    rules = {str(s) for s in shapes_graph().subjects(SH.message, None)}
    assert checked == rules
    assert len(COMPILED.checks) == 251
    assert set(SAMPLED) == {"https://w3id.org/jixiao/shapes#DuplicateTargetTextShape"}


# --- batches -----------------------------------------------------------------------------------


def test_a_batch_gives_what_each_document_gives_alone(
    seeds: dict[str, tuple[MappedDocument, Report]], monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = [mapped for mapped, _ in seeds.values()]
    alone = [report for _, report in seeds.values()]
    together = validate_documents(documents, titles=list(seeds))  # 2025 twice: same IRIs
    monkeypatch.setattr(validation, "_BATCH_TRIPLES", 1)  # one store per document
    apart = validate_documents(documents, titles=list(SEEDS))
    for one, batched, split in zip(alone, together, apart, strict=True):
        same = [sorted(map(repr, r.results)) for r in (one, batched, split)]
        assert same[0] == same[1] == same[2]  # unmasked: the engine's SAMPLE is the same
        assert to_isomorphic(one.graph) == to_isomorphic(batched.graph)
    assert [r.title for r in together] == list(seeds)


def test_the_engine_is_chosen_by_name() -> None:
    graph = example_graph(BASE_EXAMPLE)
    with pytest.raises(UsageError, match="unknown validation engine"):
        validate_graph(graph, with_vocabulary=False, engine="jena")


def test_the_command_line_takes_an_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.ttl"
    example_graph(EXAMPLES / "RowSumShape.bad.ttl").serialize(path, format="turtle")
    outputs = []
    for engine in ("oxigraph", "pyshacl"):
        assert main(["validate", str(path), "--engine", engine, "--format", "text"]) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "total 100.00 is not fiscal + special account + other funds = 90.00" in outputs[0]
