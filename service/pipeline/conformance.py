"""Checking many files against the shapes in one run: what ``jixiao validate`` does for CI.

The files are found as ``jixiao ingest`` finds them (:mod:`.corpus`: a folder's tables, years
from ``--year``, the folder's manifest or the file names), plus RDF files (``.ttl``,
``.jsonld``, ``.nt``), which need no year. Each file is read and mapped on its own — a file
that cannot be read is one line of :class:`FileOutcome` and the others still go on — and the
readable ones are validated a few at a time, so the shapes run once per chunk and a progress
bar moves as files are done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from jixiao.ingest.errors import JixiaoError
from jixiao.ingest.iris import IriMinter
from jixiao.ingest.mapping import MappedDocument
from jixiao.ingest.source import map_source
from jixiao.service.pipeline.sources import (
    MAX_INPUT_BYTES,
    manifest_years,
    read_source,
    source_of,
    table_files,
)
from jixiao.shapes.ci_reports import FileOutcome
from jixiao.shapes.report import Report
from jixiao.shapes.validate import (
    RDF_SUFFIXES,
    parse_rdf,
    validate_documents,
    validate_graphs,
)

if TYPE_CHECKING:
    from jixiao.shapes.extra import ExtraShapes

__all__ = ["Checked", "check_files", "files_in"]

_CHUNK = 8  # files validated together: the shapes run once per chunk


@dataclass(frozen=True, slots=True)
class Checked:
    """A file to check: a table with its year, an RDF file, or why it cannot be (one line)."""

    path: Path
    year: int | None = None
    rdf: str | None = None  # the rdflib parser of an RDF file
    error: str | None = None

    @property
    def title(self) -> str:
        """The report's title: ``table.txt (2025)`` or ``graph.ttl``."""
        return self.path.name if self.year is None else f"{self.path.name} ({self.year})"


def _one_line(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text


def _file(path: Path, year: int | None) -> Checked:
    rdf = RDF_SUFFIXES.get(path.suffix.lower())
    if rdf is not None:
        return Checked(path, rdf=rdf)
    try:
        return Checked(path, source_of(path, year).year)
    except JixiaoError as exc:
        return Checked(path, error=_one_line(exc))


def files_in(paths: Sequence[Path], year: int | None = None) -> list[Checked]:
    """The files named by ``paths``: files as given; of a folder, its tables and RDF files."""
    found: list[Checked] = []
    for path in paths:
        if not path.is_dir():
            found.append(_file(path, year))
            continue
        try:
            manifest = manifest_years(path)
        except JixiaoError as exc:
            found.append(Checked(path, error=_one_line(exc)))
            continue
        tables = table_files(path)
        rdf = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in RDF_SUFFIXES)
        if not tables and not rdf:
            found.append(Checked(path, error=f"{path}: no tables or RDF files in this folder"))
        for file in sorted([*tables, *rdf]):
            found.append(_file(file, year or manifest.get(file.name)))
    return found


def _chunks(files: Sequence[Checked]) -> Iterator[Sequence[Checked]]:
    for start in range(0, len(files), _CHUNK):
        yield files[start : start + _CHUNK]


def check_files(
    files: Sequence[Checked],
    *,
    base_iri: str,
    engine: str = "oxigraph",
    extra: ExtraShapes | None = None,
    done: Callable[[int], None] = lambda n: None,
    context_hosts: frozenset[str] = frozenset(),
    max_bytes: int = MAX_INPUT_BYTES,
) -> list[FileOutcome]:
    """Read, map and validate each file; one outcome per file, in order.

    ``done(n)`` is called as each chunk of ``n`` files is finished (for a progress bar);
    a JSON-LD file's contexts are fetched only from ``context_hosts``; a file over
    ``max_bytes`` is unreadable.
    """
    minter = IriMinter(base_iri)
    outcomes: list[FileOutcome] = []
    for chunk in _chunks(files):
        started = time.perf_counter()
        mapped: dict[int, MappedDocument] = {}
        graphs: dict[int, Graph] = {}
        errors: dict[int, str] = {}
        for index, file in enumerate(chunk):
            try:
                if file.error is not None:
                    errors[index] = file.error
                    continue
                data = read_source(file.path, max_bytes)
                if file.rdf is not None:
                    name = file.path.name
                    graphs[index] = parse_rdf(data, file.rdf, name, context_hosts=context_hosts)
                else:
                    assert file.year is not None
                    mapped[index] = map_source(data, file.path.name, file.year, minter)
            except JixiaoError as exc:
                errors[index] = _one_line(exc)
        reports: dict[int, Report] = {}
        tables = validate_documents(
            list(mapped.values()),
            titles=[chunk[i].title for i in mapped],
            base_iri=base_iri,
            engine=engine,
            extra=extra,
        )
        reports.update(zip(mapped, tables, strict=True))
        if graphs:
            rdf_reports = validate_graphs(
                list(graphs.values()),
                titles=[chunk[i].title for i in graphs],
                base_iri=base_iri,
                engine=engine,
                extra=extra,
            )
            reports.update(zip(graphs, rdf_reports, strict=True))
        share = (time.perf_counter() - started) / max(len(chunk), 1)
        for index, file in enumerate(chunk):
            shown = str(file.path)
            if index in errors:
                outcomes.append(FileOutcome(shown, error=_named(errors[index], file.path)))
            else:
                outcomes.append(FileOutcome(shown, report=reports[index], seconds=share))
        done(len(chunk))
    return outcomes


def _named(error: str, path: Path) -> str:
    """The error, naming the file by its path as given (readers name it by its name)."""
    if error.startswith(str(path)):
        return error
    if error.startswith(path.name):
        return str(path) + error.removeprefix(path.name)
    return f"{path}: {error}"
