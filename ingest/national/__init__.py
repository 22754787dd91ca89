"""Readers of the national table layouts, picked by what a sheet says (not its name).

:func:`layout_of` names the layout of a sheet from its words; :func:`read_sheet` reads it
into a :class:`~.model.NationalTable`; :func:`map_national` (in :mod:`.mapping`) makes RDF.
"""

from __future__ import annotations

from ..readers import Sheet
from .cells import origin_cells
from .department import read_department
from .forms import read_application, read_self_evaluation
from .grid import key
from .model import Layout, NationalTable, Origin

__all__ = ["LAYOUT_NAMES", "NationalTable", "Origin", "layout_of", "read_sheet"]

LAYOUT_NAMES: dict[Layout, str] = {
    "department": "部门整体预算绩效目标表",
    "application": "项目绩效目标申报表",
    "self-evaluation": "项目支出绩效自评表",
}

# Words that only a sheet of that layout holds (each set must be found whole).
_SIGNS: dict[Layout, tuple[frozenset[str], ...]] = {
    "department": (
        frozenset({"年度重点工作任务", "三级指标"}),
        frozenset({"总体绩效目标", "部门名称"}),
    ),
    "application": (frozenset({"项目绩效总目标", "指标内容"}),),
    "self-evaluation": (frozenset({"全年完成值", "评价标准", "指标类型"}),),
}


def layout_of(sheet: Sheet) -> Layout | None:
    """The national layout the sheet is in, or ``None``."""
    words = {key(text) for text in origin_cells(sheet).values()}
    for layout, signs in _SIGNS.items():
        if any(sign <= words for sign in signs):
            return layout
    return None


def read_sheet(sheet: Sheet, layout: Layout, origin: Origin) -> NationalTable:
    """Read ``sheet`` in ``layout`` (raises :class:`~jixiao.ingest.errors.InputError`)."""
    reader = {
        "department": read_department,
        "application": read_application,
        "self-evaluation": read_self_evaluation,
    }[layout]
    return reader(sheet, origin)
