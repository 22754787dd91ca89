"""The vocabulary (jixiao.ttl), the indicator scheme and the generated Python namespace."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from jixiao.ontology import (
    JX,
    JXC,
    ONTOLOGY_IRI,
    ONTOLOGY_TTL,
    PREFIXES,
    SCHEME_IRI,
    SCHEME_TTL,
    category_by_notation,
    category_for_label,
    category_level,
    generate,
    sparql_prologue,
    vocabulary_graph,
)

ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
JX_NS = "https://w3id.org/jixiao/ontology#"
JXC_NS = "https://w3id.org/jixiao/indicator-category/"

# The core terms of /work/shared/design/contract.md, with the range the contract gives them.
CONTRACT_CLASSES = [
    "BudgetDocument",
    "Department",
    "FundingUnit",
    "Project",
    "ProjectSeries",
    "Indicator",
    "Target",
]
CONTRACT_OBJECT_PROPERTIES = {
    "department": JX.Department,
    "document": JX.BudgetDocument,
    "fundingUnit": JX.FundingUnit,
    "hasIndicator": JX.Indicator,
    "level1": SKOS.Concept,
    "level2": SKOS.Concept,
    "annualTarget": JX.Target,
    "periodTarget": JX.Target,
    "comparator": JX.Comparator,
    "series": JX.ProjectSeries,
    "continues": JX.Indicator,
}
CONTRACT_DATATYPE_PROPERTIES = {
    "budgetYear": XSD.integer,
    "rowNumber": XSD.integer,
    "goal": RDF.langString,
    "amountTotal": XSD.decimal,
    "amountFiscal": XSD.decimal,
    "amountSpecialAccount": XSD.decimal,
    "amountOther": XSD.decimal,
    "position": XSD.integer,
    "indicatorName": XSD.string,
    "rawValue": XSD.string,
    "numericValue": XSD.decimal,
    "minValue": XSD.decimal,
    "maxValue": XSD.decimal,
    "unitText": XSD.string,
}
CONTRACT_COMPARATORS = {
    "atLeast": "≥",
    "atMost": "≤",
    "moreThan": ">",
    "lessThan": "<",
    "exactly": "=",
    "about": "≈",
    "between": "–",
}

# Terms this project adds beyond the contract (the brief of the vocabulary).
EXTRA_DATATYPE_PROPERTIES = {
    "sourceLine": XSD.integer,
    "amount": XSD.decimal,
    "amountUnitText": XSD.string,
    "writtenNumber": XSD.integer,
    "level1Text": XSD.string,
    "level2Text": XSD.string,
    "fileName": XSD.string,
    "sha256": XSD.string,
    "matchScore": XSD.decimal,
}
EXTRA_OBJECT_PROPERTIES = {
    "seriesMember": JX.Project,
    "matchedProject": JX.Project,
    "matchOf": JX.Project,
    "matchMethod": JX.MatchMethod,
    "target": JX.Target,
}
MATCH_METHODS = ["exactName", "normalizedName", "similarName", "curatedOverride"]

LEVEL1 = {"1": "产出指标", "2": "效益指标", "3": "满意度指标", "4": "成本指标"}
LEVEL2 = {
    "11": "数量指标",
    "12": "质量指标",
    "13": "时效指标",
    "14": "成本指标",
    "21": "经济效益指标",
    "22": "社会效益指标",
    "23": "生态效益指标",
    "24": "可持续影响指标",
    "31": "服务对象满意度指标",
    "41": "经济成本指标",
    "42": "社会成本指标",
    "43": "生态环境成本指标",
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_TTL, format="turtle")


@pytest.fixture(scope="module")
def scheme() -> Graph:
    return Graph().parse(SCHEME_TTL, format="turtle")


def languages(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return sorted(
        (o.language or "" for o in graph.objects(subject, predicate) if isinstance(o, Literal)),
    )


def jx_subjects(graph: Graph) -> list[URIRef]:
    return sorted(
        {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(JX_NS)},
    )


# --- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ONTOLOGY_TTL, SCHEME_TTL], ids=lambda p: p.name)
def test_turtle_parses_alike_in_rdflib_and_oxigraph(path: Path) -> None:
    rdflib_count = len(Graph().parse(path, format="turtle"))
    oxigraph_count = len(list(pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE)))
    assert rdflib_count > 100
    assert oxigraph_count == rdflib_count


def test_vocabulary_loads_into_an_oxigraph_store() -> None:
    store = pyoxigraph.Store()
    graph = pyoxigraph.NamedNode(str(ONTOLOGY_IRI))
    for path in (ONTOLOGY_TTL, SCHEME_TTL):
        store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE, to_graph=graph)
    solutions = store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?c WHERE { ?c skos:notation '22' ; skos:prefLabel '社会效益指标'@zh }",
        use_default_graph_as_union=True,
    )
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    assert [row["c"].value for row in solutions] == [str(JXC["22"])]


def test_vocabulary_graph_holds_both_files_and_is_a_copy() -> None:
    first = vocabulary_graph()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in first
    assert (SCHEME_IRI, RDF.type, SKOS.ConceptScheme) in first
    first.remove((None, None, None))
    assert len(vocabulary_graph()) > 100


# --- the ontology header -------------------------------------------------------------------


def test_ontology_header(ontology: Graph) -> None:
    dcterms = Namespace("http://purl.org/dc/terms/")
    vann = Namespace("http://purl.org/vocab/vann/")
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert languages(ontology, ONTOLOGY_IRI, dcterms.title) == ["en", "zh"]
    assert ontology.value(ONTOLOGY_IRI, dcterms.description) is not None
    assert str(ontology.value(ONTOLOGY_IRI, OWL.versionInfo)) == "0.1.0"
    assert str(ontology.value(ONTOLOGY_IRI, vann.preferredNamespacePrefix)) == "jx"
    assert str(ontology.value(ONTOLOGY_IRI, vann.preferredNamespaceUri)) == JX_NS
    assert ontology.value(ONTOLOGY_IRI, dcterms.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


# --- every term ----------------------------------------------------------------------------


def test_every_term_is_labelled_commented_and_defined_by_the_ontology(ontology: Graph) -> None:
    terms = jx_subjects(ontology)
    assert len(terms) >= 60
    for term in terms:
        assert set(languages(ontology, term, RDFS.label)) == {"en", "zh"}, term
        assert len(languages(ontology, term, RDFS.label)) == 2, f"{term}: one label per language"
        assert "en" in languages(ontology, term, RDFS.comment), term
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI, term


def test_every_jx_iri_used_is_declared(ontology: Graph) -> None:
    declared = set(jx_subjects(ontology))
    used = {
        node
        for triple in ontology
        for node in triple
        if isinstance(node, URIRef) and node.startswith(JX_NS)
    }
    assert used - declared == set()


def test_domains_and_ranges_are_declared_classes(ontology: Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        for rng in ontology.objects(prop, RDFS.range):
            assert rng in classes or not str(rng).startswith(JX_NS), (prop, rng)
    for prop, dom in ontology.subject_objects(RDFS.domain):
        union = ontology.value(dom, OWL.unionOf)
        members = list(ontology.items(union)) if union is not None else [dom]
        for member in members:
            assert member in classes, (prop, member)


# --- the contract's core terms --------------------------------------------------------------


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_contract_class(ontology: Graph, name: str) -> None:
    assert (JX[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize(
    ("name", "range_"),
    [*CONTRACT_OBJECT_PROPERTIES.items(), *EXTRA_OBJECT_PROPERTIES.items()],
)
def test_object_property_and_range(ontology: Graph, name: str, range_: URIRef) -> None:
    assert (JX[name], RDF.type, OWL.ObjectProperty) in ontology
    assert list(ontology.objects(JX[name], RDFS.range)) == [range_]


@pytest.mark.parametrize(
    ("name", "range_"),
    [*CONTRACT_DATATYPE_PROPERTIES.items(), *EXTRA_DATATYPE_PROPERTIES.items()],
)
def test_datatype_property_and_range(ontology: Graph, name: str, range_: URIRef) -> None:
    assert (JX[name], RDF.type, OWL.DatatypeProperty) in ontology
    assert list(ontology.objects(JX[name], RDFS.range)) == [range_]


def test_contract_term_lists_ran_in_full() -> None:
    assert len(CONTRACT_CLASSES) == 7
    assert len(CONTRACT_OBJECT_PROPERTIES) == 11
    assert len(CONTRACT_DATATYPE_PROPERTIES) == 14
    assert len(CONTRACT_COMPARATORS) == 7


def test_organisations_specialise_w3c_org(ontology: Graph) -> None:
    assert (JX.Department, RDFS.subClassOf, ORG.FormalOrganization) in ontology
    assert (JX.FundingUnit, RDFS.subClassOf, ORG.Organization) in ontology


def test_provenance_classes(ontology: Graph) -> None:
    for name in ("BudgetDocument", "UnitBudget", "Project", "SourceFile"):
        assert (JX[name], RDFS.subClassOf, PROV.Entity) in ontology, name
    assert (JX.ProjectSeries, RDFS.subClassOf, PROV.Collection) in ontology


def test_amounts_are_sub_properties_of_amount(ontology: Graph) -> None:
    amounts = set(ontology.subjects(RDFS.subPropertyOf, JX.amount))
    assert amounts == {
        JX.amountTotal,
        JX.amountFiscal,
        JX.amountSpecialAccount,
        JX.amountOther,
        JX.amountExecuted,
        JX.plannedFunds,
    }


def test_series_member_is_the_inverse_of_series(ontology: Graph) -> None:
    assert (JX.seriesMember, OWL.inverseOf, JX.series) in ontology


@pytest.mark.parametrize(("name", "notation"), CONTRACT_COMPARATORS.items())
def test_comparator_individual(ontology: Graph, name: str, notation: str) -> None:
    assert (JX[name], RDF.type, JX.Comparator) in ontology
    assert (JX[name], RDF.type, OWL.NamedIndividual) in ontology
    assert str(ontology.value(JX[name], SKOS.notation)) == notation


def test_comparators_are_exactly_the_contract_ones(ontology: Graph) -> None:
    found = {str(c)[len(JX_NS) :] for c in ontology.subjects(RDF.type, JX.Comparator)}
    assert found == set(CONTRACT_COMPARATORS)


def test_comparator_comments_list_the_wordings(ontology: Graph) -> None:
    wordings = {
        "atLeast": ["不少于", "不低于", "以上", "及以上", "达到…以上"],
        "atMost": ["以内", "不超过", "不高于"],
        "moreThan": ["超过", "高于", "余"],
        "lessThan": ["低于", "小于"],
        "about": ["约", "左右"],
    }
    for name, words in wordings.items():
        comment = str(ontology.value(JX[name], RDFS.comment))
        for word in words:
            assert word in comment, (name, word)


def test_match_methods(ontology: Graph) -> None:
    found = {str(m)[len(JX_NS) :] for m in ontology.subjects(RDF.type, JX.MatchMethod)}
    assert found == set(MATCH_METHODS)
    for name in MATCH_METHODS:
        assert (JX[name], RDF.type, OWL.NamedIndividual) in ontology


# --- the generated namespace ----------------------------------------------------------------


def test_generated_namespace_is_up_to_date() -> None:
    assert generate.check(), "run: python -m jixiao.ontology.generate"


def test_generate_check_notices_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "_jx.py"
    stale.write_text(generate.render().replace("    Project: URIRef\n", ""), encoding="utf-8")
    assert not generate.check(stale)
    assert not generate.check(tmp_path / "missing.py")
    generate.write(stale)
    assert generate.check(stale)


def test_generated_namespace_holds_every_term(ontology: Graph) -> None:
    for term in jx_subjects(ontology):
        assert term in JX, term
        assert getattr(JX, term[len(JX_NS) :]) == term


def test_unknown_term_fails() -> None:
    with pytest.raises(AttributeError):
        _ = JX.notATerm
    with pytest.raises(AttributeError):
        _ = JX["budgetyear"]


# --- the indicator scheme -------------------------------------------------------------------


def concepts(scheme: Graph) -> list[URIRef]:
    return sorted(c for c in scheme.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef))


def test_scheme_header(scheme: Graph) -> None:
    assert (SCHEME_IRI, RDF.type, SKOS.ConceptScheme) in scheme
    assert languages(scheme, SCHEME_IRI, RDFS.label) == ["en", "zh"]
    assert set(scheme.objects(SCHEME_IRI, SKOS.hasTopConcept)) == {JXC[c] for c in LEVEL1}


def test_scheme_holds_exactly_the_official_codes(scheme: Graph) -> None:
    assert {str(c)[len(JXC_NS) :] for c in concepts(scheme)} == set(LEVEL1) | set(LEVEL2)


def test_every_concept_is_complete(scheme: Graph) -> None:
    for concept in concepts(scheme):
        code = str(concept)[len(JXC_NS) :]
        notations = list(scheme.objects(concept, SKOS.notation))
        assert notations == [Literal(code)], concept
        assert languages(scheme, concept, SKOS.prefLabel) == ["en", "zh"], concept
        assert "zh" in languages(scheme, concept, SKOS.altLabel), concept
        assert (concept, SKOS.inScheme, SCHEME_IRI) in scheme
        assert scheme.value(concept, RDFS.comment) is not None, concept


@pytest.mark.parametrize(("code", "label"), LEVEL1.items())
def test_level1_concept(scheme: Graph, code: str, label: str) -> None:
    concept = JXC[code]
    assert (concept, SKOS.topConceptOf, SCHEME_IRI) in scheme
    assert (concept, SKOS.prefLabel, Literal(label, lang="zh")) in scheme
    assert (concept, SKOS.altLabel, Literal(label.removesuffix("指标"), lang="zh")) in scheme
    assert scheme.value(concept, SKOS.broader) is None


@pytest.mark.parametrize(("code", "label"), LEVEL2.items())
def test_level2_concept(scheme: Graph, code: str, label: str) -> None:
    concept = JXC[code]
    broader = list(scheme.objects(concept, SKOS.broader))
    assert broader == [JXC[code[0]]]
    assert str(scheme.value(broader[0], SKOS.notation)) == code[0]
    assert (broader[0], SKOS.topConceptOf, SCHEME_IRI) in scheme
    assert (concept, SKOS.topConceptOf, None) not in scheme
    assert (concept, SKOS.prefLabel, Literal(label, lang="zh")) in scheme
    assert (concept, SKOS.altLabel, Literal(label.removesuffix("指标"), lang="zh")) in scheme


# --- category look-ups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level", "code"),
    [
        ("产出指标", 1, "1"),
        ("产出", 1, "1"),
        ("1-产出指标", 1, "1"),
        ("满意度", 1, "3"),
        ("成本指标", 1, "4"),
        ("社会效益", 2, "22"),
        ("22-社会效益", 2, "22"),
        ("22-社会效益指标", 2, "22"),
        ("22－社会效益", 2, "22"),
        (" 社会 效益 ", 2, "22"),
        ("11-数量指标", 2, "11"),
        ("31-服务对象满意度", 2, "31"),
        ("服务对象满意度指标", 2, "31"),
        ("成本指标", 2, "14"),
        ("生态环境成本", 2, "43"),
    ],
)
def test_category_for_label(text: str, level: int, code: str) -> None:
    assert category_for_label(text, level) == JXC[code]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("社会效益", 1),  # a level-2 label asked at level 1
        ("产出指标", 2),
        ("22-经济效益", 2),  # code and label disagree
        ("2-社会效益", 2),  # a level-1 code asked at level 2
        ("文化效益", 2),
        ("", 1),
    ],
)
def test_category_for_label_refuses(text: str, level: int) -> None:
    assert category_for_label(text, level) is None


def test_category_by_notation() -> None:
    assert category_by_notation("31") == JXC["31"]
    assert category_by_notation(" 1 ") == JXC["1"]
    assert category_by_notation("99") is None
    assert category_level(JXC["2"]) == 1
    assert category_level(JXC["24"]) == 2
    assert category_level(JX.Project) is None


def test_the_prefix_map_names_the_vocabularys_own_namespaces() -> None:
    """PREFIXES is written out on plain strings (so a query worker starts without rdflib);
    it must say what the rdflib side says."""
    assert PREFIXES["jx"] == str(JX)
    assert PREFIXES["jxc"] == str(JXC)
    assert sparql_prologue("jx") == f"PREFIX jx: <{JX}>\n"
