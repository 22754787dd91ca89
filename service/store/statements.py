"""Triples written once as N-Triples statements, for every kind of write to a store.

A graph write goes to Oxigraph as N-Quads or as SPARQL Update text, and to a remote store as
SPARQL Update text; all of them are made of the same ``s p o .`` statements. Writing them
once, where the triples are made, lets a corpus ingest's worker processes write them and send
the loading process plain strings instead of rdflib terms (which are slower to pickle and much
slower to unpickle, each IRI checked again).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

__all__ = ["Statements", "Triples", "nt"]


def nt(term: object) -> str:
    """A term of rdflib or pyoxigraph in N-Triples syntax, written by pyoxigraph (which
    escapes line breaks where rdflib's ``n3()`` writes a long string); ValueError for an IRI,
    language tag or datatype that RDF does not allow."""
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return str(ox.Literal(str(term), datatype=datatype))
    if isinstance(term, URIRef):
        return str(ox.NamedNode(str(term)))
    return term.n3() if isinstance(term, Node) else str(term)


@dataclass(frozen=True, slots=True)
class Statements:
    """A graph's triples as N-Triples statements (``s p o .``), those without blank nodes
    apart from those with them (a remote store may need them inserted another way)."""

    plain: list[str]
    blank: list[str]

    def __len__(self) -> int:
        return len(self.plain) + len(self.blank)

    def __iter__(self) -> Iterator[str]:
        yield from self.plain
        yield from self.blank

    @classmethod
    def of(cls, triples: Triples) -> Statements:
        """The statements of ``triples`` (rdflib or pyoxigraph terms, each written once);
        ValueError for a term RDF does not allow."""
        if isinstance(triples, Statements):
            return triples
        written: dict[object, str] = {}
        plain: list[str] = []
        blank: list[str] = []
        for triple in triples:
            terms = []
            for term in triple:
                text = written.get(term)
                if text is None:
                    text = written[term] = nt(term)
                terms.append(text)
            subject, predicate, obj = terms
            line = f"{subject} {predicate} {obj} ."
            (blank if subject[0] == "_" or obj[0] == "_" else plain).append(line)
        return cls(plain, blank)


# What a graph write takes: rdflib or pyoxigraph triples, or their statements already written.
Triples = Iterable[tuple[Node, Node, Node]] | Iterable[ox.Triple] | Statements
