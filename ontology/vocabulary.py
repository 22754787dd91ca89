"""The jixiao vocabulary (``jx:``) and the SKOS scheme of indicator categories (``jxc:``)
as rdflib terms and graphs.

The Turtle files next to this module are the source of truth:

- ``jixiao.ttl`` — the OWL/RDFS vocabulary, ``https://w3id.org/jixiao/ontology#``;
- ``indicator-scheme.ttl`` — the indicator categories (一级/二级指标) as SKOS concepts named by
  their official codes, ``https://w3id.org/jixiao/indicator-category/1`` … ``/43``.

``JX`` is generated from ``jixiao.ttl`` (``python -m jixiao.ontology.generate``) and refuses
unknown terms. The category look-ups read the scheme once and keep a small index.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from jixiao.ontology._jx import JX

__all__ = [
    "JX",
    "JXC",
    "ONTOLOGY_IRI",
    "ONTOLOGY_TTL",
    "SCHEME_IRI",
    "SCHEME_TTL",
    "category_by_notation",
    "category_for_label",
    "category_level",
    "vocabulary_graph",
]

ONTOLOGY_IRI = URIRef("https://w3id.org/jixiao/ontology")
SCHEME_IRI = URIRef("https://w3id.org/jixiao/indicator-category")
JXC = Namespace("https://w3id.org/jixiao/indicator-category/")

ONTOLOGY_TTL = Path(__file__).with_name("jixiao.ttl")
SCHEME_TTL = Path(__file__).with_name("indicator-scheme.ttl")


@cache
def _parsed_vocabulary() -> Graph:
    graph = Graph()
    graph.bind("jx", URIRef(str(JX)))
    graph.bind("jxc", JXC)
    graph.parse(ONTOLOGY_TTL, format="turtle")
    graph.parse(SCHEME_TTL, format="turtle")
    return graph


def vocabulary_graph() -> Graph:
    """The vocabulary and the indicator scheme in one graph.

    The files are parsed once; each call returns a fresh copy, so callers may change it.
    """
    parsed = _parsed_vocabulary()
    graph = Graph()
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace, override=True)
    graph += parsed
    return graph


@dataclass(frozen=True)
class _CategoryIndex:
    by_notation: dict[str, URIRef]
    by_label: dict[tuple[int, str], URIRef]
    level: dict[URIRef, int]


# "22-社会效益", "1－产出指标": an official code, a dash, then the label.
_CODED_LABEL = re.compile(r"(\d+)\s*[-‐‑–—]\s*(.*)")


def _label_key(text: str) -> str:
    """``text`` as compared with labels: NFKC (full-width forms folded), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _concept_levels(scheme: Graph) -> dict[URIRef, int]:
    """Level of each concept: 1 for the top concepts, one more than its broader concept below."""
    levels = {
        concept: 1
        for concept in scheme.subjects(SKOS.topConceptOf, SCHEME_IRI)
        if isinstance(concept, URIRef)
    }
    pending = {
        (concept, broader)
        for concept, broader in scheme.subject_objects(SKOS.broader)
        if isinstance(concept, URIRef) and isinstance(broader, URIRef)
    }
    while pending:
        placed = {(c, b) for c, b in pending if b in levels}
        if not placed:
            raise ValueError(f"{SCHEME_TTL.name}: broader chain without a top concept")
        for concept, broader in placed:
            levels[concept] = levels[broader] + 1
        pending -= placed
    return levels


@cache
def _categories() -> _CategoryIndex:
    scheme = Graph().parse(SCHEME_TTL, format="turtle")
    levels = _concept_levels(scheme)
    by_notation: dict[str, URIRef] = {}
    by_label: dict[tuple[int, str], URIRef] = {}
    for concept, level in levels.items():
        for notation in scheme.objects(concept, SKOS.notation):
            by_notation[str(notation)] = concept
        for predicate in (SKOS.prefLabel, SKOS.altLabel):
            for label in scheme.objects(concept, predicate):
                if not (isinstance(label, Literal) and label.language == "zh"):
                    continue
                key = (level, _label_key(label))
                if by_label.setdefault(key, concept) != concept:
                    raise ValueError(f"{SCHEME_TTL.name}: label {label!r} names two concepts")
    return _CategoryIndex(by_notation, by_label, levels)


def category_by_notation(code: str) -> URIRef | None:
    """The indicator category with the official code ``code`` ("1", "22"), or None."""
    return _categories().by_notation.get(_label_key(code))


def category_level(concept: URIRef) -> int | None:
    """1 for a level-1 category (一级指标), 2 for a level-2 one (二级指标), None otherwise."""
    return _categories().level.get(concept)


def category_for_label(text: str, level: int) -> URIRef | None:
    """The category of ``level`` (1 or 2) that a table names with ``text``, or None.

    ``text`` matches a concept's ``skos:prefLabel`` or ``skos:altLabel`` in ``@zh``, ignoring
    whitespace and full-width forms: "产出指标", "产出", "社会效益". It may carry the official
    code in front, "22-社会效益" or just "22-"; the code must then be of that level and agree with
    the label, else the result is None.
    """
    index = _categories()
    key = _label_key(text)
    coded = _CODED_LABEL.fullmatch(key)
    if coded is None:
        return index.by_label.get((level, key))
    concept = index.by_notation.get(coded[1])
    if concept is None or index.level[concept] != level:
        return None
    if coded[2] and index.by_label.get((level, coded[2])) != concept:
        return None
    return concept
