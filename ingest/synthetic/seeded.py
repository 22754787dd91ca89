"""A bench corpus made by multiplying the real seed tables across departments and years.

Where :mod:`jixiao.ingest.synthetic` writes tables from word pools, this one starts from the
two real tables of ``ingest/seeds/`` (a 2023 labelled and a 2025 coded layout) and writes,
for each of ``departments`` departments and each budget year of ``years``, one of them
edited line by line — so what the extraction left (``<p>`` tags, spaced amounts
``2, 501. 00``, blank lines, the long free-text indicators) stays as it was:

- **renamed departments**: department 0 keeps the seeds' names; department *k* is a
  Guangdong city (or a Guangzhou district) with an agency, and its funding units are named
  after it (广州市科学技术协会 → 深圳市教育局, 广州科学馆 → 深圳市教育局科学馆 …);
- **years**: a department switches from the labelled (2023) to the coded (2025) table in a
  year of its own; the years written in names and texts move with the budget year
  (2023-2024年信息化运维项目 → 2020-2021年…);
- **projects come and go**: each has its own span of years (the first of each unit always
  there), and some drift in name from a year on in ways the series linker still links
  (运行维护/运维, a changed generic word, quotes);
- **varied indicator numbers**: the numbers of the target values change from year to year
  (percentages stay percentages, 0 stays 0, years are left alone), so targets increase,
  decrease or stay;
- **arithmetic kept**: every project's amounts are scaled in hundredths of 万元 and its 总计
  written as 财政拨款 + 财政专户拨款 + 其他资金; every unit's subtotal is the sum of its
  projects and 合计 the sum of the units.

The random generator is seeded from ``seed``, the department and the year only: the same
arguments always give the same bytes. 31 departments × 2019–2025 is 217 tables, ~1M triples.

    python -m jixiao.ingest.synthetic OUT_DIR --from-seeds --triples N [--seed S]
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

from jixiao.ingest.synthetic.vocabulary import AGENCIES, CITIES, DISTRICTS

__all__ = [
    "SEED_TABLES",
    "SeededDepartment",
    "generate_seeded_corpus",
    "plan_seeded",
    "seeded_table",
]

# The two seeds: (file, year, layout, triples map_table gives per project, per table)
SEED_TABLES = {
    "labelled": ("gzast-2023-project-performance-targets.txt", 2023, 127, 36),
    "coded": ("gzast-2025-project-performance-targets.txt", 2025, 184, 36),
}
YEARS = tuple(range(2019, 2026))
_ORIGINAL = "广州市科学技术协会"
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(%?)")
_VALUE = re.compile(r"(指标值[:：])([^；;。]*)")
_DRIFTS = (("运行维护", "运维"), ("青少年", "青少"), ("经费", "专项经费"), ("项目", "工作项目"))


@dataclass(frozen=True, slots=True)
class SeededDepartment:
    """One department of the corpus: its names, the year it switches layout, and which
    seed projects (by row index) it has in which years."""

    index: int
    name: str
    slug: str
    place: str
    short: str  # the agency's short name
    coded_from: int
    spans: dict[tuple[str, int], tuple[int, int]]  # (layout, row) → (first, last year)
    drifts: dict[tuple[str, int], tuple[int, int]]  # (layout, row) → (from year, which drift)

    def layout(self, year: int) -> str:
        return "coded" if year >= self.coded_from else "labelled"


def _seed_lines(layout: str) -> list[str]:
    return list(_seed_text(layout))


@functools.cache
def _seed_text(layout: str) -> tuple[str, ...]:
    name = SEED_TABLES[layout][0]
    text = files("jixiao.ingest").joinpath("seeds").joinpath(name).read_text(encoding="utf-8")
    return tuple(text.split("\n"))


def _cells(line: str) -> list[str]:
    return line.split("\t")


def _plain(cell: str) -> str:
    return re.sub(r"</?p>", "", cell).strip()


def _rows(lines: list[str]) -> list[tuple[int, str]]:
    """(line index, "total" | "unit" | "project") of each table row below the header."""
    header = next(i for i, line in enumerate(lines) if "\t" in line and "总计" in line)
    out: list[tuple[int, str]] = []
    for i in range(header + 1, len(lines)):
        if "\t" not in lines[i]:
            continue
        cells = _cells(lines[i])
        if _plain(cells[0]) == "合计" and not out:
            out.append((i, "total"))
        elif not _plain(cells[5]) and not _plain(cells[6]):
            out.append((i, "unit"))
        else:
            out.append((i, "project"))
    return out


def _places() -> list[tuple[str, str]]:
    """(place, short place) of the cities and Guangzhou's districts; 广州市 first."""
    cities = [(name, name.removesuffix("市")) for name, _ in CITIES]
    districts = [(f"广州市{d}", d) for d, _ in DISTRICTS]
    return cities + districts


