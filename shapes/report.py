"""Validation reports that lead a data officer to the row: located, bilingual, negotiable.

pySHACL gives a standard ``sh:ValidationReport``. :func:`build_report` reads it into
:class:`Result` values, finds for each focus node the project (label, source line, row
number), indicator and target it belongs to, and writes that location in front of every
``sh:resultMessage`` (one ``@zh`` and one ``@en``), so the Turtle and JSON-LD reports name the
project too. :meth:`Report.text` is the report for people, grouped by project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from jixiao.ontology import JX, PREFIXES

__all__ = ["SEVERITIES", "Location", "Report", "Result", "build_report", "pyshacl_report"]

SEVERITIES = ("Violation", "Warning", "Info")
_LANGS = ("zh", "en")
_SEVERITY_ZH = {"Violation": "违规", "Warning": "警告", "Info": "提示"}
_CONTEXT = {
    "sh": str(SH),
    "jx": PREFIXES["jx"],
    "jxsh": "https://w3id.org/jixiao/shapes#",
    "rdfs": PREFIXES["rdfs"],
    "xsd": PREFIXES["xsd"],
}
RDF_FORMATS = {"turtle": "turtle", "json-ld": "json-ld", "ntriples": "nt11"}
_JXSH = _CONTEXT["jxsh"]


def _text(graph: Graph, node: Node | None, prop: URIRef) -> str | None:
    if node is None:
        return None
    values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
    for value in values:  # prefer the Chinese label: names come from Chinese documents
        if value.language == "zh":
            return str(value)
    return str(values[0]) if values else None


def _int(graph: Graph, node: Node | None, prop: URIRef) -> int | None:
    text = _text(graph, node, prop)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


# How a row is named in a message, by kind of focus node and language.
_ROW_TEMPLATES: dict[str, dict[str, str]] = {
    "zh": {
        "project": "项目{label}（第 {line} 行，序号 {row}）",
        "unit": "单位小计{label}（第 {line} 行）",
        "document": "绩效目标表{label}（合计行，第 {line} 行）",
        "table": "部门整体预算绩效目标表{label}",
    },
    "en": {
        "project": "project {label} (line {line}, row {row})",
        "unit": "unit budget {label} (line {line})",
        "document": "document {label} (total row, line {line})",
        "table": "department-level target table {label}",
    },
}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a result is: a project row (and indicator, target), a subtotal, the total row…"""

    kind: str  # "project", "unit", "document", "table" (its own indicators) or "other"
    node: str
    label: str | None = None
    line: int | None = None
    row: int | None = None
    indicator: int | None = None
    indicator_name: str | None = None
    target: str | None = None  # "annual", "period" or "actual"

    @property
    def sort_key(self) -> tuple[int, int, str]:
        order = {"document": 0, "table": 0, "unit": 1, "project": 1, "other": 2}[self.kind]
        return (order, self.line if self.line is not None else 1 << 30, self.node)

    def group(self, lang: str) -> str:
        """The row: project “…” (line 12, row 1)."""
        label = f"“{self.label}”" if self.label else f"<{self.node}>"
        line = self.line if self.line is not None else "?"
        templates = _ROW_TEMPLATES["zh" if lang == "zh" else "en"]
        template = templates.get(self.kind)
        return template.format(label=label, line=line, row=self.row) if template else label

    def detail(self, lang: str) -> str:
        """Within the row: indicator 3 “…”, annual target."""
        parts = []
        if self.indicator is not None:
            name = f"“{self.indicator_name}”" if self.indicator_name else ""
            parts.append(f"指标 {self.indicator}{name}" if lang == "zh" else
                         f"indicator {self.indicator} {name}".rstrip())  # fmt: skip
        if self.target is not None:
            zh = {"annual": "年度指标值", "period": "实施周期指标值", "actual": "全年完成值"}
            en = {"annual": "annual target", "period": "implementation-period target",
                  "actual": "actual value"}  # fmt: skip
            parts.append((zh if lang == "zh" else en)[self.target])
        return ("，" if lang == "zh" else ", ").join(parts)

    def prefix(self, lang: str) -> str:
        where = ("，" if lang == "zh" else ", ").join(
            p for p in (self.group(lang), self.detail(lang)) if p
        )
        return where + ("：" if lang == "zh" else ": ")


