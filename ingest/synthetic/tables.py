"""What the tables of a synthetic corpus say: each department's projects, year by year.

:func:`department_tables` follows a :class:`~.plan.DepartmentPlan` through its
budget years. Each project is a lineage: it recurs with amounts drifting ±20 %, targets that
change and indicators added or dropped; some are renamed in ways the series linker
(:mod:`jixiao.ingest.linking.series`) still links (contract periods, year and file-number
tags, 运维/运行维护, moved quotes, a changed generic word); new projects replace discontinued
ones. Amounts are integers in hundredths of 万元. The tables are plain data
(:class:`SyntheticTable` and its parts); :mod:`.render` writes them as source text.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from jixiao.ingest.linking.names import compare_names
from jixiao.ingest.synthetic.plan import DepartmentPlan
from jixiao.ingest.synthetic.triple_counts import INDICATOR_TRIPLES, TARGET_TRIPLES
from jixiao.ingest.synthetic.vocabulary import (
    ABBREVIATIONS,
    BRANDS,
    COUNT_RANGES,
    DOMAIN_TOPICS,
    FILE_ISSUERS,
    GENERIC_TOPICS,
    GOAL_AIMS,
    GOAL_EFFECTS,
    INDICATORS,
    IT_TOPIC,
    LEVEL2_CHOICES,
    QUALIFIERS,
    SPECIAL_ACCOUNT_UNITS,
    SUFFIX_ALTERNATIVES,
    SUFFIXES,
    TARGET_FORMS,
)

__all__ = [
    "SyntheticIndicator",
    "SyntheticProject",
    "SyntheticTable",
    "SyntheticUnit",
    "department_tables",
]


@dataclass(frozen=True, slots=True)
class SyntheticIndicator:
    """One indicator: its level-2 category code, name, and target form and numbers."""

    code: str  # "11"; the level-1 code is its first digit
    name: str
    kind: str  # a key of TARGET_FORMS
    unit: str
    form: int
    values: tuple[int, int, int, int]  # n, a, b, m
    period_values: tuple[int, int, int, int] | None = None  # when the period target differs

    def target(self, period: bool = False) -> str:
        n, a, b, m = (self.period_values or self.values) if period else self.values
        return TARGET_FORMS[self.kind][self.form][0].format(n=n, a=a, b=b, m=m, u=self.unit)

    def triples(self, layout: str) -> int:
        """The triples map_table gives for this indicator in ``layout``."""
        target = TARGET_TRIPLES + TARGET_FORMS[self.kind][self.form][1]
        if layout == "coded":
            return INDICATOR_TRIPLES + 2 + 2 * target
        return INDICATOR_TRIPLES + target


@dataclass(frozen=True, slots=True)
class SyntheticProject:
    """One project row; ``lineage`` is the same for the project in every year it recurs."""

    lineage: int
    name: str
    fiscal: int  # amounts in hundredths of 万元
    special_account: int
    other: int
    goal: str
    indicators: tuple[SyntheticIndicator, ...]

    @property
    def total(self) -> int:
        return self.fiscal + self.special_account + self.other


@dataclass(frozen=True, slots=True)
class SyntheticUnit:
    """A funding unit and its projects in one table."""

    name: str
    projects: tuple[SyntheticProject, ...]


@dataclass(frozen=True, slots=True)
class SyntheticTable:
    """What one department's table of one budget year says."""

    department: str
    year: int
    layout: str  # "labelled" (2023) or "coded" (2025)
    units: tuple[SyntheticUnit, ...]

    @property
    def projects(self) -> list[SyntheticProject]:
        """The project rows in table order (row number = index + 1)."""
        return [p for u in self.units for p in u.projects]


