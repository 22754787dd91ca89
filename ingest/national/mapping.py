"""The mapping of a national-layout table to RDF (pure, deterministic, like ``map_table``).

IRIs: the document is ``{base}doc/{department key}/{year}/overall`` (department layout),
``…/{year}/application/{project key}`` or ``…/{year}/self-evaluation/{project key}`` (the key of
the funding unit and the project's name), so neither replaces the department's
项目支出绩效目标表 of the same year (``{base}doc/{department key}/{year}``) nor another
project's form. Below it: ``/project/1``, ``/indicator/{n}`` (of the document in the
department layout, of the project in the others), ``…/annual``, ``…/actual``,
``/task/{n}``, ``/field/{n}``.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV
from rdflib.term import Node

from jixiao.ontology import JX, JXC, category_by_notation, category_for_label, category_level

from ..iris import IriMinter, name_key
from ..mapping import IANA, MappedDocument, Triple, _decimal, _integer, _zh, value_triples
from ..targets import Comparator, ParsedTarget, parse_target
from .model import NationalTable, TableField, TableIndicator, WrittenValue

__all__ = ["map_national"]

_CLASSES = {
    "department": JX.DepartmentTargetTable,
    "application": JX.ProjectApplication,
    "self-evaluation": JX.SelfEvaluation,
}
# 指标性质 as written → comparator ("无" and anything else: none)
_COMPARATORS = {
    "≥": Comparator.AT_LEAST, "≧": Comparator.AT_LEAST, ">=": Comparator.AT_LEAST,
    "≤": Comparator.AT_MOST, "≦": Comparator.AT_MOST, "<=": Comparator.AT_MOST,
    ">": Comparator.MORE_THAN, "<": Comparator.LESS_THAN, "=": Comparator.EXACTLY,
    "＝": Comparator.EXACTLY,
}  # fmt: skip


def _categories(
    indicator: TableIndicator,
) -> tuple[URIRef | None, URIRef | None, str | None, str | None]:
    """The concepts the written categories name, and the texts as level-1 and level-2.

    A self-evaluation's one 指标类型 column may name a level-2 category ("数量指标"): it is
    then the level-2 text, and the level 1 is its broader concept."""
    text1, text2 = indicator.level1, indicator.level2
    level1 = category_for_label(text1, 1) if text1 else None
    level2 = category_for_label(text2, 2) if text2 else None
    if text1 and level1 is None and text2 is None:
        narrower = category_for_label(text1, 2)
        if narrower is not None:
            return _broader(narrower), narrower, None, text1
    return level1, level2, text1, text2


def _broader(concept: URIRef) -> URIRef | None:
    notation = str(concept).removeprefix(str(JXC))
    found = category_by_notation(notation[:1])
    return found if found is not None and category_level(found) == 1 else None


class _NationalMapper:
    def __init__(self, table: NationalTable, year: int, minter: IriMinter) -> None:
        self.table = table
        self.year = year
        self.iris = minter
        self.department = minter.department(table.department)
        base = str(minter.document(table.department, year))
        if table.project is None:
            self.doc = URIRef(f"{base}/overall")
        else:
            key = name_key(table.project.unit, table.project.name)
            self.doc = URIRef(f"{base}/{table.layout}/{key}")
        self.out: list[Triple] = []
        self.orgs: list[Triple] = []
        self.fields = 0

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.out.append((s, p, o))

    def document(self) -> None:
        t, doc = self.table, self.doc
        source = self.iris.source_file(doc)
        self.orgs += [
            (self.department, RDF.type, JX.Department),
            (self.department, RDFS.label, _zh(t.department)),
        ]
        label = f"{t.department}{t.title}"
        if t.project is not None:
            label += f"（{t.project.name}）"
        self.add(doc, RDF.type, JX.BudgetDocument)
        self.add(doc, RDF.type, _CLASSES[t.layout])
        self.add(doc, RDFS.label, _zh(label))
        if t.title:
            self.add(doc, DCTERMS.title, _zh(t.title))
        self.add(doc, JX.department, self.department)
        self.add(doc, JX.budgetYear, _integer(self.year))
        self.add(doc, JX.amountUnitText, Literal("万元"))
        self.add(doc, JX.sourceSheet, Literal(t.sheet))
        self.add(doc, PROV.wasDerivedFrom, source)
        self.add(source, RDF.type, JX.SourceFile)
        self.add(source, RDF.type, DCAT.Distribution)
        origin = t.origin
        self.add(source, RDFS.label, Literal(origin.source_name))
        self.add(source, JX.fileName, Literal(origin.source_name))
        self.add(source, JX.sha256, Literal(origin.sha256))
        self.add(source, DCAT.byteSize, Literal(origin.byte_size, datatype=XSD.nonNegativeInteger))
        self.add(source, DCAT.mediaType, IANA[origin.media_type])
        if t.goal:
            self.add(doc, JX.goal, _zh(t.goal))
        for field in t.fields:
            self.field(doc, field)
        for task in t.tasks:
            iri = URIRef(f"{doc}/task/{task.position}")
            self.add(doc, JX.keyTask, iri)
            self.add(iri, RDF.type, JX.KeyTask)
            self.add(iri, RDFS.label, _zh(task.name))
            self.add(iri, JX.position, _integer(task.position))
            self.add(iri, JX.sourceLine, _integer(task.row))
            if task.content:
                self.add(iri, JX.taskContent, _zh(task.content))
            if task.funds is not None:
                self.add(iri, JX.plannedFunds, _decimal(task.funds))
            if task.expected:
                self.add(iri, JX.expectedResult, _zh(task.expected))
        for indicator in t.indicators:
            self.indicator(doc, indicator)

    def field(self, owner: URIRef, field: TableField) -> None:
        self.fields += 1
        iri = URIRef(f"{self.doc}/field/{self.fields}")
        self.add(owner, JX.field, iri)
        self.add(iri, RDF.type, JX.TableField)
        self.add(iri, RDFS.label, _zh(field.label))
        self.add(iri, JX.sourceLine, _integer(field.row))
        if field.section:
            self.add(iri, JX.section, Literal(field.section))
        if field.text:
            self.add(iri, JX.valueText, Literal(field.text))
        if field.amount is not None:
            self.add(iri, JX.amount, _decimal(field.amount))

    def project(self) -> None:
        p = self.table.project
        if p is None:
            return
        unit = self.iris.funding_unit(self.table.department, p.unit)
        self.orgs += [
            (unit, RDF.type, JX.FundingUnit),
            (unit, RDFS.label, _zh(p.unit)),
            (unit, URIRef("http://www.w3.org/ns/org#subOrganizationOf"), self.department),
        ]
        iri = self.iris.project(self.doc, 1)
        self.add(iri, RDF.type, JX.Project)
        self.add(iri, RDFS.label, _zh(p.name))
        self.add(iri, JX.document, self.doc)
        self.add(iri, JX.budgetYear, _integer(self.year))
        self.add(iri, JX.fundingUnit, unit)
        self.add(iri, JX.rowNumber, _integer(1))
        self.add(iri, JX.sourceLine, _integer(p.row))
        if p.goal:
            self.add(iri, JX.goal, _zh(p.goal))
        if p.goal_outcome:
            self.add(iri, JX.goalOutcome, _zh(p.goal_outcome))
        if p.amount_total is not None:
            self.add(iri, JX.amountTotal, _decimal(p.amount_total))
        if p.amount_executed is not None:
            self.add(iri, JX.amountExecuted, _decimal(p.amount_executed))
        for field in p.fields:
            self.field(iri, field)
        for indicator in p.indicators:
            self.indicator(iri, indicator)

    def indicator(self, owner: URIRef, record: TableIndicator) -> None:
        iri = self.iris.indicator(owner, record.position)
        self.add(owner, JX.hasIndicator, iri)
        self.add(iri, RDF.type, JX.Indicator)
        self.add(iri, RDFS.label, _zh(record.name))
        self.add(iri, JX.indicatorName, Literal(record.name))
        self.add(iri, JX.position, _integer(record.position))
        self.add(iri, JX.sourceLine, _integer(record.row))
        level1, level2, text1, text2 = _categories(record)
        if level1 is not None:
            self.add(iri, JX.level1, level1)
        if text1:
            self.add(iri, JX.level1Text, Literal(text1))
        if level2 is not None:
            self.add(iri, JX.level2, level2)
        if text2:
            self.add(iri, JX.level2Text, Literal(text2))
        if record.weight is not None:
            self.add(iri, JX.weight, _decimal(record.weight))
        if record.standard:
            self.add(iri, JX.evaluationStandard, _zh(record.standard))
        if record.remark:
            self.add(iri, JX.remark, Literal(record.remark))
        target = self.iris.target(iri, "annual")
        self.add(iri, JX.annualTarget, target)
        self.add(target, RDF.type, JX.Target)
        self.value(target, record.target, record)
        if record.comparator_text is not None:
            self.add(target, JX.comparatorText, Literal(record.comparator_text))
        if record.unit_text is not None:
            self.add(target, JX.unitColumnText, Literal(record.unit_text))
        if record.actual is not None:
            actual = self.iris.target(iri, "actual")
            self.add(iri, JX.actualValue, actual)
            self.add(actual, RDF.type, JX.ActualValue)
            self.value(actual, record.actual, record, actual=True)

    def value(
        self, iri: URIRef, written: WrittenValue, record: TableIndicator, actual: bool = False
    ) -> None:
        parsed = _parsed(written, record, actual)
        label = parsed.raw
        if record.comparator_text in _COMPARATORS and not actual:
            label = f"{record.comparator_text}{label}"
        if parsed.unit and parsed.raw and not parsed.raw.endswith(parsed.unit):
            label += parsed.unit
        if label:
            self.add(iri, RDFS.label, _zh(label))
        self.out += value_triples(iri, parsed)
        if written.percent is not None:
            self.add(iri, JX.percentReading, _decimal(written.percent))

    def run(self) -> MappedDocument:
        self.document()
        self.project()
        return MappedDocument(self.doc, self.year, self.department, self.out, self.orgs)


def _parsed(written: WrittenValue, record: TableIndicator, actual: bool) -> ParsedTarget:
    """A value as read: a number cell is its number; text is parsed as any target. Where the
    layout gives comparator and unit columns, they say what the cell does not."""
    unit = record.unit_text if record.unit_text not in (None, "无") else None
    if written.number is not None:
        comparator = None if actual else Comparator.EXACTLY
        if not actual and record.comparator_text is not None:
            comparator = _COMPARATORS.get(record.comparator_text)
        return ParsedTarget(written.raw, comparator, written.number, unit=unit)
    parsed = parse_target(written.raw)
    if record.comparator_text is None and record.unit_text is None:
        return parsed
    if actual:
        comparator = None
    else:
        comparator = _COMPARATORS.get(record.comparator_text or "", parsed.comparator)
    if parsed.value is None and parsed.min_value is None:
        comparator = None if actual or record.comparator_text == "无" else comparator
        return ParsedTarget(written.raw, comparator if parsed.comparator else None)
    return ParsedTarget(
        written.raw,
        comparator,
        parsed.value,
        parsed.min_value,
        parsed.max_value,
        unit or parsed.unit,
    )


def map_national(
    table: NationalTable, year: int, minter: IriMinter | None = None
) -> MappedDocument:
    """Map a national-layout table of budget year ``year`` to RDF."""
    return _NationalMapper(table, year, minter or IriMinter()).run()
