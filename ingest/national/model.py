"""What a table in one of the national layouts says, as plain Python values (before RDF).

Three layouts beside the 项目支出绩效目标表 of :mod:`jixiao.ingest.model`:

- ``department`` — 部门整体预算绩效目标表: the department as a whole (no project), with its
  budget figures as fields, its overall goal, key tasks and indicators;
- ``application`` — 项目（绩效目标）申报表: one project, its funding sources and expenditure
  details as fields, its overall goal and indicators;
- ``self-evaluation`` — 项目支出绩效自评表: one project, its budget and executed amounts, and
  per indicator the target beside its weight and actual value.

Rows are the 1-based rows of the sheet (``jx:sourceLine``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = [
    "FormProject",
    "KeyTask",
    "Layout",
    "NationalTable",
    "Origin",
    "TableField",
    "TableIndicator",
    "WrittenValue",
]

Layout = Literal["department", "application", "self-evaluation"]


@dataclass(frozen=True, slots=True)
class TableField:
    """A labelled entry with no term of its own (a budget line, a contact, a text block, an
    empty category row). ``text`` is the value as written, ``""`` for an empty cell."""

    row: int
    label: str
    text: str = ""
    section: str | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class KeyTask:
    """One 年度重点工作任务 of a department-level table."""

    row: int
    position: int
    name: str
    content: str
    funds: Decimal | None
    funds_text: str
    expected: str


@dataclass(frozen=True, slots=True)
class WrittenValue:
    """A target or actual value cell: ``raw`` as written; ``number`` when the cell is a number
    cell; ``percent`` when that number is a rate stored as a fraction (read as a percentage)."""

    raw: str
    number: Decimal | None = None
    percent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TableIndicator:
    """One indicator row. ``level1``/``level2`` are the categories as written (either may be
    missing: a self-evaluation's 指标类型 holds one category of either level)."""

    row: int
    position: int
    level1: str | None
    level2: str | None
    name: str
    target: WrittenValue
    comparator_text: str | None = None  # 指标性质, where the layout has the column
    unit_text: str | None = None  # 计量单位, where the layout has the column
    weight: Decimal | None = None
    actual: WrittenValue | None = None
    standard: str | None = None  # 评价标准
    remark: str | None = None  # 备注


@dataclass(frozen=True, slots=True)
class FormProject:
    """The one project of an application form or a self-evaluation."""

    row: int
    name: str
    unit: str  # 项目执行单位 / 项目实施单位: the funding unit
    amount_total: Decimal | None  # 项目当年预算 / 全年预算数
    amount_executed: Decimal | None  # 全年执行数
    goal: str
    goal_outcome: str  # 全年目标实际完成情况
    fields: tuple[TableField, ...]
    indicators: tuple[TableIndicator, ...]


@dataclass(frozen=True, slots=True)
class Origin:
    """The file a table is read from: its name, SHA-256, size and media type."""

    source_name: str
    sha256: str
    byte_size: int
    media_type: str


@dataclass(frozen=True, slots=True)
class NationalTable:
    """A whole sheet in one of the national layouts, as read from one source file."""

    layout: Layout
    origin: Origin
    sheet: str
    title: str
    title_year: int | None  # the year the title states ("2024年…"), if it states one
    department: str
    goal: str = ""  # 总体绩效目标 (department layout)
    fields: tuple[TableField, ...] = ()
    tasks: tuple[KeyTask, ...] = ()
    indicators: tuple[TableIndicator, ...] = ()  # department layout
    project: FormProject | None = None
