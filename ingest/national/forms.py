"""The two one-project layouts: 项目（绩效目标）申报表 and 项目支出绩效自评表.

Both open with label/value pairs (``项目名称 | 就业补助资金 | 项目联系人 | 向俐``): a label is
one of the layout's known words and its value is the next cell to its right. The rest is a
column of block labels (``项目资金来源``, ``项目绩效总目标``, ``项目年度绩效指标``) in the
application, and a fixed sequence (budget, goal, indicator table) in the self-evaluation.
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import InputError
from ..readers import CellValue, Sheet
from .cells import cell_number, cell_text, joined, text_at
from .grid import blocks, find, header_columns, indicator_rows, key, title_and_year, written_value
from .model import FormProject, Layout, NationalTable, Origin, TableField, TableIndicator

__all__ = [
    "APPLICATION_LABELS",
    "SELF_EVALUATION_LABELS",
    "read_application",
    "read_self_evaluation",
]

# Labels of the opening pairs; the first five have terms of their own.
_PAIR_LABELS = frozenset(
    {"项目名称", "项目主管部门", "项目执行单位", "项目实施单位", "项目当年预算", "项目代码",
     "项目负责人", "联系电话", "项目联系人", "项目类型", "项目申请理由", "项目主要内容",
     "项目总预算", "项目前两年预算及当年预算变动情况"}
)  # fmt: skip
_OWN_TERMS = frozenset({"项目名称", "项目主管部门", "项目执行单位", "项目实施单位", "项目当年预算"})
_APPLICATION_INDICATORS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("指标内容", "三级指标"),
    "value": ("指标值",),
    "remark": ("备注",),
}
_LINES = {"项目资金来源": ("资金来源项目", "金额"), "项目支出明细预算": ("项目支出明细", "金额")}
APPLICATION_LABELS = frozenset(
    _OWN_TERMS
    | {"项目资金来源", "项目支出预算及测算依据", "项目支出明细预算", "项目绩效总目标",
       "项目年度绩效指标", "资金来源项目", "项目支出明细", "金额"}
    | {name for names in _APPLICATION_INDICATORS.values() for name in names}
)  # fmt: skip
_SELF_INDICATORS = {
    "category": ("指标类型",),
    "name": ("指标名称",),
    "comparator": ("指标性质",),
    "value": ("指标值",),
    "unit": ("计量单位",),
    "weight": ("指标权重", "权重"),
    "actual": ("全年完成值", "实际完成值"),
    "standard": ("评价标准",),
}
SELF_EVALUATION_LABELS = frozenset(
    _OWN_TERMS
    | {"项目预算执行情况（万元）", "全年执行数（B）", "当年绩效目标", "全年绩效目标",
       "全年目标实际完成情况", "合计",
       "全年预算数（A）（上年结转+年初预算+本年追加追减预算（不含年底收回））"}
    | {name for names in _SELF_INDICATORS.values() for name in names}
)  # fmt: skip
_BUDGET = "全年预算数"
_EXECUTED = "全年执行数"


def _opening_pairs(sheet: Sheet, rows: range) -> dict[str, tuple[int, str]]:
    """Label → (row, value as written) for the known labels in ``rows``."""
    pairs: dict[str, tuple[int, str]] = {}
    for row in rows:
        cells = [
            (column, cell_text(value))
            for column, value in enumerate(sheet.rows[row - 1], start=1)
            if cell_text(value)
        ]
        for i, (_, text) in enumerate(cells):
            label = key(text)
            if label not in _PAIR_LABELS:
                continue
            nxt = cells[i + 1][1] if i + 1 < len(cells) else ""
            pairs[label] = (row, "" if key(nxt) in _PAIR_LABELS else nxt)
    return pairs


def _pair_fields(pairs: dict[str, tuple[int, str]]) -> list[TableField]:
    return [
        TableField(row, label, text)
        for label, (row, text) in pairs.items()
        if label not in _OWN_TERMS
    ]


def _amount(text: str, label: str, row: int, source: str) -> Decimal | None:
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except ArithmeticError:
        raise InputError(f"{label} {text!r} is not a number", file=source, line=row) from None
    return number


def _required(pairs: dict[str, tuple[int, str]], labels: tuple[str, ...], source: str) -> str:
    for label in labels:
        if label in pairs and pairs[label][1]:
            return joined(pairs[label][1])
    raise InputError(f"no {labels[0]} given (the cell right of it is empty)", file=source)


def _form_table(
    layout: Layout,
    sheet: Sheet,
    origin: Origin,
    title: tuple[str, int | None],
    pairs: dict[str, tuple[int, str]],
    fields: list[TableField],
    indicators: list[TableIndicator],
    *,
    amounts: tuple[Decimal | None, Decimal | None],
    goals: tuple[str, str],
) -> NationalTable:
    """The table of a one-project form: its project named by the opening pairs."""
    source = origin.source_name
    name = _required(pairs, ("项目名称",), source)
    project = FormProject(
        row=pairs["项目名称"][0],
        name=name,
        unit=_required(pairs, ("项目执行单位", "项目实施单位"), source),
        amount_total=amounts[0],
        amount_executed=amounts[1],
        goal=goals[0],
        goal_outcome=goals[1],
        fields=tuple(fields),
        indicators=tuple(indicators),
    )
    return NationalTable(
        layout=layout,
        origin=origin,
        sheet=sheet.name,
        title=title[0],
        title_year=title[1],
        department=_required(pairs, ("项目主管部门",), source),
        project=project,
    )


def read_application(sheet: Sheet, origin: Origin) -> NationalTable:
    """Read a sheet in the 项目（绩效目标）申报表 layout."""
    source = origin.source_name
    title, year = title_and_year(sheet, "申报表")
    first_block = find(sheet, "项目资金来源") or find(sheet, "项目绩效总目标")
    if first_block is None:
        raise InputError("no 项目资金来源 or 项目绩效总目标 cell: not a 项目申报表", file=source)
    pairs = _opening_pairs(sheet, range(1, first_block[0]))
    fields = _pair_fields(pairs)
    this_year = pairs.get("项目当年预算", (0, ""))
    total = _amount(this_year[1], "项目当年预算", this_year[0], source)
    fields = [
        TableField(f.row, f.label, f.text, None, _amount(f.text, f.label, f.row, source))
        if f.label == "项目总预算"
        else f
        for f in fields
    ]
    goal = ""
    indicators: list[TableIndicator] = []
    label_column = first_block[1]
    for block in blocks(sheet, label_column, first_block[0]):
        if block.label == "项目绩效总目标":
            goal = text_at(sheet, block.row, label_column + 2)
        elif block.label == "项目年度绩效指标":
            header = next(
                row
                for row in block.rows
                if key(text_at(sheet, row, label_column + 2)) == "一级指标"
            )
            columns = header_columns(sheet, header, _APPLICATION_INDICATORS, source)
            rows = range(header + 1, block.last + 1)
            indicators, empty = indicator_rows(sheet, rows, columns, "项目年度绩效指标", source)
            fields += empty
        else:
            fields += _line_blocks(sheet, block.label, block.rows, label_column, source)
    if not indicators:
        raise InputError("no indicator rows under 项目年度绩效指标", file=source)
    return _form_table(
        "application", sheet, origin, (title, year), pairs, fields, indicators,
        amounts=(total, None), goals=(goal, ""),
    )  # fmt: skip


def _line_blocks(
    sheet: Sheet, label: str, rows: range, label_column: int, source: str
) -> list[TableField]:
    """Funding-source and expenditure lines (label, 金额), and labelled text blocks, of a
    block of the application; sub-blocks are labelled in the column right of the block's."""
    fields: list[TableField] = []
    if label in _LINES:
        heading, amount_heading = _LINES[label]
        header = next(
            (row for row in rows if key(text_at(sheet, row, label_column + 2)) == heading), None
        )
        if header is None:
            raise InputError(f"{label}: no header {heading}", file=source, line=rows[0])
        columns = header_columns(
            sheet, header, {"label": (heading,), "amount": (amount_heading,)}, source
        )
        for row in range(header + 1, rows[-1] + 1):
            line = cell_text(sheet.cell(row, columns["label"]))
            value = sheet.cell(row, columns["amount"])
            if not line and not cell_text(value):
                continue
            fields.append(TableField(row, line, cell_text(value), heading, cell_number(value)))
        return fields
    inner = label_column + 1
    if any(cell_text(sheet.cell(row, inner)) for row in rows) and label not in _LINES:
        for sub in blocks(sheet, inner, rows[0], rows[-1]):
            if sub.label in _LINES:
                fields += _line_blocks(sheet, sub.label, sub.rows, label_column, source)
            else:
                fields.append(
                    TableField(sub.row, sub.label, text_at(sheet, sub.row, label_column + 2))
                )
        return fields
    fields.append(TableField(rows[0], label, text_at(sheet, rows[0], label_column + 2)))
    return fields


