"""What the ontology page shows: the vocabulary's classes, properties, comparators,
individuals and indicator categories, read from :func:`jixiao.ontology.vocabulary_graph`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from jixiao.ontology import JX, SCHEME_IRI, vocabulary_graph
from jixiao.service.answers.describe import Term

__all__ = ["VocabularyPage", "VocabularyTerm", "ontology_page_model"]


@dataclass(slots=True)
class VocabularyTerm:
    """One term of the vocabulary as the ontology page lists it."""

    name: str
    iri: str
    label_en: str = ""
    label_zh: str = ""
    comment: str = ""
    comment_zh: str = ""
    kind: str = ""
    notation: str = ""
    parents: list[Term] = field(default_factory=list)
    domain: list[list[Term]] = field(default_factory=list)
    range: list[list[Term]] = field(default_factory=list)
    alt_labels: list[str] = field(default_factory=list)
    children: list[VocabularyTerm] = field(default_factory=list)


@dataclass(slots=True)
class VocabularyPage:
    """What the ontology page shows."""

    title: str
    description: str
    title_zh: str
    description_zh: str
    version: str
    classes: list[VocabularyTerm]
    properties: list[VocabularyTerm]
    comparators: list[VocabularyTerm]
    individuals: list[VocabularyTerm]
    categories: list[VocabularyTerm]


def _text(graph: Graph, subject: Node, predicate: URIRef, lang: str = "en") -> str:
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for value in values:
        if value.language == lang:
            return str(value)
    return str(values[0]) if values else ""


def _terms(graph: Graph, node: Node) -> list[Term]:
    """A class expression as terms: the members of an ``owl:unionOf``, or the node itself."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return [t for member in Collection(graph, union) for t in _terms(graph, member)]
        return []
    return [Term("iri", str(node), _text(graph, node, RDFS.label) or None)]


def _term(graph: Graph, subject: URIRef, kind: str = "") -> VocabularyTerm:
    name = str(subject).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return VocabularyTerm(
        name=name,
        iri=str(subject),
        label_en=_text(graph, subject, RDFS.label, "en"),
        label_zh=_text(graph, subject, RDFS.label, "zh"),
        comment=_text(graph, subject, RDFS.comment, "en"),
        comment_zh=_text(graph, subject, RDFS.comment, "zh"),
        kind=kind,
        notation=_text(graph, subject, SKOS.notation, ""),
    )


def _jx_subjects(graph: Graph, cls: URIRef) -> list[URIRef]:
    """The ``jx:`` terms of type ``cls``, sorted."""
    found = graph.subjects(RDF.type, cls)
    return sorted(s for s in found if isinstance(s, URIRef) and str(s).startswith(str(JX)))


def _code_key(term: VocabularyTerm) -> tuple[int, str]:
    return (int(term.notation), "") if term.notation.isdigit() else (1 << 30, term.notation)


@cache
def ontology_page_model() -> VocabularyPage:
    """The vocabulary, read from the Turtle files, arranged for the ontology page."""
    g = vocabulary_graph()
    classes: list[VocabularyTerm] = []
    properties: list[VocabularyTerm] = []
    comparators: list[VocabularyTerm] = []
    individuals: list[VocabularyTerm] = []
    for subject in _jx_subjects(g, OWL.Class):
        term = _term(g, subject)
        term.parents = [t for p in g.objects(subject, RDFS.subClassOf) for t in _terms(g, p)]
        classes.append(term)
    kinds = {OWL.ObjectProperty: "object", OWL.DatatypeProperty: "datatype"}
    for kind, label in kinds.items():
        for subject in _jx_subjects(g, kind):
            term = _term(g, subject, label)
            term.domain = [_terms(g, d) for d in g.objects(subject, RDFS.domain)]
            term.range = [_terms(g, r) for r in g.objects(subject, RDFS.range)]
            term.parents = [t for p in g.objects(subject, RDFS.subPropertyOf) for t in _terms(g, p)]
            properties.append(term)
    properties.sort(key=lambda t: t.name.lower())
    for subject in _jx_subjects(g, OWL.NamedIndividual):
        types = [t for t in g.objects(subject, RDF.type) if t != OWL.NamedIndividual]
        term = _term(g, subject)
        term.parents = [t for node in types for t in _terms(g, node)]
        (comparators if JX.Comparator in types else individuals).append(term)
    top = []
    for concept in g.objects(SCHEME_IRI, SKOS.hasTopConcept):
        term = _term(g, concept)  # type: ignore[arg-type]
        term.label_zh = _text(g, concept, SKOS.prefLabel, "zh")
        for narrower in g.subjects(SKOS.broader, concept):
            child = _term(g, narrower)  # type: ignore[arg-type]
            child.label_zh = _text(g, narrower, SKOS.prefLabel, "zh")
            child.alt_labels = sorted(
                str(a)
                for a in g.objects(narrower, SKOS.altLabel)
                if a.language == "zh"  # type: ignore[attr-defined]
            )
            term.children.append(child)
        term.children.sort(key=_code_key)
        top.append(term)
    top.sort(key=_code_key)
    ontology = URIRef("https://w3id.org/jixiao/ontology")
    return VocabularyPage(
        title=_text(g, ontology, URIRef("http://purl.org/dc/terms/title")),
        description=_text(g, ontology, URIRef("http://purl.org/dc/terms/description")),
        title_zh=_text(g, ontology, URIRef("http://purl.org/dc/terms/title"), "zh"),
        description_zh=_text(g, ontology, URIRef("http://purl.org/dc/terms/description"), "zh"),
        version=_text(g, ontology, OWL.versionInfo, ""),
        classes=classes,
        properties=properties,
        comparators=comparators,
        individuals=individuals,
        categories=top,
    )
