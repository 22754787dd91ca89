"""The plan of a synthetic corpus: its departments, their budget years, units and projects.

:func:`plan_corpus` draws departments (named from :mod:`.vocabulary`) one at a time,
each with one to six budget years, the year it switches from the labelled (2023) to the coded
(2025) layout, and one to six funding units with a number of projects in each year, until the
estimated triples reach the number asked for. What the tables then say is
:mod:`.tables`'s job.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from jixiao.ingest.synthetic.triple_counts import DOCUMENT_TRIPLES, PROJECT_ESTIMATE, UNIT_TRIPLES
from jixiao.ingest.synthetic.vocabulary import (
    AGENCIES,
    CITIES,
    DISTRICTS,
    DOMAIN_UNITS,
    GENERIC_UNITS,
)

__all__ = [
    "CorpusPlan",
    "DepartmentPlan",
    "UnitPlan",
    "plan_corpus",
]


@dataclass(frozen=True, slots=True)
class UnitPlan:
    """A funding unit and how many projects it has in each of its department's years."""

    name: str
    projects: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DepartmentPlan:
    """One department: its years, the first year in the coded layout, its funding units."""

    index: int
    seed: int
    name: str
    slug: str
    city: str
    short: str
    domain: str
    years: tuple[int, ...]
    coded_from: int  # years from this one on use the coded (2025) layout
    units: tuple[UnitPlan, ...]

    def layout(self, year: int) -> str:
        return "coded" if year >= self.coded_from else "labelled"

    @property
    def projects(self) -> int:
        return sum(sum(u.projects) for u in self.units)

    @property
    def estimated_triples(self) -> int:
        total = 0.0
        for i, year in enumerate(self.years):
            per_project = PROJECT_ESTIMATE[self.layout(year)]
            total += DOCUMENT_TRIPLES + sum(
                UNIT_TRIPLES + u.projects[i] * per_project for u in self.units
            )
        return round(total)


@dataclass(frozen=True, slots=True)
class CorpusPlan:
    """The departments of a corpus."""

    seed: int
    departments: tuple[DepartmentPlan, ...]

    @property
    def estimated_triples(self) -> int:
        return sum(d.estimated_triples for d in self.departments)

    @property
    def files(self) -> int:
        return sum(len(d.years) for d in self.departments)


def _department_names(rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """Every department name the generator knows, shuffled: (name, slug, city, short, domain)."""
    names = [
        (city + name, f"{cslug}-{slug}", city, short, domain)
        for city, cslug in CITIES
        for name, short, slug, domain, levels in AGENCIES
        if "c" in levels
    ]
    names += [
        (f"广州市{district}{name}", f"gz-{dslug}-{slug}", f"广州市{district}", short, domain)
        for district, dslug in DISTRICTS
        for name, short, slug, domain, levels in AGENCIES
        if "d" in levels
    ]
    rng.shuffle(names)
    return names


def _unit_names(
    rng: random.Random, department: str, city: str, short: str, domain: str
) -> list[str]:
    pool = [p.format(c=city, s=short) for p in GENERIC_UNITS + DOMAIN_UNITS[domain]]
    rng.shuffle(pool)
    first = department if rng.random() < 0.8 else f"{department}机关"
    return [first] + [name for name in pool if name != first]


def _draw_department(
    rng: random.Random, index: int, seed: int, entry: tuple[str, str, str, str, str], scale: float
) -> DepartmentPlan:
    name, slug, city, short, domain = entry
    n_years = rng.choices((1, 2, 3, 4, 5, 6), (1, 3, 4, 4, 3, 2))[0]
    last = rng.randint(2023, 2026)
    years = tuple(range(last - n_years + 1, last + 1))
    style = rng.random()
    if style < 0.15:
        coded_from = years[-1] + 1  # labelled throughout
    elif style < 0.3 or n_years == 1:
        coded_from = years[0] if rng.random() < 0.5 else years[-1] + 1
    else:  # switches, mostly in 2024 or 2025, as Guangzhou's tables did
        switch = rng.choice((2022, 2023, 2024, 2024, 2025, 2025, 2026))
        coded_from = min(max(switch, years[1]), years[-1])
    n_units = rng.choices((1, 2, 3, 4, 5, 6), (3, 3, 3, 2, 2, 1))[0]
    units = []
    for u, unit in enumerate(_unit_names(rng, name, city, short, domain)[:n_units]):
        base = rng.randint(3, 18) if u == 0 else rng.randint(1, 10)
        counts = []
        for _ in years:
            counts.append(max(1, round(base * scale)))
            base = max(1, base + rng.choice((-1, 0, 0, 0, 1)))
        units.append(UnitPlan(unit, tuple(counts)))
    return DepartmentPlan(
        index, seed, name, slug, city, short, domain, years, coded_from, tuple(units)
    )


def _fit(plan: DepartmentPlan, budget: float) -> DepartmentPlan:
    """The department made smaller (fewer projects, then units, then years) to fit ``budget``."""
    if plan.estimated_triples <= budget:
        return plan
    factor = budget / plan.estimated_triples
    units = tuple(
        UnitPlan(u.name, tuple(max(1, round(c * factor)) for c in u.projects)) for u in plan.units
    )
    plan = replace(plan, units=units)
    while plan.estimated_triples > budget * 1.05 and (len(plan.units) > 1 or len(plan.years) > 1):
        if len(plan.units) > 1:
            plan = replace(plan, units=plan.units[:-1])
        else:
            cut = tuple(UnitPlan(u.name, u.projects[1:]) for u in plan.units)
            plan = replace(plan, units=cut, years=plan.years[1:])
    return plan


def plan_corpus(triples: int, *, seed: int = 0) -> CorpusPlan:
    """Departments, years, units and projects that come to about ``triples`` mapped triples.

    Departments are drawn one by one (one to six years, one to six units of one to twenty
    projects) until the estimate reaches the request; none takes more than a third of a small
    corpus, so even 20 k triples have several departments, and the last is cut to fit.
    """
    if triples <= 0:
        raise ValueError("the number of triples must be positive")
    rng = random.Random(f"jixiao-synthetic-plan:{seed}")
    names = _department_names(rng)
    typical = 17_000  # triples of an average department, for spreading very large corpora
    scale = max(1.0, triples / (0.8 * len(names) * typical))
    cap = max(triples / 3, 6_000)
    departments: list[DepartmentPlan] = []
    remaining = float(triples)
    smallest = DOCUMENT_TRIPLES + UNIT_TRIPLES + PROJECT_ESTIMATE["labelled"]
    while remaining >= smallest and len(departments) < len(names):
        index = len(departments)
        plan = _draw_department(rng, index, seed, names[index], scale)
        plan = _fit(plan, min(cap, remaining))
        departments.append(plan)
        remaining -= plan.estimated_triples
    return CorpusPlan(seed, tuple(departments))
