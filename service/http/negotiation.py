"""Content negotiation, table-driven: media types, format keys, ``Accept`` q-values, suffixes.

Which media type is which serialisation comes from the one table of formats
(:mod:`jixiao.service.formats`); :data:`MEDIA_TYPES` and :data:`SUFFIXES` are derived from it.
:func:`negotiate` picks the best of the server's offers for an ``Accept`` header (RFC 9110
.12.5.1: the most specific matching range sets an offer's q; ties go to the server's order).
:func:`split_suffix` reads ``.ttl``/``.jsonld``/``.nt``-style overrides off a path, for
linked-data pages.

>>> negotiate("text/turtle;q=0.5, application/ld+json", RDF_OFFERS)
'application/ld+json'
>>> negotiate("image/png", RDF_OFFERS) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.service.formats import FORMATS, by_key, by_media

__all__ = [
    "BOOLEAN_OFFERS",
    "DATASET_OFFERS",
    "MEDIA_TYPES",
    "RDF_OFFERS",
    "SOLUTIONS_OFFERS",
    "SUFFIXES",
    "MediaRange",
    "format_of",
    "media_type_of",
    "negotiate",
    "parse_accept",
    "split_suffix",
]

# media type → (format key, what it serialises: "results", "graph" or "dataset")
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    media: (f.key, f.kind) for f in FORMATS for media in f.media_types
}

# What the server offers, best first (the first is the default for ``*/*`` or no Accept).
SOLUTIONS_OFFERS: tuple[str, ...] = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
)
BOOLEAN_OFFERS: tuple[str, ...] = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "application/json",
    "application/xml",
    "text/csv",
    "text/tab-separated-values",
)
RDF_OFFERS: tuple[str, ...] = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
    "application/x-turtle",
)
DATASET_OFFERS: tuple[str, ...] = ("application/n-quads", "application/trig")

# Path suffix → media type (the override a linked-data URL may carry).
SUFFIXES: dict[str, str] = {suffix: f.media_type for f in FORMATS for suffix in f.suffixes}


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One entry of an ``Accept`` header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 if this range does not match ``media_type``; else 0 (*/*), 1 (x/*) or 2."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed entries are skipped."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        main, slash, sub = fields[0].lower().partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for field in fields[1:]:
            name, _, value = field.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main.strip(), sub.strip(), q))
    return ranges


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The best of ``offers`` for an ``Accept`` header, or None if none is acceptable.

    No header (or an empty one) accepts anything: the first offer wins.
    """
    if not offers:
        return None
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]  # no header, or nothing readable in it: no preference
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for index, offer in enumerate(offers):
        matches = [(r.specificity(offer), r.q) for r in ranges]
        specific = max((s for s, _ in matches), default=-1)
        if specific < 0:
            continue
        q = max(q for s, q in matches if s == specific)
        if q <= 0:
            continue
        key = (q, -index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def format_of(media_type: str) -> str:
    """The format key (:mod:`jixiao.service.formats`) of a media type in :data:`MEDIA_TYPES`."""
    found = by_media(media_type)
    if found is None:
        raise KeyError(media_type)
    return found.key


def media_type_of(fmt: str) -> str:
    """The media type a format key is served as."""
    return by_key(fmt).media_type


def split_suffix(
    path: str, allowed: Sequence[str] = (".ttl", ".jsonld", ".nt")
) -> tuple[str, str | None]:
    """``("a/b", "text/turtle")`` for ``"a/b.ttl"``; ``(path, None)`` without a known suffix."""
    for suffix in allowed:
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], SUFFIXES[suffix]
    return path, None