def plan_seeded(
    departments: int, *, seed: int = 0, years: tuple[int, ...] = YEARS
) -> list[SeededDepartment]:
    """The first ``departments`` departments: names, layout switch, project spans and
    name drifts."""
    return list(itertools.islice(_departments(seed, years), departments))


def _departments(seed: int, years: tuple[int, ...]) -> Iterator[SeededDepartment]:
    places = _places()
    agencies = [(name, short) for name, short, _slug, _domain, levels in AGENCIES if "c" in levels]
    rows = {layout: _rows(_seed_lines(layout)) for layout in SEED_TABLES}
    for k in itertools.count():
        rng = random.Random(f"jixiao-seeded-plan:{seed}:{k}")
        place, _ = places[k % len(places)]
        agency, short = agencies[(k // len(places) * 7 + k) % len(agencies)]
        name = _ORIGINAL if k == 0 else place + agency
        coded_from = rng.choice((2022, 2023, 2024, 2024, 2025, 2025, 2026))
        spans: dict[tuple[str, int], tuple[int, int]] = {}
        drifts: dict[tuple[str, int], tuple[int, int]] = {}
        for layout in SEED_TABLES:
            first_of_unit = True
            for index, kind in rows[layout]:
                if kind == "unit":
                    first_of_unit = True
                if kind != "project":
                    continue
                start = years[0] if first_of_unit or rng.random() < 0.75 else rng.choice(years)
                end = years[-1] if first_of_unit or rng.random() < 0.8 else rng.choice(years)
                spans[(layout, index)] = (min(start, end), max(start, end))
                if rng.random() < 0.15:
                    drifts[(layout, index)] = (rng.choice(years[1:]), rng.randrange(8))
                first_of_unit = False
        yield SeededDepartment(k, name, f"seeded-{k:03d}", place, short, coded_from, spans, drifts)


def _rename(text: str, department: SeededDepartment) -> str:
    if department.index == 0:
        return text
    name = department.name
    text = text.replace(_ORIGINAL, name).replace("广州市科学技术发展中心", name + "发展中心")
    text = text.replace("广州科学馆", name + "科学馆").replace(
        "广州科技贸易职业学院", name + "职业学院"
    )
    text = text.replace("市科协", department.short)
    short_place = department.place.removesuffix("市").removeprefix("广州市") or "广州"
    return text.replace("广州市", department.place).replace("广州", short_place)


def _shift_years(text: str, delta: int) -> str:
    if not delta:
        return text
    return _YEAR.sub(lambda m: str(int(m.group(1)) + delta), text)


def _drift(name: str, which: int) -> str:
    """A change in a project's name that the series linker still links."""
    plain = _plain(name)
    long, short = _DRIFTS[which % len(_DRIFTS)]
    if which < 4 and long in plain:
        changed = plain.replace(long, short, 1)
    elif which < 4 and short in plain:
        changed = plain.replace(short, long, 1)
    elif "“" in plain:
        changed = plain.replace("“", "").replace("”", "")
    else:
        changed = plain + "（续）" if which % 2 else "年度" + plain
    return name.replace(plain, changed)


def _vary(value: str, rng: random.Random, memo: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        number, percent = match.group(1), match.group(2)
        key = number + percent
        if key in memo:
            return memo[key]
        if Decimal(number) == 0 or (len(number) == 4 and number.startswith(("19", "20"))):
            memo[key] = key
            return key
        places = len(number.split(".")[1]) if "." in number else 0
        old = Decimal(number)
        if percent:
            new = (
                old if old >= 100 else min(Decimal(100), max(Decimal(1), old + rng.randint(-5, 5)))
            )
        else:
            new = max(Decimal(1), old * Decimal(rng.randint(70, 140)) / 100)
        memo[key] = f"{new:.{places}f}{percent}"
        return memo[key]

    return _NUMBER.sub(one, value)


def _indicators(cell: str, rng: random.Random) -> str:
    """The indicator cell with the numbers of its target values varied (the same number the
    same way within the cell, so a period value and an annual value stay alike)."""
    memo: dict[str, str] = {}
    return _VALUE.sub(lambda m: m.group(1) + _vary(m.group(2), rng, memo), cell)


def _cents(cell: str) -> int:
    text = re.sub(r"[\s,]|</?p>", "", cell)
    return round(Decimal(text) * 100) if text else 0


def _amount(cents: int, like: str) -> str:
    """``cents`` written as the seed's cell ``like`` was: empty, plain, spaced, in <p>."""
    if not cents and not _plain(like):
        return like
    text = f"{Decimal(cents) / 100:,.2f}"
    if re.search(r"\d, \d|\d\. \d", like):
        text = text.replace(",", ", ").replace(".", ". ")
    return f"<p>{text}</p>" if like.strip().startswith("<p>") else text


def seeded_table(department: SeededDepartment, year: int, *, seed: int = 0) -> str:
    """The text of ``department``'s table for ``year``."""
    layout = department.layout(year)
    rng = random.Random(f"jixiao-seeded-table:{seed}:{department.index}:{year}")
    scale = random.Random(f"jixiao-seeded-scale:{seed}:{department.index}").uniform(0.3, 3.0)
    lines = _seed_lines(layout)
    delta = year - SEED_TABLES[layout][1]
    rows = _rows(lines)
    drop: set[int] = set()
    sums: dict[int, list[int]] = {}  # unit row → its projects' columns
    unit = total = -1
    for index, kind in rows:
        cells = _cells(lines[index])
        if kind == "total":
            total = index
        elif kind == "unit":
            unit = index
            sums[unit] = [0, 0, 0]
        else:
            first, last = department.spans[(layout, index)]
            if not first <= year <= last:
                drop.add(index)
                continue
            factor = scale * rng.uniform(0.85, 1.2)
            columns = [round(_cents(c) * factor) for c in cells[2:5]]
            cells[1:5] = [_amount(sum(columns), cells[1])] + [
                _amount(v, c) for v, c in zip(columns, cells[2:5], strict=True)
            ]
            drift = department.drifts.get((layout, index))
            if drift and year >= drift[0]:
                cells[0] = _drift(cells[0], drift[1])
            cells[6] = _indicators(cells[6], rng)
            sums[unit] = [a + b for a, b in zip(sums[unit], columns, strict=True)]
            lines[index] = "\t".join(cells)
    everything = [0, 0, 0]
    for index, columns in sums.items():
        cells = _cells(lines[index])
        cells[1:5] = [_amount(sum(columns), cells[1])] + [
            _amount(v, c) for v, c in zip(columns, cells[2:5], strict=True)
        ]
        lines[index] = "\t".join(cells)
        everything = [a + b for a, b in zip(everything, columns, strict=True)]
    if total >= 0:
        cells = _cells(lines[total])
        cells[1:5] = [_amount(sum(everything), cells[1])] + [
            _amount(v, c) for v, c in zip(everything, cells[2:5], strict=True)
        ]
        lines[total] = "\t".join(cells)
    text = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    return _shift_years(_rename(text, department), delta)


def _estimate(department: SeededDepartment, years: tuple[int, ...]) -> int:
    total = 0
    for year in years:
        layout = department.layout(year)
        per_project, per_table = SEED_TABLES[layout][2], SEED_TABLES[layout][3]
        present = sum(
            1 for (lay, _), (a, b) in department.spans.items() if lay == layout and a <= year <= b
        )
        total += per_table + per_project * present
    return total


def generate_seeded_corpus(
    out_dir: Path,
    *,
    triples: int | None = None,
    departments: int | None = None,
    seed: int = 0,
    years: tuple[int, ...] = YEARS,
) -> list[Path]:
    """Write the tables of ``departments`` departments (or as many as come to about
    ``triples`` mapped triples) for each of ``years``, as ``{slug}-{year}.txt``."""
    if departments is None:
        if not triples or triples <= 0:
            raise ValueError("give the number of triples or of departments")
        count, estimate, before = 0, 0, 0
        for department in _departments(seed, years):
            if estimate >= triples:
                break
            count += 1
            before, estimate = estimate, estimate + _estimate(department, years)
        departments = count - 1 if count > 1 and triples - before < estimate - triples else count
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for department in plan_seeded(departments, seed=seed, years=years):
        for year in years:
            path = out_dir / f"{department.slug}-{year}.txt"
            path.write_text(seeded_table(department, year, seed=seed), encoding="utf-8")
            written.append(path)
    return written
