"""Cross-year facts: what changed between any two budget years, computed once per linking.

The cross-year questions (which projects recur, how their amounts and targets changed, which
are new or discontinued) are functions of the loaded documents and the series the linker
made of them, so they are computed here, in one pass, when the series are linked, and stored
in the series graph beside them (:func:`fact_triples`), where the canned queries, ``/api``
and ``jixiao diff`` read them and data officers can query them too:

* a ``jx:SeriesYear`` per series and budget year with projects: how many of its projects
  carry an amount, their names (distinct, in row order, `` / ``-separated) and total;
  each series gets ``jx:yearCount`` (years with projects) and ``jx:seriesUnit``;
* a ``jx:SeriesComparison`` per series and pair of its years (earlier → later): the two
  series-years, the amount change and the change in percent of the earlier amount;
* a ``jx:TargetChange`` per indicator compared: the later indicator and the one of the
  earlier year it carries on (``jx:continues`` followed through any years between), with
  how the annual target changed (``jx:increased`` … ``jx:reworded``), or an indicator of the
  later year that carries on none of the earlier (``jx:added``), or one of the earlier year
  that none of the later carries on (``jx:removed``);
* a ``jx:ProjectStatusChange`` per project new in a later year (its series has no project
  in the earlier year) or discontinued after an earlier one (none in the later year), for
  departments that published a table in both years.

The rules are those the canned queries applied at query time until these facts existed
(and which tests still run as the reference): only projects with an amount count in a
series-year's total; a target is compared as a number when both sides have a number and
the same comparator and unit, else as the text written; a compared indicator needs an
annual target on both sides. Pure and deterministic: the same input gives the same triples
in the same order, with IRIs under each series' own, so a relink rewrites only what changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal, localcontext
from itertools import combinations

from rdflib import RDF, XSD, Literal, URIRef
from rdflib.term import Node

from jixiao.ingest.linking.series import IndicatorInfo, IndicatorLink, ProjectInfo, Series
from jixiao.ontology import JX

__all__ = ["FactContext", "TargetValue", "change_kind", "fact_triples"]

Triple = tuple[Node, Node, Node]

# The terms, looked up once: a DefinedNamespace attribute costs ~15 µs, and a million-triple
# corpus has hundreds of thousands of facts.
_TYPE = RDF.type
_PROJECT_STATUS_CHANGE = JX.ProjectStatusChange
_SERIES_COMPARISON = JX.SeriesComparison
_SERIES_YEAR = JX.SeriesYear
_TARGET_CHANGE = JX.TargetChange
_ABOUT_SERIES = JX.aboutSeries
_AMOUNT_CHANGE = JX.amountChange
_AMOUNT_CHANGE_PERCENT = JX.amountChangePercent
_CHANGE_KIND = JX.changeKind
_CHANGED_PROJECT = JX.changedProject
_EARLIER_INDICATOR = JX.earlierIndicator
_EARLIER_SERIES_YEAR = JX.earlierSeriesYear
_EARLIER_YEAR = JX.earlierYear
_IN_COMPARISON = JX.inComparison
_IN_YEAR = JX.inYear
_LATER_INDICATOR = JX.laterIndicator
_LATER_SERIES_YEAR = JX.laterSeriesYear
_LATER_YEAR = JX.laterYear
_PROJECT_COUNT = JX.projectCount
_PROJECT_NAMES = JX.projectNames
_SERIES_AMOUNT = JX.seriesAmount
_SERIES_UNIT = JX.seriesUnit
_YEAR_COUNT = JX.yearCount
_KINDS = {
    kind: JX[kind]
    for kind in (
        "increased",
        "decreased",
        "unchanged",
        "reworded",
        "added",
        "removed",
        "new",
        "discontinued",
    )
}


@dataclass(frozen=True, slots=True)
class TargetValue:
    """An indicator's annual target as stored: as written, comparator notation, number, unit."""

    raw: str
    comparator: str | None = None
    number: Decimal | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class FactContext:
    """What the facts need besides the series: from the store, by IRI.

    ``units``: each project's funding unit; ``departments``: each project's department (of
    its document); ``published``: the budget years in which each department has a document;
    ``targets``: each indicator's annual target (indicators without one are absent).
    """

    units: Mapping[str, str] = field(default_factory=dict)
    departments: Mapping[str, str] = field(default_factory=dict)
    published: Mapping[str, frozenset[int]] = field(default_factory=dict)
    targets: Mapping[str, TargetValue] = field(default_factory=dict)