def read_self_evaluation(sheet: Sheet, origin: Origin) -> NationalTable:
    """Read a sheet in the 项目支出绩效自评表 layout."""
    source = origin.source_name
    title, year = title_and_year(sheet, "自评表")
    header = find(sheet, "指标类型")
    if header is None:
        raise InputError("no 指标类型 header: not a 项目支出绩效自评表", file=source)
    pairs = _opening_pairs(sheet, range(1, header[0]))
    fields = _pair_fields(pairs)

    def below(prefix: str) -> tuple[str, CellValue]:
        for row in range(1, header[0]):
            for column in range(1, sheet.width + 1):
                if key(cell_text(sheet.cell(row, column))).startswith(prefix):
                    return cell_text(sheet.cell(row + 1, column)), sheet.cell(row + 1, column)
        raise InputError(f"no {prefix} cell", file=source)

    budget_text, budget = below(_BUDGET)
    executed_text, executed = below(_EXECUTED)
    goal, _ = below("全年绩效目标")
    outcome, _ = below("全年目标实际完成情况")
    columns = header_columns(sheet, header[0], _SELF_INDICATORS, source)
    indicators: list[TableIndicator] = []
    row = header[0] + 1
    while row <= sheet.height:
        category = joined(text_at(sheet, row, columns["category"]))
        if key(category) == "合计" or (
            not category and not cell_text(sheet.cell(row, columns["name"]))
        ):
            break
        indicators.append(_self_indicator(sheet, row, columns, len(indicators) + 1, category))
        row += 1
    fields += _rest(sheet, row, columns)
    if not indicators:
        raise InputError("no indicator rows under 指标类型", file=source, line=header[0])
    amounts = (
        cell_number(budget) if budget_text else None,
        cell_number(executed) if executed_text else None,
    )
    return _form_table(
        "self-evaluation", sheet, origin, (title, year), pairs, fields, indicators,
        amounts=amounts, goals=(goal, outcome),
    )  # fmt: skip


