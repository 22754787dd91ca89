"""How many triples :func:`~jixiao.ingest.mapping.map_table` writes for each part of a source table.

The synthetic corpus (:mod:`.synthetic`) counts the triples of every table it writes exactly, as
it renders it (:mod:`.render`, :meth:`.SyntheticIndicator.triples`), and estimates
them per project while planning (:mod:`.plan`). When the mapping changes what it
writes, these numbers change with it (tests/ingest/test_synthetic.py checks them against map_table).
"""

from __future__ import annotations

__all__ = [
    "DOCUMENT_TRIPLES",
    "INDICATOR_TRIPLES",
    "PROJECT_ESTIMATE",
    "PROJECT_TRIPLES",
    "TARGET_TRIPLES",
    "UNIT_TRIPLES",
]

DOCUMENT_TRIPLES = 19 + 2  # the document and its source file; the department
UNIT_TRIPLES = 10 + 3  # the unit budget; the funding unit
PROJECT_TRIPLES = 12
INDICATOR_TRIPLES = 8  # + 2 for the level-2 category in the coded layout
TARGET_TRIPLES = 4
# Mean triples per project by layout, measured on large corpora (for planning only).
PROJECT_ESTIMATE = {"labelled": 137.0, "coded": 210.0}
