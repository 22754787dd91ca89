"""What a performance-target table says, as plain Python values (before any RDF)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["Amounts", "IndicatorRecord", "ProjectRow", "SourceTable", "TotalRow", "UnitRow"]


@dataclass(frozen=True, slots=True)
class Amounts:
    """The four amount cells of a row, in 万元; ``None`` where the cell is empty."""

    total: Decimal | None
    fiscal: Decimal | None
    special_account: Decimal | None
    other: Decimal | None

    def as_tuple(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """The amounts with an empty cell read as 0, as the contract says."""
        zero = Decimal(0)
        return (
            self.total if self.total is not None else zero,
            self.fiscal if self.fiscal is not None else zero,
            self.special_account if self.special_account is not None else zero,
            self.other if self.other is not None else zero,
        )


@dataclass(frozen=True, slots=True)
class IndicatorRecord:
    """One indicator of a project, as written (cleaned of extraction artefacts)."""

    position: int  # 1-based within the project
    written_number: int  # the number printed before it; may restart
    level1_text: str  # e.g. "产出指标"
    level1_code: str | None  # the code written before it ("1"), or None (2023 layout)
    level2_text: str | None  # e.g. "数量指标", None where the table does not say
    level2_code: str | None
    name: str
    annual: str  # 年度指标值
    period: str | None  # 实施周期指标值, where given
    layout: str  # "labelled" (2023) or "coded" (2025)


@dataclass(frozen=True, slots=True)
class TotalRow:
    """The 合计 row: the department's totals."""

    line: int
    amounts: Amounts


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A funding unit's subtotal row; its projects follow it."""

    line: int
    name: str
    amounts: Amounts


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """One project row."""

    line: int
    row_number: int  # 1-based among the document's project rows
    unit: UnitRow
    name: str
    amounts: Amounts
    goal: str
    indicators: tuple[IndicatorRecord, ...]


@dataclass(frozen=True, slots=True)
class SourceTable:
    """A whole 项目支出绩效目标表 as read from one source file."""

    source_name: str
    sha256: str
    byte_size: int
    encoding: str
    title: str
    department: str
    amount_unit: str
    total: TotalRow | None
    units: tuple[UnitRow, ...]
    projects: tuple[ProjectRow, ...] = field(default=())
    media_type: str = "text/plain"  # of the source file (text, XLSX, XLS or PDF)
