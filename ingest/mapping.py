"""The mapping of a read table to RDF, as the contract defines it.

A pure function: :func:`map_table` takes a :class:`~.model.SourceTable` and a budget year and
returns the triples of the document's graph and of the organisations it mentions. No store,
no clock: the same table always yields the same triples.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, PROV
from rdflib.term import Node

from jixiao.ingest.errors import LayoutError
from jixiao.ingest.iris import IriMinter
from jixiao.ingest.model import Amounts, IndicatorRecord, ProjectRow, SourceTable
from jixiao.ingest.targets import ParsedTarget, parse_target
from jixiao.ontology import JX, category_by_notation, category_for_label

__all__ = ["MappedDocument", "map_table", "value_triples"]

Triple = tuple[Node, Node, Node]
IANA = Namespace("https://www.iana.org/assignments/media-types/")

_AMOUNT_PROPERTIES = (JX.amountTotal, JX.amountFiscal, JX.amountSpecialAccount, JX.amountOther)


@dataclass(slots=True)
class MappedDocument:
    """The RDF of one document: its own graph and the organisations it describes."""

    iri: URIRef
    year: int
    department: URIRef
    triples: list[Triple] = field(default_factory=list)
    organization_triples: list[Triple] = field(default_factory=list)

    def graph(self) -> Graph:
        """The document graph (what lives in the named graph ``iri``)."""
        return _graph(self.triples)

    def organizations(self) -> Graph:
        """Triples about the department and its funding units (a shared graph)."""
        return _graph(self.organization_triples)

    def combined(self) -> Graph:
        """Everything, as one graph: what validation looks at."""
        return _graph(self.triples + self.organization_triples)


def _graph(triples: list[Triple]) -> Graph:
    graph = Graph(bind_namespaces="none")
    graph.bind("jx", JX._NS)
    for prefix, ns in (
        ("rdfs", RDFS),
        ("xsd", XSD),
        ("dcterms", DCTERMS),
        ("org", ORG),
        ("prov", PROV),
        ("dcat", DCAT),
    ):
        graph.bind(prefix, ns)
    for triple in triples:
        graph.add(triple)
    return graph


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _decimal(value: Decimal) -> Literal:
    return Literal(value, datatype=XSD.decimal)


class _Mapper:
    def __init__(self, table: SourceTable, year: int, minter: IriMinter) -> None:
        self.table = table
        self.year = year
        self.iris = minter
        self.doc = minter.document(table.department, year)
        self.department = minter.department(table.department)
        self.out: list[Triple] = []
        self.orgs: list[Triple] = []

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.out.append((s, p, o))

    def amounts(self, subject: URIRef, amounts: Amounts) -> None:
        for prop, value in zip(_AMOUNT_PROPERTIES, amounts.as_tuple(), strict=True):
            self.add(subject, prop, _decimal(value))

    def organizations(self) -> None:
        dept = self.table.department
        self.orgs += [
            (self.department, RDF.type, JX.Department),
            (self.department, RDFS.label, _zh(dept)),
        ]
        for unit in self.table.units:
            iri = self.iris.funding_unit(dept, unit.name)
            self.orgs += [
                (iri, RDF.type, JX.FundingUnit),
                (iri, RDFS.label, _zh(unit.name)),
                (iri, ORG.subOrganizationOf, self.department),
            ]

    def document(self) -> None:
        t, doc = self.table, self.doc
        source = self.iris.source_file(doc)
        self.add(doc, RDF.type, JX.BudgetDocument)
        self.add(
            doc, RDFS.label, _zh(f"{t.department}{self.year}年{t.title or '项目支出绩效目标表'}")
        )
        if t.title:
            self.add(doc, DCTERMS.title, _zh(t.title))
        self.add(doc, JX.department, self.department)
        self.add(doc, JX.budgetYear, _integer(self.year))
        self.add(doc, JX.amountUnitText, Literal(t.amount_unit))
        self.add(doc, PROV.wasDerivedFrom, source)
        if t.total is not None:
            self.add(doc, JX.sourceLine, _integer(t.total.line))
            self.amounts(doc, t.total.amounts)
        self.add(source, RDF.type, JX.SourceFile)
        self.add(source, RDF.type, DCAT.Distribution)
        self.add(source, RDFS.label, Literal(t.source_name))
        self.add(source, JX.fileName, Literal(t.source_name))
        self.add(source, JX.sha256, Literal(t.sha256))
        self.add(source, DCAT.byteSize, Literal(t.byte_size, datatype=XSD.nonNegativeInteger))
        self.add(source, DCAT.mediaType, IANA[t.media_type])

    def unit_budgets(self) -> None:
        dept = self.table.department
        for unit in self.table.units:
            iri = self.iris.unit_budget(self.doc, dept, unit.name)
            self.add(iri, RDF.type, JX.UnitBudget)
            self.add(iri, RDFS.label, _zh(f"{unit.name}（{self.year}年）"))
            self.add(iri, JX.document, self.doc)
            self.add(iri, JX.fundingUnit, self.iris.funding_unit(dept, unit.name))
            self.add(iri, JX.budgetYear, _integer(self.year))
            self.add(iri, JX.sourceLine, _integer(unit.line))
            self.amounts(iri, unit.amounts)

    def project(self, row: ProjectRow) -> None:
        iri = self.iris.project(self.doc, row.row_number)
        self.add(iri, RDF.type, JX.Project)
        self.add(iri, RDFS.label, _zh(row.name))
        self.add(iri, JX.document, self.doc)
        self.add(iri, JX.budgetYear, _integer(self.year))
        self.add(iri, JX.fundingUnit, self.iris.funding_unit(self.table.department, row.unit.name))
        self.add(iri, JX.rowNumber, _integer(row.row_number))
        self.add(iri, JX.sourceLine, _integer(row.line))
        if row.goal:
            self.add(iri, JX.goal, _zh(row.goal))
        self.amounts(iri, row.amounts)
        for record in row.indicators:
            self.indicator(iri, row, record)

    def category(self, row: ProjectRow, code: str | None, text: str, level: int) -> URIRef:
        concept = category_by_notation(code) if code else category_for_label(text, level)
        if concept is None:
            written = f"{code}-{text}" if code else text
            raise LayoutError(
                f"unknown level-{level} indicator category {written!r}",
                file=self.table.source_name,
                line=row.line,
            )
        return concept

    def indicator(self, project: URIRef, row: ProjectRow, record: IndicatorRecord) -> None:
        iri = self.iris.indicator(project, record.position)
        self.add(project, JX.hasIndicator, iri)
        self.add(iri, RDF.type, JX.Indicator)
        self.add(iri, RDFS.label, _zh(record.name))
        self.add(iri, JX.indicatorName, Literal(record.name))
        self.add(iri, JX.position, _integer(record.position))
        self.add(iri, JX.writtenNumber, _integer(record.written_number))
        self.add(iri, JX.level1, self.category(row, record.level1_code, record.level1_text, 1))
        self.add(iri, JX.level1Text, Literal(record.level1_text))
        if record.level2_text is not None:
            self.add(iri, JX.level2, self.category(row, record.level2_code, record.level2_text, 2))
            self.add(iri, JX.level2Text, Literal(record.level2_text))
        self.target(iri, JX.annualTarget, "annual", parse_target(record.annual))
        if record.period is not None:
            self.target(iri, JX.periodTarget, "period", parse_target(record.period))

    def target(self, indicator: URIRef, prop: URIRef, kind: str, parsed: ParsedTarget) -> None:
        iri = self.iris.target(indicator, kind)
        self.add(indicator, prop, iri)
        self.add(iri, RDF.type, JX.Target)
        if parsed.raw:
            self.add(iri, RDFS.label, _zh(parsed.raw))
        self.out += value_triples(iri, parsed)

    def run(self) -> MappedDocument:
        self.organizations()
        self.document()
        self.unit_budgets()
        for row in self.table.projects:
            self.project(row)
        return MappedDocument(self.doc, self.year, self.department, self.out, self.orgs)


def value_triples(iri: URIRef, parsed: ParsedTarget) -> list[Triple]:
    """A target's (or an actual value's) text as written and as parsed: jx:rawValue,
    jx:comparator, jx:numericValue or the bounds, jx:unitText."""
    out: list[Triple] = [(iri, JX.rawValue, Literal(parsed.raw))]
    if parsed.comparator is not None:
        out.append((iri, JX.comparator, JX[parsed.comparator.value]))
    for prop, value in (
        (JX.numericValue, parsed.value),
        (JX.minValue, parsed.min_value),
        (JX.maxValue, parsed.max_value),
    ):
        if value is not None:
            out.append((iri, prop, _decimal(value)))
    if parsed.unit:
        out.append((iri, JX.unitText, Literal(parsed.unit)))
    return out


def map_table(table: SourceTable, year: int, minter: IriMinter | None = None) -> MappedDocument:
    """Map a read table of budget year ``year`` to RDF."""
    return _Mapper(table, year, minter or IriMinter()).run()


def iter_quads(mapped: MappedDocument, organizations_graph: URIRef) -> Iterator[tuple[Node, ...]]:
    """Every triple of the mapping with the graph it belongs in."""
    for s, p, o in mapped.triples:
        yield s, p, o, mapped.iri
    for s, p, o in mapped.organization_triples:
        yield s, p, o, organizations_graph
