"""The shapes' worked examples (``shapes/examples/*.ttl``): a base document that draws no
result, and patch files, each meant to be applied to it by :func:`apply_patch`."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace, URIRef

from jixiao.shapes.validate import SHAPES_TTL

EXAMPLES = SHAPES_TTL.with_name("examples")
BASE_EXAMPLE = EXAMPLES / "base.ttl"
JXE = Namespace("https://w3id.org/jixiao/shapes/examples#")


def apply_patch(graph: Graph, patch_file: Path) -> set[URIRef]:
    """Apply an example patch to ``graph``: every subject and predicate the patch names has
    its values replaced by the patch's (``jxe:none`` leaves none). Returns the shapes the
    patch says it also trips (``jxe:alsoFires``)."""
    patch = Graph().parse(patch_file)
    also = {o for o in patch.objects(JXE.this, JXE.alsoFires) if isinstance(o, URIRef)}
    patch.remove((JXE.this, None, None))
    for s, p in {(s, p) for s, p, _ in patch}:
        graph.remove((s, p, None))
    for s, p, o in patch:
        if o != JXE.none:
            graph.add((s, p, o))
    return also
