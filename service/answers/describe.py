"""What the store says about one resource: the SPARQL behind the linked-data pages.

:func:`resource_rdf` gathers a resource's triples (outgoing, and incoming up to a cap) as a
CONSTRUCT result ready to serialise; :func:`describe` gathers what its HTML page shows:
labels, types, properties, incoming links, and for projects, documents and series the tables
that make them readable.

Only IRIs that pass :func:`checked_iri` ever enter a query: the IRI comes from a URL, and a
strict check (no spaces, quotes, angle brackets or other characters an IRI may not hold) is
what makes embedding it as ``<…>`` safe for every store backend, remote ones included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from jixiao.ontology import PREFIXES, sparql_prologue
from jixiao.service.formats import by_media
from jixiao.service.store.base import QueryResult, query_store

__all__ = [
    "INCOMING_LIMIT",
    "Description",
    "Link",
    "PageTask",
    "Queries",
    "Term",
    "UnionQueries",
    "checked_iri",
    "describe",
    "natural_key",
    "resource_bytes",
    "resource_rdf",
]

INCOMING_LIMIT = 500
"""Most incoming links gathered for one resource (the page says when there are more)."""

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
JX = PREFIXES["jx"]

# RFC 3987 IRIs: a scheme, then no control characters, spaces or <>"{}|^`\ characters.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\\x7f-\x9f]*")

_PREFIXES = sparql_prologue("jx", "rdfs", "skos")
HTML = "text/html"


class Queries(Protocol):
    """What a description needs of a store: SPARQL over the union of its graphs."""

    def query(self, sparql: str) -> QueryResult: ...


_LABEL = "rdfs:label|skos:prefLabel"


def checked_iri(iri: str) -> str | None:
    """``iri`` if it is a well-formed absolute IRI safe to write as ``<iri>``, else None
    (RFC 3987 as Oxigraph reads it: U+FFFD, what a non-UTF-8 ``%FF`` decodes to, is none)."""
    if not _IRI.fullmatch(iri):
        return None
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    return iri


def _bind(template: str, iri: str) -> str:
    """``template`` with ``$this`` replaced by ``<iri>`` (which must pass :func:`checked_iri`)."""
    if checked_iri(iri) is None:
        raise ValueError(f"not an IRI: {iri!r}")
    return _PREFIXES + template.replace("$this", f"<{iri}>")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders digit runs by number: ``…/indicator/2`` before ``…/indicator/10``."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


@dataclass(slots=True)
class Term:
    """An RDF term as a page shows it: an IRI (with its best label), a literal, a blank node."""

    kind: str  # "iri" | "literal" | "bnode"
    value: str
    label: str | None = None
    language: str | None = None
    datatype: str | None = None

    @property
    def text(self) -> str:
        """What to print: the label of an IRI if it has one, else the value."""
        return self.label or self.value


@dataclass(slots=True)
class Link:
    """One property with its values (outgoing) or one incoming link (subject, property)."""

    predicate: Term
    values: list[Term] = field(default_factory=list)


@dataclass(slots=True)
class Description:
    """Everything the HTML page of one resource shows."""

    iri: str
    label: str | None
    types: list[Term]
    properties: list[Link]
    incoming: list[Link]
    incoming_total: int
    indicators: list[dict[str, Term | None]] = field(default_factory=list)
    series: list[dict[str, Term | None]] = field(default_factory=list)
    units: list[dict[str, Term | None]] = field(default_factory=list)
    projects: list[dict[str, Term | None]] = field(default_factory=list)

    @property
    def incoming_truncated(self) -> bool:
        """Whether more resources link here than :data:`INCOMING_LIMIT` (not all are listed)."""
        return self.incoming_total > INCOMING_LIMIT

    @property
    def exists(self) -> bool:
        """Whether the store knows the resource at all (as subject or as object)."""
        return bool(self.properties or self.incoming_total)


# Labels (English, Chinese) of the few outside terms the data uses (their vocabularies are not
# in the store).
KNOWN_LABELS: dict[str, tuple[str, str]] = {
    RDF_TYPE: ("type", "类型"),
    RDFS_LABEL: ("label", "标签"),
    "http://purl.org/dc/terms/title": ("title", "标题"),
    "http://www.w3.org/ns/prov#wasDerivedFrom": ("derived from", "来源"),
    "http://www.w3.org/ns/prov#Entity": ("entity (PROV)", "实体（PROV）"),
    "http://www.w3.org/ns/org#subOrganizationOf": ("sub-organization of", "下属于"),
    "http://www.w3.org/ns/dcat#byteSize": ("byte size", "字节数"),
    "http://www.w3.org/ns/dcat#mediaType": ("media type", "媒体类型"),
    "http://www.w3.org/ns/dcat#Distribution": ("distribution (DCAT)", "分发（DCAT）"),
    "http://www.w3.org/2004/02/skos/core#prefLabel": ("preferred label", "首选标签"),
    "http://www.w3.org/2004/02/skos/core#notation": ("notation", "编码"),
}


class _Labels:
    """Labels gathered from query rows; picks one per term by language preference."""

    def __init__(self, language: str = "en") -> None:
        self._seen: dict[str, list[tuple[str, str]]] = {}
        self._language = language

    def add(self, term: object, label: object) -> None:
        if isinstance(term, ox.NamedNode) and isinstance(label, ox.Literal):
            found = self._seen.setdefault(term.value, [])
            entry = (label.value, (label.language or "").lower())
            if entry not in found:
                found.append(entry)

    def best(self, iri: str) -> str | None:
        found = self._seen.get(iri)
        if not found:
            known = KNOWN_LABELS.get(iri)
            return None if known is None else known[self._language == "zh"]
        other = "en" if self._language == "zh" else "zh"
        order = (self._language, other, "")

        def rank(entry: tuple[str, str]) -> int:
            lang = entry[1].split("-")[0]
            return order.index(lang) if lang in order else len(order)

        return min(found, key=rank)[0]


def _term(node: object, labels: _Labels | None = None) -> Term | None:
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return Term("iri", node.value, labels.best(node.value) if labels else None)
    if isinstance(node, ox.Literal):
        datatype = node.datatype.value if node.datatype else None
        return Term("literal", node.value, language=node.language, datatype=datatype)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    return Term("literal", str(node))


def _rows(result: QueryResult) -> Iterator[dict[str, object]]:
    if not isinstance(result, ox.QuerySolutions):
        return
    names = [v.value for v in result.variables]
    for solution in result:
        yield {name: solution[name] for name in names}


def _select(store: Queries, template: str, iri: str) -> list[dict[str, object]]:
    return list(_rows(store.query(_bind(template, iri))))


_CONSTRUCT = f"""\
CONSTRUCT {{ $this ?p ?o . ?s ?q $this }}
WHERE {{
  {{ $this ?p ?o }}
  UNION
  {{ SELECT ?s ?q WHERE {{ ?s ?q $this }} LIMIT {INCOMING_LIMIT} }}
}}"""


def resource_rdf(store: Queries, iri: str) -> QueryResult:
    """The resource's own triples and (up to :data:`INCOMING_LIMIT`) the triples naming it."""
    return store.query(_bind(_CONSTRUCT, iri))


