"""The ingest pipeline: read → map → validate → load, for one source document.

Reading and mapping are pure (``jixiao.ingest``); this module adds the store. A document's
graph is replaced in one transaction, so a failure at any step leaves the store as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from jixiao.ingest.errors import ValidationFailed
from jixiao.ingest.iris import IriMinter
from jixiao.ingest.linking.overrides import Overrides
from jixiao.ingest.mapping import MappedDocument
from jixiao.ingest.source import read_and_map
from jixiao.ingest.years import check_year
from jixiao.service.pipeline.sources import MAX_INPUT_BYTES, read_source
from jixiao.shapes.report import Report
from jixiao.shapes.validate import validate_document

if TYPE_CHECKING:  # the store and linking only for loading: validating starts faster
    from jixiao.service.store.base import Store

__all__ = [
    "SEEDS",
    "IngestResult",
    "ingest_file",
]

# The bundled seed tables: (file name in jixiao.ingest/seeds, budget year)
SEEDS: tuple[tuple[str, int], ...] = (
    ("gzast-2023-project-performance-targets.txt", 2023),
    ("gzast-2025-project-performance-targets.txt", 2025),
)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one ingest loaded."""

    document: URIRef
    year: int
    units: int
    projects: int
    indicators: int
    triples: int
    seconds: float


def load_mapped(mapped: MappedDocument, store: Store, minter: IriMinter) -> None:
    """Replace the document's graph and add its organisations, in one transaction."""
    store.replace_graphs(
        [(mapped.iri, mapped.triples)],
        add=[(minter.organizations_graph, mapped.organization_triples)],
    )


def validate_mapped(
    mapped: MappedDocument,
    minter: IriMinter,
    title: str,
    fail_on: str = "violation",
    engine: str = "oxigraph",
) -> Report:
    """Validate a mapped document; :class:`ValidationFailed` (with the report) if it fails.

    ``engine`` is the compiled one by default; ``"pyshacl"`` gives the same report, slower.
    """
    report = validate_document(mapped, base_iri=minter.base, title=title, engine=engine)
    if report.fails(fail_on):
        counts = report.counts
        raise ValidationFailed(
            f"{title} refused, nothing loaded: {counts['Violation']} violations, "
            f"{counts['Warning']} warnings (fail on {fail_on})",
            report,
        )
    return report


def ingest_bytes(
    data: bytes,
    source_name: str,
    year: int,
    store: Store,
    minter: IriMinter,
    overrides: Overrides | None = None,
    *,
    fail_on: str = "violation",
) -> IngestResult:
    """Read, map, validate and load one document; the store is untouched unless all succeed.

    A document that violates the shapes (or, with ``fail_on="warning"``, draws warnings) is
    refused with :class:`ValidationFailed`, whose ``report`` says why, row by row.
    """
    started = time.perf_counter()
    read = read_and_map(data, source_name, check_year(year), minter)
    mapped = read.mapped
    validate_mapped(mapped, minter, f"{source_name} ({mapped.year})", fail_on)
    from jixiao.service.pipeline.linking import update_series
    from jixiao.service.store.factory import load_vocabulary

    load_vocabulary(store)
    load_mapped(mapped, store, minter)
    update_series(store, minter, overrides)  # the series graph follows what is loaded
    return IngestResult(
        document=mapped.iri,
        year=mapped.year,
        units=read.units,
        projects=read.projects,
        indicators=read.indicators,
        triples=len(mapped.triples) + len(mapped.organization_triples),
        seconds=time.perf_counter() - started,
    )


def ingest_file(
    path: Path,
    year: int,
    store: Store,
    minter: IriMinter,
    overrides: Overrides | None = None,
    *,
    fail_on: str = "violation",
    max_bytes: int = MAX_INPUT_BYTES,
) -> IngestResult:
    """Ingest one source file (the file's name, not its path, is recorded)."""
    data = read_source(path, max_bytes)
    return ingest_bytes(data, path.name, year, store, minter, overrides, fail_on=fail_on)


def seed_files() -> list[tuple[bytes, str, int]]:
    """The bundled seed tables as (bytes, file name, year)."""
    folder = files("jixiao.ingest").joinpath("seeds")
    return [(folder.joinpath(name).read_bytes(), name, year) for name, year in SEEDS]
