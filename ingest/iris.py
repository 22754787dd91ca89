"""Minting instance IRIs: deterministic, under a configurable base.

The same source document always yields the same IRIs, on any machine and in any order of
ingest. Organisations are keyed by their names (so a funding unit keeps its IRI across
budget years); a document by its department and budget year (so a corrected table of the
same year replaces the old one); rows by their position in the document.

Names enter IRIs as a short SHA-256 key of their NFC form, not as text: names carry quotes,
brackets and slashes, and an opaque key never needs escaping. The label says the name.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from rdflib import URIRef

__all__ = ["DEFAULT_BASE", "IriMinter", "name_key"]

DEFAULT_BASE = "https://w3id.org/jixiao/id/"


def name_key(*names: str) -> str:
    """A 12-hex-digit key for one or more names (joined with NUL so parts cannot run together)."""
    text = "\x00".join(unicodedata.normalize("NFC", n.strip()) for n in names)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class IriMinter:
    """Mints every instance IRI of jixiao from one base (ending in ``/`` or ``#``)."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            raise ValueError(f"the IRI base must end with '/' or '#': {self.base!r}")

    def department(self, department: str) -> URIRef:
        return URIRef(f"{self.base}dept/{name_key(department)}")

    def funding_unit(self, department: str, unit: str) -> URIRef:
        return URIRef(f"{self.base}unit/{name_key(department, unit)}")

    def document(self, department: str, year: int) -> URIRef:
        return URIRef(f"{self.base}doc/{name_key(department)}/{year}")

    def source_file(self, document: URIRef) -> URIRef:
        return URIRef(f"{document}/source")

    def unit_budget(self, document: URIRef, department: str, unit: str) -> URIRef:
        return URIRef(f"{document}/unit/{name_key(department, unit)}")

    def project(self, document: URIRef, row_number: int) -> URIRef:
        return URIRef(f"{document}/project/{row_number}")

    def indicator(self, project: URIRef, position: int) -> URIRef:
        return URIRef(f"{project}/indicator/{position}")

    def target(self, indicator: URIRef, kind: str) -> URIRef:
        return URIRef(f"{indicator}/{kind}")

    def series(self, department: str, unit: str, key: str) -> URIRef:
        return URIRef(f"{self.base}series/{name_key(department, unit)}/{key}")

    @property
    def organizations_graph(self) -> URIRef:
        """The graph describing departments and funding units (shared by all documents)."""
        return URIRef(f"{self.base}graph/organizations")

    @property
    def series_graph(self) -> URIRef:
        """The graph of derived cross-year links (series and indicator continuity)."""
        return URIRef(f"{self.base}graph/series")