def resource_bytes(store: Queries, iri: str, media: str) -> bytes | None:
    """:func:`resource_rdf` serialised as ``media`` (an RDF media type; Turtle with jixiao's
    prefixes), or None when the store knows nothing of ``iri``."""
    result = resource_rdf(store, iri)
    found = list(result) if isinstance(result, ox.QueryTriples) else []
    if not found:
        return None
    # In one order whatever the copy of the store (on disk, a worker's replica): the same
    # resource, the same bytes.
    found.sort(key=str)
    fmt = by_media(media)
    assert fmt is not None and isinstance(fmt.oxigraph, ox.RdfFormat), media
    prefixes = PREFIXES if fmt.oxigraph == ox.RdfFormat.TURTLE else None
    return ox.serialize(found, format=fmt.oxigraph, prefixes=prefixes)


_OUTGOING = f"""\
SELECT ?p ?o ?pl ?ol WHERE {{
  $this ?p ?o .
  OPTIONAL {{ ?p rdfs:label ?pl }}
  OPTIONAL {{ ?o {_LABEL} ?ol }}
}}"""

_INCOMING = f"""\
SELECT ?s ?p ?sl ?pl WHERE {{
  {{ SELECT ?s ?p WHERE {{ ?s ?p $this }} LIMIT {INCOMING_LIMIT} }}
  OPTIONAL {{ ?s {_LABEL} ?sl }}
  OPTIONAL {{ ?p rdfs:label ?pl }}
}}"""

_INCOMING_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p $this }"


