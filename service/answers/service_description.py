"""The SPARQL 1.1 Service Description of ``/sparql`` (what ``GET /sparql`` answers)."""

from __future__ import annotations

import pyoxigraph as ox

from jixiao.service import formats
from jixiao.service.settings import Settings

__all__ = ["MAX_LISTED_GRAPHS", "describe_service"]

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMATS = "http://www.w3.org/ns/formats/"
MAX_LISTED_GRAPHS = 1000

RESULT_FORMATS = tuple(f.w3c for f in formats.FORMATS)
INPUT_FORMATS = tuple(f.w3c for f in formats.FORMATS if f.kind != "results")


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe_service(endpoint: str, settings: Settings, named_graphs: list[str]) -> list[ox.Quad]:
    """The description's triples (in the default graph) for the endpoint IRI ``endpoint``."""
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    triples: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, object]] = [
        (service, RDF_TYPE, _sd("Service")),
        (service, _sd("endpoint"), ox.NamedNode(endpoint)),
        (service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        (service, _sd("supportedLanguage"), _sd("SPARQL11Update")),
        (service, _sd("feature"), _sd("UnionDefaultGraph")),
        (service, _sd("feature"), _sd("BasicFederatedQuery") if settings.allow_external else None),
        (
            service,
            _sd("defaultEntailmentRegime"),
            ox.NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        (service, _sd("defaultDataset"), dataset),
        (dataset, RDF_TYPE, _sd("Dataset")),
        (dataset, _sd("defaultGraph"), default_graph),
        (default_graph, RDF_TYPE, _sd("Graph")),
    ]
    triples += [(service, _sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS]
    triples += [(service, _sd("inputFormat"), ox.NamedNode(FORMATS + f)) for f in INPUT_FORMATS]
    for index, name in enumerate(named_graphs[:MAX_LISTED_GRAPHS]):
        node = ox.BlankNode(f"named{index}")
        graph = ox.BlankNode(f"graph{index}")
        triples += [
            (dataset, _sd("namedGraph"), node),
            (node, RDF_TYPE, _sd("NamedGraph")),
            (node, _sd("name"), ox.NamedNode(name)),
            (node, _sd("graph"), graph),
            (graph, RDF_TYPE, _sd("Graph")),
        ]
    return [ox.Quad(s, p, o) for s, p, o in triples if o is not None]  # type: ignore[arg-type]
