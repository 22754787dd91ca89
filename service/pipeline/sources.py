"""Which tables a command is given: files and folders, each table with its budget year.

``jixiao ingest`` and ``jixiao validate`` find their tables the same way: a file as given, a
folder's tables (``*.txt``, ``*.xlsx``, ``*.xls``, ``*.pdf``) in name order; the year from
``--year``, else the folder's ``manifest.json`` (as the synthetic corpus writes it), else the
one year in the file's name (``…-2025.txt``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jixiao.ingest.errors import InputError, UsageError
from jixiao.ingest.years import check_year, year_in_name
from jixiao.service.settings import Settings

__all__ = [
    "MAX_INPUT_BYTES",
    "SOURCE_SUFFIXES",
    "Source",
    "manifest_years",
    "read_source",
    "source_of",
    "sources_in",
    "table_files",
    "too_large",
]

# what a folder's tables are named: each is then read by what its content is, not its name
SOURCE_SUFFIXES = (".txt", ".xlsx", ".xls", ".pdf")


@dataclass(frozen=True, slots=True)
class Source:
    """One source table and its budget year."""

    path: Path
    year: int


def sources_in(paths: Sequence[Path], year: int | None = None) -> list[Source]:
    """The tables named by ``paths`` (files, or folders of ``*.txt``, ``*.xlsx``, ``*.xls``
    and ``*.pdf``), each with its year.

    The year is ``year`` when given; else a folder's ``manifest.json`` (``files`` entries of
    ``file`` and ``year``, as the synthetic corpus writes) or the year in the file's name.
    """
    sources: list[Source] = []
    for path in paths:
        if path.is_dir():
            manifest = manifest_years(path)
            for file in table_files(path):
                sources.append(source_of(file, year or manifest.get(file.name)))
        else:
            sources.append(source_of(path, year))
    return sources


def table_files(folder: Path) -> list[Path]:
    """The source tables of a folder, in name order: its files named by
    :data:`SOURCE_SUFFIXES` (so a manifest or a note beside them is left alone)."""
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in SOURCE_SUFFIXES and path.is_file()
    )


def manifest_years(folder: Path) -> dict[str, int]:
    """The year of each file a folder's ``manifest.json`` lists (none without one)."""
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return {}
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        return {str(e["file"]): check_year(e["year"]) for e in entries}
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a corpus manifest: {exc}", file=str(manifest)) from None


def source_of(path: Path, year: int | None) -> Source:
    """``path`` with ``year``, or else the year in its name (:class:`UsageError` if none)."""
    found = year if year is not None else year_in_name(path.name)
    if found is None:
        raise UsageError(f"{path}: no budget year in its name; give --year")
    return Source(path, check_year(found))


MAX_INPUT_BYTES: int = Settings.model_fields["max_input_bytes"].default


def read_source(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of an input file, or :class:`InputError` if it cannot be read or holds more
    than ``max_bytes`` (``/dev/zero`` is refused after ``max_bytes + 1``, not read for ever)."""
    try:
        with path.open("rb") as source:
            data = source.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    if len(data) > max_bytes:
        raise InputError(too_large(max_bytes), file=str(path))
    return data


def too_large(max_bytes: int) -> str:
    return f"larger than {max_bytes} bytes (the limit JIXIAO_MAX_INPUT_BYTES)"