def _self_indicator(
    sheet: Sheet, row: int, columns: dict[str, int], position: int, category: str
) -> TableIndicator:
    name = joined(cell_text(sheet.cell(row, columns["name"])))
    unit = joined(cell_text(sheet.cell(row, columns["unit"])))
    unit_value = None if unit in ("", "无") else unit
    weight_text = cell_text(sheet.cell(row, columns["weight"]))
    return TableIndicator(
        row=row,
        position=position,
        level1=category or None,
        level2=None,
        name=name,
        target=written_value(sheet, row, columns["value"], name, category, unit_value),
        comparator_text=joined(cell_text(sheet.cell(row, columns["comparator"]))) or None,
        unit_text=unit or None,
        weight=cell_number(sheet.cell(row, columns["weight"])) if weight_text else None,
        actual=written_value(sheet, row, columns["actual"], name, category, unit_value),
        standard=cell_text(sheet.cell(row, columns["standard"])) or None,
    )


def _rest(sheet: Sheet, start: int, columns: dict[str, int]) -> list[TableField]:
    """The rows after the indicators (合计, 说明, notes): label and text as written."""
    fields = []
    for row in range(start, sheet.height + 1):
        cells = [cell_text(v) for v in sheet.rows[row - 1] if cell_text(v)]
        if not cells:
            continue
        label, text = cells[0], "\n".join(cells[1:])
        if key(label) == "合计" and not text:
            continue
        fields.append(TableField(row, label, text))
    return fields