def _target(prefix: str, prop: str) -> str:
    v = f"?{prefix}"
    return f"""  OPTIONAL {{ ?i jx:{prop} {v} .
    OPTIONAL {{ {v} jx:rawValue {v}Raw }}
    OPTIONAL {{ {v} jx:comparator {v}Cmp . OPTIONAL {{ {v}Cmp skos:notation {v}CmpSign }} }}
    OPTIONAL {{ {v} jx:numericValue {v}Num }}
    OPTIONAL {{ {v} jx:minValue {v}Min }}
    OPTIONAL {{ {v} jx:maxValue {v}Max }}
    OPTIONAL {{ {v} jx:unitText {v}Unit }} }}
"""


def _category(level: str) -> str:
    v = f"?{level}"
    return f"""  OPTIONAL {{ ?i jx:{level} {v} .
    OPTIONAL {{ {v} skos:notation {v}Code }}
    OPTIONAL {{ {v} skos:prefLabel {v}Label FILTER (langMatches(lang({v}Label), "zh")) }}
    OPTIONAL {{ {v} skos:prefLabel {v}LabelEn FILTER (langMatches(lang({v}LabelEn), "en")) }} }}
"""


_INDICATORS = (
    "SELECT * WHERE {\n  $this jx:hasIndicator ?i .\n"
    "  OPTIONAL { ?i jx:position ?position }\n  OPTIONAL { ?i jx:indicatorName ?name }\n"
    + _category("level1")
    + _category("level2")
    + _target("annual", "annualTarget")
    + _target("period", "periodTarget")
    + "}"
)

_SERIES_OF_PROJECT = """\
SELECT ?series ?seriesLabel ?member ?label ?year ?total WHERE {
  $this jx:series ?series . ?member jx:series ?series .
  OPTIONAL { ?series rdfs:label ?seriesLabel }
  OPTIONAL { ?member rdfs:label ?label }
  OPTIONAL { ?member jx:budgetYear ?year }
  OPTIONAL { ?member jx:amountTotal ?total }
}"""

_SERIES_MEMBERS = """\
SELECT ?member ?label ?year ?total WHERE {
  ?member jx:series $this .
  OPTIONAL { ?member rdfs:label ?label }
  OPTIONAL { ?member jx:budgetYear ?year }
  OPTIONAL { ?member jx:amountTotal ?total }
}"""

_DOCUMENT_UNITS = """\
SELECT ?budget ?unit ?unitLabel ?total ?fiscal ?specialAccount ?other WHERE {
  ?budget jx:document $this ; a jx:UnitBudget .
  OPTIONAL { ?budget jx:fundingUnit ?unit . OPTIONAL { ?unit rdfs:label ?unitLabel } }
  OPTIONAL { ?budget jx:amountTotal ?total }
  OPTIONAL { ?budget jx:amountFiscal ?fiscal }
  OPTIONAL { ?budget jx:amountSpecialAccount ?specialAccount }
  OPTIONAL { ?budget jx:amountOther ?other }
}"""

_DOCUMENT_PROJECTS = """\
SELECT ?project ?row ?label ?unit ?unitLabel ?total (COUNT(?i) AS ?indicators) WHERE {
  ?project jx:document $this ; a jx:Project .
  OPTIONAL { ?project jx:rowNumber ?row }
  OPTIONAL { ?project rdfs:label ?label }
  OPTIONAL { ?project jx:fundingUnit ?unit . OPTIONAL { ?unit rdfs:label ?unitLabel } }
  OPTIONAL { ?project jx:amountTotal ?total }
  OPTIONAL { ?project jx:hasIndicator ?i }
}
GROUP BY ?project ?row ?label ?unit ?unitLabel ?total"""


def _first_rows(rows: Iterable[dict[str, object]], key: str) -> list[dict[str, Term | None]]:
    """One row per distinct ``key`` value (OPTIONAL label joins may repeat a row)."""
    seen: dict[str, dict[str, Term | None]] = {}
    for row in rows:
        keyed = row.get(key)
        ident = str(keyed)
        if keyed is None or ident in seen:
            continue
        seen[ident] = {name: _term(value) for name, value in row.items()}
    return list(seen.values())


def _text(term: Term | None) -> str:
    return term.text if term else ""


def _number(term: Term | None) -> float:
    try:
        return float(term.value) if term else float("inf")
    except ValueError:
        return float("inf")


