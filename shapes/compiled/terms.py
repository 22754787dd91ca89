"""rdflib terms in an Oxigraph store and back, exactly enough for validation reports.

Documents arrive as rdflib triples and are loaded as N-Triples written by Oxigraph's own terms
(fast, and escaped as Oxigraph wants). Oxigraph keeps a literal by its value —
``"100.00"^^xsd:decimal`` comes back as ``"100"``, ``"x"@zh-CN`` as ``"x"@zh-cn`` — so each
literal of a batch is remembered under that value (:func:`literal_key`) and an answer is
mapped back to the document's own literal when only one can be meant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.store import Store
from rdflib.term import Node

__all__ = ["StoreView", "Terms", "literal_key", "ox_term", "rdflib_literal"]

# What pySHACL's sh:datatype accepts as the value of a literal of these types.
_VALUE_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int,
    XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date,
    XSD.time: time, XSD.dateTime: datetime,
}  # fmt: skip


def ill_typed(literal: Literal) -> bool:
    """Whether pySHACL's sh:datatype refuses ``literal`` even for its own datatype."""
    if literal.ill_typed:
        return True
    expected = _VALUE_TYPES.get(literal.datatype) if literal.datatype else None
    return expected is not None and not isinstance(literal.value, expected)


def literal_key(literal: Literal) -> tuple[Any, ...]:
    """What Oxigraph keeps of a literal: its value, or its text when it has no value."""
    if literal.language:
        return ("@", str(literal), literal.language.lower())
    datatype = literal.datatype or XSD.string
    if literal.ill_typed or literal.value is None or isinstance(literal.value, float):
        return (datatype, str(literal))
    return (datatype, literal.value)


def ox_term(term: Node) -> Any:
    """The Oxigraph term of an rdflib term (ValueError for what Oxigraph refuses)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if isinstance(term, Literal) and term.language:
        return ox.Literal(str(term), language=term.language)
    if isinstance(term, Literal):
        return ox.Literal(str(term), datatype=ox.NamedNode(term.datatype or XSD.string))
    raise ValueError(f"not an RDF term: {term!r}")


def rdflib_literal(term: ox.Literal) -> Literal:
    """An Oxigraph literal as rdflib writes it (Oxigraph's lexical form)."""
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


class Terms:
    """The terms of one batch: their N-Triples, and the literals behind Oxigraph's answers."""

    def __init__(self) -> None:
        self._text: dict[Node, str] = {}
        self._literals: dict[tuple[Any, ...], set[Literal]] = {}
        self._blanks: dict[str, BNode] = {}
        self.ill_typed: list[str] = []  # N-Triples of the ill-typed literals seen

    def text(self, term: Node) -> str:
        """The term in N-Triples (ValueError for what Oxigraph refuses)."""
        text = self._text.get(term)
        if text is None:
            text = self._text[term] = str(ox_term(term))
            if isinstance(term, Literal):
                self._literals.setdefault(literal_key(term), set()).add(term)
                if term.datatype and ill_typed(term):
                    self.ill_typed.append(text)
            elif isinstance(term, BNode):
                self._blanks[str(term)] = term
        return text

    def ntriples(self, triples: Iterable[tuple[Node, Node, Node]]) -> tuple[str, list[Any]]:
        """N-Triples of the triples without blank nodes; the triples with blank nodes (their
        labels survive only when they are added as terms)."""
        known, text = self._text.get, self.text
        lines, blank = [], []
        for triple in triples:
            s, p, o = triple
            subject, obj = known(s) or text(s), known(o) or text(o)
            if subject[0] == "_" or obj[0] == "_":
                blank.append(triple)
            else:
                lines.append(f"{subject} {known(p) or text(p)} {obj} .\n")
        return "".join(lines), blank

    def candidates(self, term: ox.Literal) -> set[Literal]:
        """The literals of the batch that Oxigraph answers as ``term``."""
        return self._literals.get(literal_key(rdflib_literal(term)), set())

    def node(self, term: Any) -> Node:
        """The rdflib term of an answer (a literal in Oxigraph's form if it may be several)."""
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return self._blanks.get(term.value) or BNode(term.value)
        candidates = self.candidates(term)
        return next(iter(candidates)) if len(candidates) == 1 else rdflib_literal(term)


class StoreView(Store):
    """One named graph of an Oxigraph store, read through rdflib (for locating results).

    ``ambiguous`` turns true when a look-up finds several triples (other than rdf:type): the
    report then takes the first, and only rdflib's own graph has pySHACL's order.
    """

    def __init__(self, store: ox.Store, graph: ox.NamedNode, terms: Terms) -> None:
        super().__init__()
        self._store, self._graph, self._terms = store, graph, terms
        self._seen: dict[tuple[Node | None, ...], list[tuple[Node, Node, Node]]] = {}
        self.ambiguous = False

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        pattern = tuple(triple_pattern)
        if pattern not in self._seen:
            self._seen[pattern] = self._look_up(*pattern)
        for triple in self._seen[pattern]:
            yield triple, iter(())

    def _look_up(self, s: Node | None, p: Node | None, o: Node | None) -> list[Any]:
        if isinstance(s, Literal):
            return []
        terms = (None if t is None else ox_term(t) for t in (s, p, o))
        quads = list(self._store.quads_for_pattern(*terms, self._graph))  # type: ignore[call-arg]
        if len(quads) > 1 and p != RDF.type:
            self.ambiguous = True
        node = self._terms.node
        return [(node(q.subject), node(q.predicate), node(q.object)) for q in quads]

    def __len__(self, context: Any = None) -> int:
        return len(list(self._store.quads_for_pattern(None, None, None, self._graph)))