def change_kind(a: TargetValue, b: TargetValue) -> str:
    """How the target changed from ``a`` to ``b``: the local name of a jx:ChangeKind."""
    if (
        a.number is not None
        and b.number is not None
        and (a.comparator or "") == (b.comparator or "")
        and (a.unit or "") == (b.unit or "")
    ):
        if b.number > a.number:
            return "increased"
        return "decreased" if b.number < a.number else "unchanged"
    return "unchanged" if a.raw == b.raw else "reworded"


def _decimal(value: Decimal) -> Literal:
    return Literal(f"{value.normalize():f}", datatype=XSD.decimal)


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def _percent(change: Decimal, base: Decimal) -> Decimal:
    """ROUND(1000 × change / base) / 10 as a SPARQL engine computes it: the quotient cut to
    18 decimal places (xsd:decimal's precision in Oxigraph), halves rounded up (fn:round)."""
    with localcontext() as context:
        context.prec = 60
        quotient = (1000 * change / base).quantize(Decimal("1e-18"), rounding=ROUND_DOWN)
        return (quotient + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR) / 10


@dataclass(slots=True)
class _Chains:
    """Indicator continuity followed through any number of years."""

    earlier: dict[str, IndicatorInfo]  # indicator IRI → the one it continues
    year: dict[str, int]  # indicator IRI → its project's budget year

    def ancestors(self, indicator: str) -> dict[int, str]:
        """The indicators ``indicator`` carries on, by budget year (one per year at most)."""
        out: dict[int, str] = {}
        seen = {indicator}
        current = self.earlier.get(indicator)
        while current is not None and current.iri not in seen:
            seen.add(current.iri)
            out.setdefault(self.year[current.iri], current.iri)
            current = self.earlier.get(current.iri)
        return out


def _chains(series: Sequence[Series], links: Iterable[IndicatorLink]) -> _Chains:
    year = {i.iri: p.year for s in series for p in s.members for i in p.indicators}
    for link in links:  # an earlier indicator is always some member's, but be safe
        year.setdefault(link.earlier.iri, link.earlier_project.year)
    return _Chains({link.indicator.iri: link.earlier for link in links}, year)


def _members_with_amount(members: Iterable[ProjectInfo]) -> list[ProjectInfo]:
    return [p for p in sorted(members, key=lambda p: p.row) if p.amount is not None]


def _series_year(iri: URIRef, year: int, members: Sequence[ProjectInfo]) -> list[Triple]:
    node = URIRef(f"{iri}/year/{year}")
    out: list[Triple] = [
        (node, _TYPE, _SERIES_YEAR),
        (node, _ABOUT_SERIES, iri),
        (node, _IN_YEAR, _integer(year)),
    ]
    counted = _members_with_amount(members)
    if counted:
        names = " / ".join(dict.fromkeys(p.name for p in counted))
        total = sum((p.amount for p in counted if p.amount is not None), Decimal(0))
        out += [
            (node, _PROJECT_COUNT, _integer(len({p.iri for p in counted}))),
            (node, _PROJECT_NAMES, Literal(names, lang="zh")),
            (node, _SERIES_AMOUNT, _decimal(total)),
        ]
    return out


def _comparison(
    iri: URIRef, year_a: int, year_b: int, a: Sequence[ProjectInfo], b: Sequence[ProjectInfo]
) -> tuple[URIRef, list[Triple]]:
    node = URIRef(f"{iri}/comparison/{year_a}/{year_b}")
    out: list[Triple] = [
        (node, _TYPE, _SERIES_COMPARISON),
        (node, _ABOUT_SERIES, iri),
        (node, _EARLIER_YEAR, _integer(year_a)),
        (node, _LATER_YEAR, _integer(year_b)),
        (node, _EARLIER_SERIES_YEAR, URIRef(f"{iri}/year/{year_a}")),
        (node, _LATER_SERIES_YEAR, URIRef(f"{iri}/year/{year_b}")),
    ]
    counted_a, counted_b = _members_with_amount(a), _members_with_amount(b)
    if counted_a and counted_b:
        total_a = sum((p.amount for p in counted_a if p.amount is not None), Decimal(0))
        total_b = sum((p.amount for p in counted_b if p.amount is not None), Decimal(0))
        change = total_b - total_a
        out.append((node, _AMOUNT_CHANGE, _decimal(change)))
        if total_a != 0:
            out.append((node, _AMOUNT_CHANGE_PERCENT, _decimal(_percent(change, total_a))))
    return node, out