def _properties(rows: list[dict[str, object]], language: str) -> tuple[list[Link], _Labels]:
    labels = _Labels(language)
    grouped: dict[str, dict[str, object]] = {}
    for row in rows:
        labels.add(row["p"], row["pl"])
        labels.add(row["o"], row["ol"])
        predicate = row["p"]
        if isinstance(predicate, ox.NamedNode):
            grouped.setdefault(predicate.value, {}).setdefault(str(row["o"]), row["o"])
    links = []
    for predicate, values in grouped.items():
        terms = [t for t in (_term(v, labels) for v in values.values()) if t]
        terms.sort(key=lambda t: natural_key(t.value))
        links.append(Link(Term("iri", predicate, labels.best(predicate)), terms))
    first = {RDF_TYPE: 0, RDFS_LABEL: 1}
    links.sort(key=lambda link: (first.get(link.predicate.value, 2), link.predicate.text))
    return links, labels


def _incoming(rows: list[dict[str, object]], language: str) -> list[Link]:
    labels = _Labels(language)
    grouped: dict[str, dict[str, object]] = {}
    for row in rows:
        labels.add(row["s"], row["sl"])
        labels.add(row["p"], row["pl"])
        if isinstance(row["p"], ox.NamedNode):
            grouped.setdefault(row["p"].value, {}).setdefault(str(row["s"]), row["s"])
    links = []
    for predicate, subjects in sorted(grouped.items()):
        terms = [t for t in (_term(s, labels) for s in subjects.values()) if t]
        terms.sort(key=lambda t: natural_key(t.value))
        links.append(Link(Term("iri", predicate, labels.best(predicate)), terms))
    return links


def describe(store: Queries, iri: str, language: str = "en") -> Description:
    """What the page of ``iri`` shows (``exists`` is False if the store does not know it);
    labels in ``language`` (``en`` or ``zh``) where they exist, else in the other one."""
    properties, labels = _properties(_select(store, _OUTGOING, iri), language)
    count_rows = _select(store, _INCOMING_COUNT, iri)
    total = int(getattr(count_rows[0]["n"], "value", 0)) if count_rows else 0
    incoming = _incoming(_select(store, _INCOMING, iri), language) if total else []
    types = next((link.values for link in properties if link.predicate.value == RDF_TYPE), [])
    label = labels.best(iri)
    if label is None:
        label = next(
            (
                link.values[0].value
                for link in properties
                if link.predicate.value == RDFS_LABEL and link.values
            ),
            None,
        )
    description = Description(iri, label, types, properties, incoming, total)
    type_iris = {t.value for t in types}
    if f"{JX}Project" in type_iris:
        rows = _first_rows(_select(store, _INDICATORS, iri), "i")
        description.indicators = sorted(rows, key=lambda r: _number(r.get("position")))
    if any(link.predicate.value == f"{JX}series" for link in properties):
        rows = _first_rows(_select(store, _SERIES_OF_PROJECT, iri), "member")
        description.series = sorted(rows, key=lambda r: _number(r.get("year")))
    elif f"{JX}ProjectSeries" in type_iris:
        rows = _first_rows(_select(store, _SERIES_MEMBERS, iri), "member")
        description.series = sorted(rows, key=lambda r: _number(r.get("year")))
    if f"{JX}BudgetDocument" in type_iris:
        units = _first_rows(_select(store, _DOCUMENT_UNITS, iri), "budget")
        description.units = sorted(units, key=lambda r: _text(r.get("unitLabel")))
        projects = _first_rows(_select(store, _DOCUMENT_PROJECTS, iri), "project")
        description.projects = sorted(projects, key=lambda r: _number(r.get("row")))
    return description


@dataclass(frozen=True, slots=True)
class PageTask:
    """What the page of ``iri`` shows in ``media``: for HTML its :class:`Description` (labels
    in ``language``), for an RDF media type :func:`resource_bytes`; None when the store does
    not know it. A query worker's task (:class:`.query.worker.StoreTask`): a page evaluated
    there costs the server's process nothing but the answer's unpickling."""

    iri: str
    media: str
    language: str = "en"

    def answer(self, store: ox.Store) -> Description | bytes | None:
        return self.over(UnionQueries(store))

    def over(self, store: Queries) -> Description | bytes | None:
        """The answer over a jixiao store (or anything that queries the union)."""
        if self.media != HTML:
            return resource_bytes(store, self.iri, self.media)
        description = describe(store, self.iri, self.language)
        return description if description.exists else None


class UnionQueries:
    """A pyoxigraph store queried as jixiao queries it: the default graph is the union."""

    __slots__ = ("_store",)

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def query(self, sparql: str) -> QueryResult:
        return query_store(self._store, sparql)