def _values(rng: random.Random, kind: str, unit: str, form: int) -> tuple[int, int, int, int]:
    """Numbers for target ``form`` of ``kind``: n, a (< n), b (> a), m."""
    pattern = TARGET_FORMS[kind][form][0]
    if kind == "share":
        n = rng.choice((80, 85, 90, 90, 95, 95, 95, 96, 98, 99, 100, 100))
        if pattern.startswith(("超过", ">")) or "以上" in pattern:
            n = min(n, 98)  # not "超过100%"
        return n, n - rng.choice((5, 10)), 0, 0
    if kind == "count":
        lo, hi = COUNT_RANGES.get(unit, (2, 100))
        n = rng.randint(lo, hi)
        if "余" in pattern:
            n = max(n, 20)  # "80余场", not "7余部"
        n = n // 10 * 10 if n >= 100 or "余" in pattern else n
        return n, max(1, n // 2), 0, 0
    a = rng.randint(1, 5)
    return rng.randint(2, 300), a, a + rng.randint(1, 20), rng.randint(5, 500) * 100


def _new_indicator(rng: random.Random, code: str) -> SyntheticIndicator:
    name, kind, *rest = rng.choice(INDICATORS[code])
    unit = rest[0] if rest else ""
    form = rng.randrange(len(TARGET_FORMS[kind]))
    period = None
    if kind in ("count", "crowd", "gain") and rng.random() < 0.08:
        period = _values(rng, kind, unit, form)
    return SyntheticIndicator(code, name, kind, unit, form, _values(rng, kind, unit, form), period)


def _level2(rng: random.Random, level1: str) -> str:
    codes, weights = LEVEL2_CHOICES[level1]
    return rng.choices(codes, weights)[0]


# How many indicators a new project has, with weights.
_INDICATOR_COUNTS = tuple(range(3, 16))
_INDICATOR_WEIGHTS = (4, 6, 8, 10, 11, 11, 10, 9, 8, 7, 6, 5, 5)


def _new_indicators(rng: random.Random) -> list[SyntheticIndicator]:
    n = rng.choices(_INDICATOR_COUNTS, _INDICATOR_WEIGHTS)[0]
    satisfaction = 1 if rng.random() < 0.8 else 0
    cost = 1 if rng.random() < 0.1 else 0
    effect = max(1, (n * rng.randint(15, 35) + 50) // 100)
    output = max(1, n - satisfaction - cost - effect)
    levels = ["1"] * output + ["2"] * effect + ["3"] * satisfaction + ["4"] * cost
    out: list[SyntheticIndicator] = []
    names: set[str] = set()
    for level1 in levels:
        for _ in range(4):  # distinct names within a project, where the pool allows
            indicator = _new_indicator(rng, _level2(rng, level1))
            if indicator.name not in names:
                break
        names.add(indicator.name)
        out.append(indicator)
    rng.shuffle(out)
    return out


def _evolve_indicators(
    rng: random.Random, indicators: list[SyntheticIndicator]
) -> list[SyntheticIndicator]:
    """Next year's indicators: some targets change, one may be added or dropped."""
    out = []
    for ind in indicators:
        r = rng.random()
        if r < 0.2:  # a new number
            ind = SyntheticIndicator(
                ind.code, ind.name, ind.kind, ind.unit, ind.form,
                _values(rng, ind.kind, ind.unit, ind.form), ind.period_values,
            )  # fmt: skip
        elif r < 0.25:  # reworded
            form = rng.randrange(len(TARGET_FORMS[ind.kind]))
            values = _values(rng, ind.kind, ind.unit, form)
            ind = SyntheticIndicator(ind.code, ind.name, ind.kind, ind.unit, form, values)
        out.append(ind)
    if len(out) > 3 and rng.random() < 0.1:
        out.pop(rng.randrange(len(out)))
    if len(out) < 15 and rng.random() < 0.12:
        level1 = rng.choice(("1", "1", "1", "2", "2"))
        out.insert(rng.randint(0, len(out)), _new_indicator(rng, _level2(rng, level1)))
    return out


def _goal(rng: random.Random, topic: str, city: str) -> str:
    aim, effect = rng.choice(GOAL_AIMS), rng.choice(GOAL_EFFECTS)
    pattern = rng.randrange(4)
    if pattern == 0:
        return f"通过开展{topic}，{aim}，{effect}。"
    if pattern == 1:
        return f"{aim}，做好{topic}各项工作，{effect}。"
    if pattern == 2:
        return f"本项目用于{topic}，{aim}，{effect}，{rng.choice(GOAL_EFFECTS)}。"
    n = rng.randint(2, 60)
    return f"围绕{city}中心工作，推进{topic}，{aim}；全年完成相关任务不少于{n}项，{effect}。"


def _swap_abbreviation(topic: str) -> str:
    for long, short in ABBREVIATIONS:
        if long in topic:
            return topic.replace(long, short)
        if short in topic:
            return topic.replace(short, long)
    return topic


@dataclass(slots=True)
class _Lineage:
    """A project followed across years: what stays, and what drifts."""

    id: int
    topic: str
    kind: str  # plain, brand, it, contract, grant
    suffix: str
    city: str
    cents: int
    shares: tuple[int, int]  # per mille of the total from the special account, other funds
    rounding: int
    goal: str
    indicators: list[SyntheticIndicator]
    start: int = 0  # of the current contract
    variant: int = 0  # the brand's quote position; the period's spelling
    swapped: bool = False  # 运维 for 运行维护 (or the other way round)
    issuer: str = ""
    file_number: int = 0
    tag: str = ""

    def name(self, year: int, unit: str) -> str:
        topic = _swap_abbreviation(self.topic) if self.swapped else self.topic
        if self.kind == "brand":
            return f"“{topic}计划”项目经费" if self.variant == 0 else f"“{topic}”计划项目经费"
        if self.kind == "it":
            s = self.start
            period = f"{s}-{s + 1}年" if self.variant == 0 else f"{s}年-{s + 1}年"
            tag = self.tag.format(year=year)
            return f"{unit}{period}{topic}项目{tag}"
        if self.kind == "contract":
            return f"{topic}项目（{self.start}-{self.start + 2}年）"
        if self.kind == "grant":
            return f"{year}年{topic}补助资金（{self.issuer}〔{year - 1}〕{self.file_number}号）"
        if topic.endswith("工作") and self.suffix.startswith("工作"):
            return f"{topic}{self.suffix[2:]}"  # not "党建工作工作经费"
        return f"{topic}{self.suffix}"

    def project(self, year: int, unit: str) -> SyntheticProject:
        special = self.cents * self.shares[0] // 1000
        other = self.cents * self.shares[1] // 1000
        return SyntheticProject(
            self.id, self.name(year, unit), self.cents - special - other, special, other,
            self.goal, tuple(self.indicators),
        )  # fmt: skip


# First-year totals in hundredths of 万元: 2–10, 10–100, 100–500, 500–3,000 万元 (integers
# only, so that no floating-point library can make two machines differ).
_AMOUNT_RANGES = ((200, 1_000), (1_000, 10_000), (10_000, 50_000), (50_000, 300_000))


def _amount(rng: random.Random) -> tuple[int, int]:
    """A first-year total (hundredths of 万元) and the rounding it keeps."""
    lo, hi = rng.choices(_AMOUNT_RANGES, (25, 40, 25, 10))[0]
    cents = rng.randint(lo, hi) * (10 if rng.random() < 0.03 else 1)
    rounding = rng.choices((100, 10, 1), (55, 15, 30))[0]
    return max(rounding, cents // rounding * rounding), rounding


def _shares(rng: random.Random, special_unit: bool) -> tuple[int, int]:
    if special_unit:
        return rng.choices(((0, 0), (1000, 0), (600, 0), (500, 0), (400, 100)), (4, 2, 2, 1, 1))[0]
    return rng.choices(((0, 0), (0, 1000), (0, 300), (200, 0), (300, 200)), (85, 4, 5, 3, 3))[0]


@dataclass(slots=True)
class _UnitState:
    name: str
    special: bool
    topics: list[str]  # not yet used, in the order they will be
    used: list[str] = field(default_factory=list)
    live: list[_Lineage] = field(default_factory=list)
    has_it: bool = False


class _Department:
    """The evolving state of one department's projects, year by year."""

    def __init__(self, plan: DepartmentPlan) -> None:
        self.plan = plan
        self.rng = random.Random(f"jixiao-synthetic:{plan.seed}:{plan.index}:{plan.slug}")
        self.brands = list(BRANDS[plan.domain])
        self.rng.shuffle(self.brands)
        self.next_id = 1
        pool = GENERIC_TOPICS + DOMAIN_TOPICS[plan.domain]
        self.units = [
            _UnitState(
                u.name,
                any(k in u.name for k in SPECIAL_ACCOUNT_UNITS),
                self.rng.sample(pool, len(pool)),
            )
            for u in plan.units
        ]

    def topic(self, unit: _UnitState) -> str:
        if unit.topics:
            topic = unit.topics.pop()
        else:  # every topic used: qualify one, unlike any used before
            for _ in range(20):
                topic = self.rng.choice(QUALIFIERS) + self.rng.choice(unit.used)
                if all(compare_names(topic, old)[1] < 0.7 for old in unit.used):
                    break
        unit.used.append(topic)
        return topic

    def new_lineage(self, unit: _UnitState, year: int) -> _Lineage:
        rng = self.rng
        cents, rounding = _amount(rng)
        r = rng.random()
        kind = "plain"
        if r < 0.05 and self.brands:
            kind, topic = "brand", self.brands.pop()
        elif r < 0.17 and not unit.has_it:
            kind, topic, unit.has_it = "it", IT_TOPIC, True
        else:
            topic = self.topic(unit)
            kind = "contract" if r < 0.23 else "grant" if r < 0.28 else "plain"
        lineage = _Lineage(
            self.next_id, topic, kind, rng.choice(SUFFIXES), self.plan.city, cents,
            _shares(rng, unit.special), rounding, _goal(rng, topic, self.plan.city),
            _new_indicators(rng), start=year - rng.randint(0, 1), variant=rng.randint(0, 1),
            issuer=rng.choice(FILE_ISSUERS), file_number=rng.randint(10, 400),
            tag=rng.choice(("（{year}）", "({year})", "")),
        )  # fmt: skip
        self.next_id += 1
        return lineage

    def evolve(self, lineage: _Lineage, year: int, unit: str) -> None:
        """The lineage one year on: amounts drift ±20 %, targets change, names may change."""
        rng = self.rng
        cents = lineage.cents * rng.randint(800, 1200) // 1000
        lineage.cents = max(lineage.rounding, cents // lineage.rounding * lineage.rounding)
        length = {"it": 2, "contract": 3}.get(lineage.kind)
        if length is not None and year - lineage.start >= length:
            lineage.start = year  # a new contract
        lineage.file_number = rng.randint(10, 400)
        if rng.random() < 0.15:
            lineage.goal = _goal(rng, lineage.topic, lineage.city)
        lineage.indicators = _evolve_indicators(rng, lineage.indicators)
        if rng.random() < 0.1:
            self.rename(lineage, year, unit)

    def rename(self, lineage: _Lineage, year: int, unit: str) -> None:
        """A change of name the series linker should see through (else none)."""
        before = lineage.name(year, unit)
        if lineage.kind == "brand":
            lineage.variant = 1 - lineage.variant
        elif _swap_abbreviation(lineage.topic) != lineage.topic:
            lineage.swapped = not lineage.swapped
        elif lineage.kind == "plain":
            old = lineage.suffix
            lineage.suffix = self.rng.choice([s for s in SUFFIX_ALTERNATIVES if s != old])
            if compare_names(before, lineage.name(year, unit))[1] < 0.75:
                lineage.suffix = old

    def tables(self) -> Iterator[SyntheticTable]:
        plan, rng = self.plan, self.rng
        for i, year in enumerate(plan.years):
            units = []
            for state, unit_plan in zip(self.units, plan.units, strict=True):
                live = [lineage for lineage in state.live if rng.random() < 0.85]
                for lineage in live:
                    self.evolve(lineage, year, state.name)
                want = unit_plan.projects[i]
                while len(live) > want:
                    live.pop(rng.randrange(len(live)))
                while len(live) < want:
                    live.insert(rng.randint(0, len(live)), self.new_lineage(state, year))
                state.live = live
                projects = tuple(lineage.project(year, state.name) for lineage in live)
                units.append(SyntheticUnit(state.name, projects))
            yield SyntheticTable(plan.name, year, plan.layout(year), tuple(units))


def department_tables(department: DepartmentPlan) -> Iterator[SyntheticTable]:
    """What the department's table says in each of its years, earliest first."""
    return _Department(department).tables()
