"""One synthetic table as the bytes of a source file, in the text format of ``ingest/seeds/``.

:func:`render_table` writes a :class:`~.tables.SyntheticTable` as the seeds' PDF
extractions read: the title and department, the header, 合计, each unit's subtotal and its
project rows, the indicators in the table's layout (labelled or coded), and the artefacts that
vary between files (``<p>`` tags, spaced amounts ``2, 501. 00``, half-width punctuation, blank
lines, CRLF line ends, a BOM or GB 18030); and counts the triples map_table will give for it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.ingest.synthetic.tables import SyntheticIndicator, SyntheticProject, SyntheticTable
from jixiao.ingest.synthetic.triple_counts import DOCUMENT_TRIPLES, PROJECT_TRIPLES, UNIT_TRIPLES
from jixiao.ingest.synthetic.vocabulary import LEVEL1, LEVEL2

__all__ = [
    "render_table",
]

_TITLES = (
    "项目支出绩效目标表（含转移支付项目）",
    "项目支出绩效目标表",
    "{year}年项目支出绩效目标表",
)


def _amount_cell(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}" if cents else ""


def _spaced(cell: str) -> str:
    """An amount as some PDF extractions leave it: ``2, 501. 00``."""
    return cell.replace(",", ", ").replace(".", ". ")


def _labelled_cell(
    indicators: Sequence[SyntheticIndicator], numbers: Sequence[int], rng: random.Random
) -> str:
    parts = []
    for number, ind in zip(numbers, indicators, strict=True):
        level1 = LEVEL1[ind.code[0]]
        style = rng.random()
        if style < 0.6:
            parts.append(f"{number}、{level1}：{ind.name}，年度指标值：{ind.target()}。")
        elif style < 0.85:
            parts.append(f"{number}、{level1}:{ind.name},年度指标值:{ind.target()}。")
        else:
            parts.append(f"{number}、{level1}: {ind.name}, 年度指标值: {ind.target()}。")
    return "".join(parts)


def _coded_cell(
    indicators: Sequence[SyntheticIndicator], numbers: Sequence[int], colon: str
) -> str:
    parts = []
    for number, ind in zip(numbers, indicators, strict=True):
        level1, code = ind.code[0], ind.code
        parts.append(
            f"{number}、{level1}-{LEVEL1[level1]}；{code}-{LEVEL2[code]}；{ind.name}；"
            f"实施周期指标值{colon}{ind.target(period=True)}；年度指标值{colon}{ind.target()}。"
        )
    return "".join(parts)


def _amounts(cents: Sequence[int]) -> list[str]:
    return [_amount_cell(c) for c in cents]


@dataclass(frozen=True, slots=True)
class _Style:
    """How one file was extracted: what varies between the seeds' PDFs."""

    tagged: float  # share of project rows whose text cells came out in <p> tags
    colon: str  # after 指标值 in the coded layout

    @classmethod
    def draw(cls, rng: random.Random) -> _Style:
        return cls(rng.choice((0.0, 0.0, 0.2, 0.5)), ":" if rng.random() < 0.85 else "：")


def _preamble(table: SyntheticTable, rng: random.Random) -> list[str]:
    heading = "## " if rng.random() < 0.4 else ""
    title = rng.choice(_TITLES).format(year=table.year)
    name = rng.choice(("项目名称（资金使用单位）", "项目名称(资金使用单位)"))
    special = "财政专户管理资金" if rng.random() < 0.1 else "财政专户拨款"
    header = "\t".join((name, "总计", "财政拨款", special, "其他资金", "绩效目标", "绩效指标"))
    return [
        "",
        "",
        heading + title,
        "",
        f"部门名称：{table.department}",
        "",
        "单位：万元",
        "",
        header,
    ]


def _project_row(
    project: SyntheticProject, layout: str, style: _Style, rng: random.Random
) -> tuple[str, int]:
    """The row of one project, and its triples."""
    indicators = project.indicators
    if layout == "coded":
        indicators = tuple(sorted(indicators, key=lambda i: i.code))
    numbers = list(range(1, len(indicators) + 1))
    if len(numbers) > 4 and rng.random() < 0.02:  # numbering restarts, as in the seeds
        restart = rng.randint(2, len(numbers) - 1)
        numbers[restart:] = range(1, len(numbers) - restart + 1)
    if layout == "coded":
        cell = _coded_cell(indicators, numbers, style.colon)
    else:
        cell = _labelled_cell(indicators, numbers, rng)
    cents = (project.total, project.fiscal, project.special_account, project.other)
    cells = [project.name, *_amounts(cents), project.goal, cell]
    if rng.random() < style.tagged:
        cells[5:] = [f"<p>{cells[5]}</p>", f"<p>{cells[6]}</p>"]
        if layout == "labelled" and rng.random() < 0.5:  # the name and amounts too, spaced
            cells[0] = f"<p>{cells[0]}</p>"
            cells[1:5] = [f"<p>{_spaced(c)}</p>" if c else "" for c in cells[1:5]]
    triples = PROJECT_TRIPLES + sum(i.triples(layout) for i in indicators)
    return "\t".join(cells), triples


def render_table(table: SyntheticTable, rng: random.Random) -> tuple[bytes, int]:
    """The source file of ``table`` and the number of triples map_table gives for it."""
    newline = "\r\n" if rng.random() < 0.05 else "\n"
    style = _Style.draw(rng)
    lines = _preamble(table, rng)
    columns = ("fiscal", "special_account", "other")
    unit_sums = [[sum(getattr(p, k) for p in u.projects) for k in columns] for u in table.units]
    totals = [sum(column) for column in zip(*unit_sums, strict=True)]
    lines.append("\t".join(["合计", _amount_cell(sum(totals)), *_amounts(totals), "", ""]))
    triples = DOCUMENT_TRIPLES
    for unit, sums in zip(table.units, unit_sums, strict=True):
        lines.append("\t".join([unit.name, _amount_cell(sum(sums)), *_amounts(sums), "", ""]))
        triples += UNIT_TRIPLES
        for project in unit.projects:
            row, row_triples = _project_row(project, table.layout, style, rng)
            lines.append(row)
            triples += row_triples
            if rng.random() < 0.12:  # blank lines between rows: extraction noise
                lines.append("")
    text = newline.join(lines) + newline
    encoding = rng.choices(("utf-8", "utf-8-sig", "gb18030"), (92, 4, 4))[0]
    return text.encode(encoding), triples