def _target_changes(
    node: URIRef,
    year_a: int,
    a: Sequence[ProjectInfo],
    year_b: int,
    b: Sequence[ProjectInfo],
    chains: _Chains,
    targets: Mapping[str, TargetValue],
) -> list[Triple]:
    out: list[Triple] = []

    def change(local: str, kind: str, earlier: str | None, later: str | None) -> None:
        fact = URIRef(f"{node}/{local}")
        out.extend([(fact, _TYPE, _TARGET_CHANGE), (fact, _IN_COMPARISON, node)])
        if earlier is not None:
            out.append((fact, _EARLIER_INDICATOR, URIRef(earlier)))
        if later is not None:
            out.append((fact, _LATER_INDICATOR, URIRef(later)))
        out.append((fact, _CHANGE_KIND, _KINDS[kind]))

    carried: set[str] = set()  # indicators of year A that some indicator of year B carries on
    for project in sorted(b, key=lambda p: p.row):
        for indicator in project.indicators:
            old = chains.ancestors(indicator.iri).get(year_a)
            local = f"indicator/{project.row}/{indicator.position}"
            if old is not None:
                carried.add(old)
                before, after = targets.get(old), targets.get(indicator.iri)
                if before is not None and after is not None:
                    change(local, change_kind(before, after), old, indicator.iri)
            elif indicator.iri in targets:
                change(local, "added", None, indicator.iri)
    for project in sorted(a, key=lambda p: p.row):
        for indicator in project.indicators:
            if indicator.iri not in carried and indicator.iri in targets:
                change(
                    f"removed/{project.row}/{indicator.position}", "removed", indicator.iri, None
                )
    return out


def _status_changes(
    iri: URIRef, by_year: Mapping[int, list[ProjectInfo]], context: FactContext
) -> list[Triple]:
    out: list[Triple] = []

    def status(kind: str, project: ProjectInfo, year_a: int, year_b: int) -> None:
        fact = URIRef(f"{iri}/{kind}/{year_a}/{year_b}/{project.row}")
        out.extend(
            [
                (fact, _TYPE, _PROJECT_STATUS_CHANGE),
                (fact, _CHANGED_PROJECT, URIRef(project.iri)),
                (fact, _CHANGE_KIND, _KINDS[kind]),
                (fact, _EARLIER_YEAR, _integer(year_a)),
                (fact, _LATER_YEAR, _integer(year_b)),
            ]
        )

    for year in sorted(by_year):
        for project in sorted(by_year[year], key=lambda p: p.row):
            department = context.departments.get(project.iri)
            if department is None:
                continue
            for other in sorted(context.published.get(department, ())):
                if other < year and other not in by_year:
                    status("new", project, other, year)
                elif other > year and other not in by_year:
                    status("discontinued", project, year, other)
    return out


def fact_triples(
    series: Sequence[Series],
    links: Iterable[IndicatorLink],
    iris: Sequence[URIRef],
    context: FactContext,
) -> list[Triple]:
    """Every cross-year fact of ``series`` (whose IRIs are ``iris``), deterministic order."""
    chains = _chains(series, links)
    out: list[Triple] = []
    for s, iri in zip(series, iris, strict=True):
        by_year: dict[int, list[ProjectInfo]] = defaultdict(list)
        for project in s.members:
            by_year[project.year].append(project)
        out.append((iri, _YEAR_COUNT, _integer(len(by_year))))
        unit = next((context.units[p.iri] for p in s.members if p.iri in context.units), None)
        if unit is not None:
            out.append((iri, _SERIES_UNIT, URIRef(unit)))
        for year in sorted(by_year):
            out += _series_year(iri, year, by_year[year])
        for year_a, year_b in combinations(sorted(by_year), 2):
            node, triples = _comparison(iri, year_a, year_b, by_year[year_a], by_year[year_b])
            out += triples
            out += _target_changes(
                node, year_a, by_year[year_a], year_b, by_year[year_b], chains, context.targets
            )
        out += _status_changes(iri, by_year, context)
    return out