def locate(data: Graph, focus: Node) -> Location:
    """The project row (or subtotal, total row, other resource) that ``focus`` is part of."""
    target = None
    indicator: Node | None = None
    node: Node = focus
    for kind, prop in (
        ("annual", JX.annualTarget),
        ("period", JX.periodTarget),
        ("actual", JX.actualValue),
    ):
        owner = next(data.subjects(prop, focus), None)
        if owner is not None:
            target, indicator = kind, owner
            break
    if indicator is None and (focus, RDF.type, JX.Indicator) in data:
        indicator = focus
    if indicator is not None:
        node = next(data.subjects(JX.hasIndicator, indicator), indicator)
    types = set(data.objects(node, RDF.type))
    kind = (
        "table"
        if JX.DepartmentTargetTable in types
        else "project"
        if JX.Project in types or indicator is not None
        else "unit"
        if JX.UnitBudget in types
        else "document"
        if JX.BudgetDocument in types
        else "other"
    )
    return Location(
        kind=kind,
        node=str(node),
        label=_text(data, node, RDFS.label),
        line=_int(data, node, JX.sourceLine),
        row=_int(data, node, JX.rowNumber),
        indicator=_int(data, indicator, JX.position),
        indicator_name=_text(data, indicator, JX.indicatorName),
        target=target,
    )


@dataclass(frozen=True, slots=True)
class Result:
    """One validation result, located."""

    severity: str  # "Violation", "Warning" or "Info"
    shape: str  # the IRI of the sh:sourceShape
    focus: str
    location: Location
    messages: dict[str, str]  # language → the shape's message (without the location)
    path: str | None = None
    value: str | None = None

    @property
    def shape_name(self) -> str:
        return self.shape.rsplit("#", 1)[-1]

    @property
    def shape_label(self) -> str:
        """``jxsh:Name`` for a built-in shape, ``<IRI>`` for another, else its path."""
        if self.shape.startswith(_JXSH):
            return f"jxsh:{self.shape_name}"
        if "://" in self.shape or self.shape.startswith("urn:"):
            return f"<{self.shape}>"
        return f"shape on <{self.path}>" if self.path else "a shape"

    def message(self, lang: str = "en") -> str:
        """The message with its location in front, as in ``sh:resultMessage``."""
        return self.location.prefix(lang) + self.messages.get(lang, "")


@dataclass
class Report:
    """What validating one graph found; ``graph`` is the standard ``sh:ValidationReport``."""

    graph: Graph
    results: list[Result] = field(default_factory=list)
    title: str = ""  # what was validated, e.g. "table.txt (2025)"

    @cached_property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    @property
    def conforms(self) -> bool:
        """No violations (warnings and infos never block by default)."""
        return self.counts["Violation"] == 0

    def fails(self, fail_on: str = "violation") -> bool:
        """Whether this report should fail a pipeline that fails on ``fail_on`` and worse."""
        if fail_on == "warning":
            return self.counts["Violation"] + self.counts["Warning"] > 0
        return not self.conforms

    def summary(self, lang: str = "en") -> str:
        c = self.counts
        if lang == "zh":
            verdict = "符合" if self.conforms else "不符合"
            return (
                f"{verdict}：违规 {c['Violation']} 项，警告 {c['Warning']} 项，提示 {c['Info']} 项"
            )
        verdict = "conforms" if self.conforms else "does not conform"
        return f"{verdict}: {c['Violation']} violations, {c['Warning']} warnings, {c['Info']} infos"

    def text(self) -> str:
        """The report for people: a summary, then the results grouped by project row."""
        lines = [f"{self.title}: {self.summary()}" if self.title else self.summary()]
        groups: dict[tuple[tuple[int, int, str], str], list[Result]] = {}
        for result in self.results:
            loc = result.location
            groups.setdefault((loc.sort_key, loc.group("en")), []).append(result)
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        for (_, header), results in sorted(groups.items()):
            lines += ["", f"{header}  {results[0].location.group('zh')}"]
            results.sort(
                key=lambda r: (rank.get(r.severity, 9), r.location.indicator or 0, r.shape)
            )
            for r in results:
                detail_en, detail_zh = r.location.detail("en"), r.location.detail("zh")
                en = f"{detail_en}: {r.messages.get('en', '')}" if detail_en else r.messages["en"]
                zh = f"{detail_zh}：{r.messages.get('zh', '')}" if detail_zh else r.messages["zh"]
                lines.append(f"  {r.severity.lower():<9} {en}")
                lines.append(f"  {_SEVERITY_ZH.get(r.severity, ''):<7} {zh}")
                lines.append(f"  {'':<9} ({r.shape_label})")
        return "\n".join(lines) + "\n"

    def serialize(self, fmt: str = "turtle") -> bytes:
        """The ``sh:ValidationReport`` as Turtle, JSON-LD or N-Triples: ``fmt`` is a name of
        :data:`RDF_FORMATS` (``jixiao validate --format``) or rdflib's own (``nt``)."""
        if fmt == "json-ld":
            data = self.graph.serialize(format="json-ld", context=_CONTEXT, auto_compact=True)
        else:
            data = self.graph.serialize(format=RDF_FORMATS.get(fmt, fmt))
        return data.encode("utf-8")


