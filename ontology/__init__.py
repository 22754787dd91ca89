"""The jixiao vocabulary (``jx:``), the SKOS scheme of indicator categories (``jxc:``), and
the one prefix map.

:data:`PREFIXES` and :func:`sparql_prologue` are defined here, on plain strings, so a query
worker process that only writes Turtle with them starts without rdflib. Everything else —
``JX``, ``JXC``, the IRIs, the category look-ups, :func:`vocabulary_graph` — is in
:mod:`.vocabulary` (rdflib) and is loaded from there on first use of its name here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jixiao.ontology.vocabulary import JX as JX
    from jixiao.ontology.vocabulary import JXC as JXC
    from jixiao.ontology.vocabulary import ONTOLOGY_IRI as ONTOLOGY_IRI
    from jixiao.ontology.vocabulary import ONTOLOGY_TTL as ONTOLOGY_TTL
    from jixiao.ontology.vocabulary import SCHEME_IRI as SCHEME_IRI
    from jixiao.ontology.vocabulary import SCHEME_TTL as SCHEME_TTL
    from jixiao.ontology.vocabulary import category_by_notation as category_by_notation
    from jixiao.ontology.vocabulary import category_for_label as category_for_label
    from jixiao.ontology.vocabulary import category_level as category_level
    from jixiao.ontology.vocabulary import vocabulary_graph as vocabulary_graph

__all__ = [
    "JX",
    "JXC",
    "ONTOLOGY_IRI",
    "ONTOLOGY_TTL",
    "PREFIXES",
    "SCHEME_IRI",
    "SCHEME_TTL",
    "category_by_notation",
    "category_for_label",
    "category_level",
    "sparql_prologue",
    "vocabulary_graph",
]

# The one prefix map: Turtle and JSON-LD output, SPARQL prologues, the query page, CURIEs.
PREFIXES: dict[str, str] = {
    "jx": "https://w3id.org/jixiao/ontology#",
    "jxc": "https://w3id.org/jixiao/indicator-category/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
}


def sparql_prologue(*names: str) -> str:
    """``PREFIX`` lines for ``names`` (every prefix of :data:`PREFIXES` when none is named),
    aligned, each ending in a newline."""
    names = names or tuple(PREFIXES)
    width = max(len(n) for n in names) + 1
    return "".join(f"PREFIX {(n + ':').ljust(width)} <{PREFIXES[n]}>\n" for n in names)


def __getattr__(name: str) -> object:
    """The rdflib side (:mod:`.vocabulary`), imported on first use."""
    if name in __all__:
        return getattr(importlib.import_module("jixiao.ontology.vocabulary"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
