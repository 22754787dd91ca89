"""Checks that span documents, as SPARQL on the store: what per-document validation cannot see.

Each document is validated on its own (:func:`.validate.validate_graph`); what
links documents — funding units shared across years, the series and continuity graphs — is
checked here with one SELECT per rule over the whole store, so the cost is one query per rule
however many documents there are. Each finding has the same shape as a validation result: a
rule, a severity, a focus node and a message in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from jixiao.ontology import sparql_prologue

__all__ = ["CHECKS", "Finding", "Queryable", "StoreCheck", "check_store"]

_PREFIXES = sparql_prologue("jx", "org", "rdfs")


class Queryable(Protocol):
    """What the checks need of a store: SPARQL over its union default graph, answered with
    pyoxigraph's result types (every jixiao store is one)."""

    def query(self, sparql: str, /) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """The answer to ``sparql``."""
        ...


@dataclass(frozen=True, slots=True)
class StoreCheck:
    """One cross-document rule: a SELECT of ``?this`` (and ``?value``) for each finding."""

    name: str
    severity: str
    zh: str
    en: str
    select: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a cross-document check found."""

    check: str
    severity: str
    focus: str
    value: str | None
    messages: dict[str, str]


CHECKS: tuple[StoreCheck, ...] = (
    StoreCheck(
        "FundingUnitOneDepartment",
        "Violation",
        "资金使用单位隶属于多个部门",
        "the funding unit is a sub-organisation of more than one department",
        """SELECT DISTINCT ?this ?value WHERE {
               ?this org:subOrganizationOf ?value , ?other . FILTER (?value != ?other) }""",
    ),
    StoreCheck(
        "DescribedFundingUnit",
        "Violation",
        "项目或单位小计的资金使用单位未在组织图中描述",
        "the funding unit of a project or unit budget is not described as a jx:FundingUnit",
        """SELECT DISTINCT ?this ?value WHERE {
               ?this jx:fundingUnit ?value . FILTER NOT EXISTS { ?value a jx:FundingUnit } }""",
    ),
    StoreCheck(
        "SeriesOnePerYear",
        "Warning",
        "项目系列在同一预算年度有多个项目",
        "the project series has more than one project in one budget year",
        """SELECT DISTINCT ?this ?value WHERE {
               ?value jx:series ?this ; jx:budgetYear ?year .
               ?other jx:series ?this ; jx:budgetYear ?year . FILTER (?value != ?other) }""",
    ),
    StoreCheck(
        "SeriesOneUnit",
        "Violation",
        "项目系列的成员属于不同的资金使用单位",
        "the members of the project series belong to different funding units",
        """SELECT DISTINCT ?this ?value WHERE {
               ?value jx:series ?this ; jx:fundingUnit ?unit .
               ?other jx:series ?this ; jx:fundingUnit ?otherUnit .
               FILTER (?unit != ?otherUnit) }""",
    ),
    StoreCheck(
        "ContinuesEarlier",
        "Violation",
        "指标所延续的指标不属于较早预算年度的同一项目系列",
        "the continued indicator is not of an earlier budget year in the same project series",
        """SELECT DISTINCT ?this ?value WHERE {
               ?this jx:continues ?value .
               ?project jx:hasIndicator ?this ; jx:budgetYear ?year .
               FILTER NOT EXISTS {
                   ?earlier jx:hasIndicator ?value ; jx:budgetYear ?earlierYear .
                   ?project jx:series ?series . ?earlier jx:series ?series .
                   FILTER (?earlierYear < ?year) } }""",
    ),
)


def check_store(store: Queryable, checks: tuple[StoreCheck, ...] = CHECKS) -> list[Finding]:
    """Run the cross-document checks over the whole store (its union default graph)."""
    findings = []
    for check in checks:
        rows = store.query(_PREFIXES + check.select)
        if not isinstance(rows, ox.QuerySolutions):
            raise TypeError(f"{check.name}: a SELECT answered {type(rows).__name__}")
        for row in rows:
            focus, value = row["this"], row["value"]
            findings.append(
                Finding(
                    check=check.name,
                    severity=check.severity,
                    focus=focus.value,
                    value=value.value if value is not None else None,
                    messages={"zh": check.zh, "en": check.en},
                )
            )
    return findings