def _templates(shapes: Graph, shape: Node) -> list[tuple[str, re.Pattern[str]]]:
    """The shape's sh:message templates as (language, pattern matching a filled-in message)."""
    out = []
    for message in shapes.objects(shape, SH.message):
        if isinstance(message, Literal) and message.language:
            parts = re.split(r"\{[?$]\w+\}", str(message))
            pattern = "(?:.*?)".join(re.escape(p) for p in parts)
            out.append((message.language, re.compile(pattern, re.DOTALL)))
    return out


def _messages(
    report: Graph, shapes: Graph, node: Node, shape: Node
) -> tuple[dict[str, str], list[Literal]]:
    """The result's messages by language (pySHACL drops the tag of filled-in templates)."""
    found: dict[str, str] = {}
    literals = [m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)]
    templates = _templates(shapes, shape)
    for message in literals:
        lang = message.language
        if lang is None:
            lang = next((la for la, p in templates if p.fullmatch(str(message))), None)
        if lang is not None and lang not in found:
            found[lang] = str(message)
    return found, literals


def _is_part(data: Graph, node: Node | None) -> bool:
    """Whether ``node`` is an indicator, a target or an actual value (a part of a project row)."""
    return isinstance(node, URIRef) and any(
        (node, RDF.type, cls) in data for cls in (JX.Indicator, JX.Target, JX.ActualValue)
    )


def _str(node: Node | None) -> str | None:
    return None if node is None else str(node)


def build_report(report: Graph, data: Graph, shapes: Graph, title: str = "") -> Report:
    """Read pySHACL's report graph, locate each result in ``data``, rewrite its messages."""
    for prefix, namespace in _CONTEXT.items():
        report.bind(prefix, namespace, override=True)
    results = []
    for node in list(report.subjects(RDF.type, SH.ValidationResult)):
        focus = report.value(node, SH.focusNode)
        shape = report.value(node, SH.sourceShape)
        severity = report.value(node, SH.resultSeverity)
        if focus is None or shape is None:
            continue
        messages, literals = _messages(report, shapes, node, shape)
        value = report.value(node, SH.value)
        # Rules on indicators and targets run per project and give the indicator or target
        # as sh:value: locate that, so the report names the indicator too.
        location = locate(data, value if value is not None and _is_part(data, value) else focus)
        result = Result(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            shape=str(shape),
            focus=str(focus),
            location=location,
            messages={lang: messages.get(lang, "") for lang in _LANGS} | messages,
            path=_str(report.value(node, SH.resultPath)),
            value=_str(value),
        )
        for literal in literals:
            report.remove((node, SH.resultMessage, literal))
        for lang in _LANGS:
            report.add((node, SH.resultMessage, Literal(result.message(lang), lang=lang)))
        results.append(result)
    results.sort(key=lambda r: (r.location.sort_key, r.location.indicator or 0, r.shape))
    return Report(report, results, title)


def merge_counts(reports: Iterable[Report]) -> dict[str, int]:
    """Severity counts over several reports (one per document)."""
    total = dict.fromkeys(SEVERITIES, 0)
    for report in reports:
        for severity, n in report.counts.items():
            total[severity] = total.get(severity, 0) + n
    return total


def pyshacl_report(graph: Graph, shapes: Graph, messages: Graph, title: str) -> Report:
    """pySHACL's report on ``graph`` (changed in place), read with the templates of
    ``messages`` (a shapes graph holding ``shapes``)."""
    from pyshacl import validate  # imported here: pySHACL patches rdflib globals on import

    _conforms, report_graph, _text = validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True, inplace=True
    )
    return build_report(report_graph, graph, messages, title)
