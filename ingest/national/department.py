"""The 部门整体预算绩效目标表 layout: a department's targets as a whole for one year.

Label column (``部门名称`` … ``绩效指标``) with blocks to its right::

    部门名称          | 湛江市人力资源和社会保障局
    基本信息          | 财政供养人员数 | 737 | 下属二级单位数 | 10
    预算整体情况      | 部门预算支出 | 预算金额（万元） | 收入来源 | 预算金额（万元）
                      | 基本支出     | 10891.615675     | 财政拨款 | 72807.384975
    总体绩效目标      | 目标1：… 目标2：…
    年度重点工作任务  | 名称 | 主要实施内容 | 拟投入的资金（万元） | 期望达到的目标（概述）
    其他需完成的任务  | …
    绩效指标          | 一级指标 | 二级指标 | 三级指标 | 指标值
"""

from __future__ import annotations

from ..errors import InputError
from ..readers import Sheet
from .cells import cell_number, cell_text, joined, text_at
from .grid import Block, blocks, find, header_columns, indicator_rows, key, title_and_year
from .model import KeyTask, NationalTable, Origin, TableField, TableIndicator

__all__ = ["LABELS", "read_department"]

_AMOUNT_HEADING = "预算金额（万元）"
_TASK_COLUMNS = {
    "name": ("名称",),
    "content": ("主要实施内容",),
    "funds": ("拟投入的资金（万元）",),
    "expected": ("期望达到的目标（概述）", "期望达到的目标"),
}
_INDICATOR_COLUMNS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标",),
    "value": ("指标值",),
}
# The layout's own words: what a cell may say without saying anything about the department.
LABELS = frozenset(
    {"部门名称", "基本信息", "预算整体情况", "总体绩效目标", "年度重点工作任务", "绩效指标",
     "其他需完成的任务（可选填）", _AMOUNT_HEADING}
    | {name for names in (*_TASK_COLUMNS.values(), *_INDICATOR_COLUMNS.values()) for name in names}
)  # fmt: skip


def _pairs(sheet: Sheet, block: Block, column: int, section: str | None) -> list[TableField]:
    """Label/value pairs to the right of the label column; a pair whose value is the heading
    预算金额（万元） names the section of the pairs below it."""
    fields: list[TableField] = []
    sections: dict[int, str | None] = {}
    for row in block.rows:
        for left in range(column + 1, sheet.width + 1, 2):
            label = joined(cell_text(sheet.cell(row, left)))
            value = sheet.cell(row, left + 1)
            text = cell_text(value)
            if not label and not text:
                continue
            if key(text) == _AMOUNT_HEADING:
                sections[left] = label
                continue
            current = sections.get(left, section)
            amount = cell_number(value) if current is not None and left in sections else None
            fields.append(TableField(row, label, text, current, amount))
    return fields


def _tasks(sheet: Sheet, block: Block, source: str) -> list[KeyTask]:
    columns = header_columns(sheet, block.row, _TASK_COLUMNS, source)
    tasks: list[KeyTask] = []
    for row in block.rows[1:]:
        cells = {slot: sheet.cell(row, column) for slot, column in columns.items()}
        if not any(cell_text(v) for v in cells.values()):
            continue
        name = joined(cell_text(cells["name"]))
        if not name:
            raise InputError("a key task without a name (名称)", file=source, line=row)
        funds_text = cell_text(cells["funds"])
        funds = cell_number(cells["funds"])
        if funds_text and funds is None:
            raise InputError(
                f"拟投入的资金 {funds_text!r} is not a number",
                file=source,
                line=row,
                column=columns["funds"],
                column_name="拟投入的资金（万元）",
            )
        tasks.append(
            KeyTask(
                row=row,
                position=len(tasks) + 1,
                name=name,
                content=cell_text(cells["content"]),
                funds=funds,
                funds_text=funds_text,
                expected=cell_text(cells["expected"]),
            )
        )
    return tasks


def read_department(sheet: Sheet, origin: Origin) -> NationalTable:
    """Read a sheet in the 部门整体预算绩效目标表 layout."""
    source = origin.source_name
    anchor = find(sheet, "部门名称")
    if anchor is None:
        raise InputError("no 部门名称 cell: not a 部门整体预算绩效目标表", file=source)
    title, year = title_and_year(sheet, "绩效目标表")
    label_row, label_column = anchor
    department = ""
    goal = ""
    fields: list[TableField] = []
    tasks: list[KeyTask] = []
    indicators: list[TableIndicator] = []
    for block in blocks(sheet, label_column, label_row):
        right = text_at(sheet, block.row, label_column + 1)
        if block.label == "部门名称":
            department = joined(right)
        elif block.label == "总体绩效目标":
            goal = right
        elif block.label == "年度重点工作任务":
            tasks = _tasks(sheet, block, source)
        elif block.label == "绩效指标":
            columns = header_columns(sheet, block.row, _INDICATOR_COLUMNS, source)
            indicators, empty = indicator_rows(sheet, block.rows[1:], columns, "绩效指标", source)
            fields += empty
        elif block.label == "预算整体情况":
            fields += _pairs(sheet, block, label_column, None)
        elif block.label in ("基本信息",):
            fields += _pairs(sheet, block, label_column, block.label)
        else:  # 其他需完成的任务 and any other labelled block: label and text as written
            label = joined(cell_text(sheet.cell(block.row, label_column)))
            if right:
                fields.append(TableField(block.row, label, right))
    if not department:
        raise InputError("the 部门名称 cell has no department name", file=source, line=label_row)
    if not indicators:
        raise InputError("no indicator rows under 绩效指标", file=source)
    return NationalTable(
        layout="department",
        origin=origin,
        sheet=sheet.name,
        title=title,
        title_year=year,
        department=department,
        goal=goal,
        fields=tuple(fields),
        tasks=tuple(tasks),
        indicators=tuple(indicators),
    )
