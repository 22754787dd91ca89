"""Series linking: the same project followed across budget years, and its indicators.

:func:`link_series` groups the projects of each funding unit into series, year by year from
the earliest: the projects of one year with the same normalised name form one group (a year
may hold two projects of one name, or the two tranches of a contract); each group joins the
series whose latest projects it matches best — exact name, then normalised name, then name
similarity at or above a threshold — one group per series, strongest match first; a group
that matches nothing well enough starts a new series rather than guess. Curated overrides
(:mod:`.overrides`) always win. :func:`link_indicators` then links each indicator to the one
it carries on from the nearest earlier year of its series.

Pure and deterministic: plain values in, plain values (and :func:`series_triples`) out; the
same projects always give the same series, and adding a later year never changes the series
of the earlier ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, combinations, count

from jixiao.ingest.iris import name_key
from jixiao.ingest.linking.names import (
    Method,
    compare_names,
    compare_names_at_least,
    match_indicator_names,
    normalize_name,
)
from jixiao.ingest.linking.overrides import Overrides

__all__ = [
    "INDICATOR_THRESHOLD",
    "PROJECT_THRESHOLD",
    "IndicatorInfo",
    "IndicatorLink",
    "Link",
    "ProjectInfo",
    "Series",
    "link_indicators",
    "link_series",
]

PROJECT_THRESHOLD = 0.7  # least name similarity for two projects to be linked
INDICATOR_THRESHOLD = 0.8  # least name similarity for an indicator to continue another


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """One indicator of a project, as the linker needs it."""

    iri: str
    position: int
    name: str
    level1: str | None = None  # the level-1 category (IRI or label); similar names must share it


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    """One project row, as the linker needs it."""

    iri: str
    department: str
    unit: str
    year: int
    row: int
    name: str
    amount: Decimal | None = None
    indicators: tuple[IndicatorInfo, ...] = ()

    @property
    def unit_key(self) -> tuple[str, str]:
        return (self.department, self.unit)


@dataclass(frozen=True, slots=True)
class Link:
    """How a project joined its series: the earlier project it matched, method and score."""

    project: ProjectInfo
    matched: ProjectInfo
    method: Method
    score: float


@dataclass(slots=True)
class Series:
    """Projects of one funding unit that are one project across budget years."""

    key: str  # unique within the funding unit; from the first project's normalised name
    department: str
    unit: str
    members: list[ProjectInfo] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The name of the first project (stable when later years are added)."""
        return self.members[0].name

    @property
    def years(self) -> list[int]:
        return sorted({p.year for p in self.members})

    def in_year(self, year: int) -> list[ProjectInfo]:
        return [p for p in self.members if p.year == year]

    def latest_before(self, year: int) -> list[ProjectInfo]:
        """The members of the nearest year before ``year`` that has members."""
        earlier = [y for y in self.years if y < year]
        return self.in_year(earlier[-1]) if earlier else []


@dataclass(frozen=True, slots=True)
class IndicatorLink:
    """An indicator and the one of the nearest earlier year of its series it carries on."""

    series: Series
    project: ProjectInfo
    indicator: IndicatorInfo
    earlier_project: ProjectInfo
    earlier: IndicatorInfo
    method: Method
    score: float


# --- overrides -------------------------------------------------------------------------------


def _verdict(overrides: Overrides, a: ProjectInfo, b: ProjectInfo) -> bool | None:
    """True if an override says ``a`` and ``b`` are the same, False if not, else None."""
    verdict: bool | None = None
    for item in overrides.items:
        hit = (
            item.first.matches(a.unit, a.year, a.name, a.row)
            and item.second.matches(b.unit, b.year, b.name, b.row)
        ) or (
            item.first.matches(b.unit, b.year, b.name, b.row)
            and item.second.matches(a.unit, a.year, a.name, a.row)
        )
        if hit:
            if not item.same:
                return False  # "not the same" is the safer word when two entries disagree
            verdict = True
    return verdict


# --- grouping one year -----------------------------------------------------------------------


def _groups(projects: Sequence[ProjectInfo], overrides: Overrides) -> list[list[ProjectInfo]]:
    """The projects of one unit and year grouped by normalised name, in row order.

    A project joins the first group of its normalised name that holds nothing declared
    different from it; groups that an override declares the same are merged.
    """
    groups: list[list[ProjectInfo]] = []
    for project in sorted(projects, key=lambda p: p.row):
        norm = normalize_name(project.name)
        for group in groups:
            if normalize_name(group[0].name) == norm and all(
                _verdict(overrides, project, other) is not False for other in group
            ):
                group.append(project)
                break
        else:
            groups.append([project])
    merged = True
    while merged:
        merged = False
        for i, j in combinations(range(len(groups)), 2):
            pairs = [(a, b) for a in groups[i] for b in groups[j]]
            verdicts = [_verdict(overrides, a, b) for a, b in pairs]
            if True in verdicts and False not in verdicts:
                groups[i] = sorted(groups[i] + groups.pop(j), key=lambda p: p.row)
                merged = True
                break
    return groups


def _best(project: ProjectInfo, earlier: Sequence[ProjectInfo]) -> tuple[Method, float, int]:
    """The best match of ``project`` among ``earlier``: method, score and index."""
    best: tuple[Method, float, int] | None = None
    for index, other in enumerate(earlier):
        method, score = compare_names(other.name, project.name)
        if best is None or (-score, method.rank) < (-best[1], best[0].rank):
            best = (method, score, index)
    assert best is not None
    return best


