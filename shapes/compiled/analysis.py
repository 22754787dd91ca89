"""What parsing each SELECT of the built-in shapes finds, written to
``sparql-analysis.json`` (:data:`~.sparql_rules.ANALYSED`) so a cold start skips rdflib's SPARQL
parser: ``python -m jixiao.shapes.compiled.analysis`` writes it anew after the shapes change."""

from __future__ import annotations

import json

from rdflib import Graph

from jixiao.shapes.compiled.compiler import compile_shapes
from jixiao.shapes.compiled.sparql_rules import ANALYSED, fresh_analysis
from jixiao.shapes.validate import shapes_graph

__all__ = ["analysed_rules"]


def analysed_rules(shapes: Graph) -> dict[str, list[list[str]]]:
    """The analysis of every SELECT of ``shapes``, parsed afresh (what ANALYSED holds)."""
    with fresh_analysis() as table:
        compile_shapes(shapes)
    return dict(sorted(table.items()))


if __name__ == "__main__":
    rules = analysed_rules(shapes_graph())
    ANALYSED.write_text(json.dumps(rules, indent=1) + "\n", encoding="utf-8")
    print(f"{ANALYSED}: {len(rules)} SELECTs")