def _best_reaching(
    group: Sequence[ProjectInfo], earlier: Sequence[ProjectInfo], threshold: float
) -> tuple[Method, float] | None:
    """The best method and score of any project of ``group`` against any of ``earlier``
    (what :func:`_best` finds for each, the best of those), if it reaches ``threshold``;
    None if none does (most pairs: ruled out before their score is computed)."""
    found = [
        reached
        for p in group
        for q in earlier
        if (reached := compare_names_at_least(q.name, p.name, threshold)) is not None
    ]
    return min(found, key=lambda m: (-m[1], m[0].rank)) if found else None


# --- linking ---------------------------------------------------------------------------------


def _link_unit(
    projects: Sequence[ProjectInfo], overrides: Overrides, threshold: float
) -> list[Series]:
    series: list[Series] = []
    by_year: dict[int, list[ProjectInfo]] = defaultdict(list)
    for project in projects:
        by_year[project.year].append(project)
    for year in sorted(by_year):
        groups = _groups(by_year[year], overrides)
        joined: dict[int, tuple[int, Method, ProjectInfo | None]] = {}
        taken: set[int] = set()
        candidates: list[tuple[float, int, int, int, Method]] = []
        for g, group in enumerate(groups):
            for s, existing in enumerate(series):
                latest = existing.latest_before(year)
                verdicts = [_verdict(overrides, p, q) for p in group for q in existing.members]
                if False in verdicts:
                    continue
                if True in verdicts and g not in joined:
                    earlier = next(
                        q
                        for p in group
                        for q in existing.members
                        if _verdict(overrides, p, q) is True
                    )
                    joined[g] = (s, Method.CURATED, earlier)
                    taken.add(s)
                    continue
                reaching = _best_reaching(group, latest, threshold)
                if reaching is not None:
                    method, score = reaching
                    candidates.append((-score, method.rank, s, g, method))
        for _, _, s, g, method in sorted(candidates, key=lambda c: c[:4]):
            if s not in taken and g not in joined:
                joined[g] = (s, method, None)
                taken.add(s)
        for g, group in enumerate(groups):
            if g not in joined:
                first = group[0]
                series.append(Series(_key(series, first), first.department, first.unit, group))
                continue
            s, method, curated = joined[g]
            target = series[s]
            latest = target.latest_before(year)
            for project in group:
                if curated is not None:
                    link = Link(project, curated, Method.CURATED, 1.0)
                else:
                    m, score, index = _best(project, latest)
                    link = Link(project, latest[index], m, score)
                target.links.append(link)
            target.members.extend(group)
    return series


def _key(series: Sequence[Series], founder: ProjectInfo) -> str:
    """A key unique within the unit: the normalised name's key, then with the year if taken."""
    used = {s.key for s in series}
    base = name_key(normalize_name(founder.name) or founder.name)
    keys = chain([base, f"{base}-{founder.year}"], (f"{base}-{founder.year}-{n}" for n in count(2)))
    return next(k for k in keys if k not in used)


def link_series(
    projects: Iterable[ProjectInfo],
    overrides: Overrides | None = None,
    threshold: float = PROJECT_THRESHOLD,
) -> list[Series]:
    """Group projects into series, per funding unit, across any number of budget years.

    Every project ends in exactly one series (a project that recurs nowhere is a series of
    one). The result is ordered by department, unit and series key.
    """
    overrides = overrides or Overrides()
    by_unit: dict[tuple[str, str], list[ProjectInfo]] = defaultdict(list)
    for project in projects:
        by_unit[project.unit_key].append(project)
    out: list[Series] = []
    for unit_key in sorted(by_unit):
        out.extend(sorted(_link_unit(by_unit[unit_key], overrides, threshold), key=_series_order))
    return out


def _series_order(series: Series) -> tuple[int, int, str]:
    first = series.members[0]
    return (first.year, first.row, series.key)


# --- indicator continuity --------------------------------------------------------------------


def link_indicators(
    series: Iterable[Series], threshold: float = INDICATOR_THRESHOLD
) -> list[IndicatorLink]:
    """Link each indicator to the one it carries on from the nearest earlier year.

    Within a series, each project's indicators are matched one to one against the indicators
    of the series' projects of the nearest earlier year (by exact, then normalised name, then
    similarity at or above ``threshold`` within the same level-1 category); the project it
    was linked to is preferred, then the nearer position.
    """
    out: list[IndicatorLink] = []
    for s in series:
        matched = {link.project.iri: link.matched.iri for link in s.links}
        for project in sorted(s.members, key=lambda p: (p.year, p.row)):
            earlier_projects = s.latest_before(project.year)
            candidates = []
            for old_project in earlier_projects:
                preferred = 0 if matched.get(project.iri) == old_project.iri else 1
                for new in project.indicators:
                    for old in old_project.indicators:
                        found = match_indicator_names(
                            old.name,
                            new.name,
                            at_least=threshold if old.level1 == new.level1 else None,
                        )
                        if found is None:
                            continue
                        method, score = found
                        order = (
                            -score,
                            method.rank,
                            preferred,
                            abs(old.position - new.position),
                            new.position,
                            old_project.row,
                            old.position,
                        )
                        candidates.append((order, new, old_project, old, method, score))
            used_new: set[str] = set()
            used_old: set[str] = set()
            for _, new, old_project, old, method, score in sorted(candidates, key=lambda c: c[0]):
                if new.iri in used_new or old.iri in used_old:
                    continue
                used_new.add(new.iri)
                used_old.add(old.iri)
                out.append(IndicatorLink(s, project, new, old_project, old, method, score))
    out.sort(key=lambda link: (link.project.iri, link.indicator.position))
    return out
