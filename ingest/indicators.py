"""Splitting a 绩效指标 cell into indicators, in either of the two known layouts.

``labelled`` (budget year 2023)::

    1、产出指标：科普人才队伍建设数量，年度指标值：扶持20支…。2、效益指标：…

``coded`` (budget year 2025)::

    1、1-产出指标；11-数量指标；投资控制率；实施周期指标值:≥0；年度指标值:≥0。2、…

Indicators are found by their number *followed by* a category (``N、产出指标：`` or ``N、1-``),
never by the number alone: values contain ``、`` and digits, numbering restarts within a
cell, and a value may end without its full stop.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from jixiao.ingest.model import IndicatorRecord

__all__ = ["IndicatorCellError", "split_indicators"]

_LEVEL1_NAMES = "产出指标|效益指标|满意度指标|成本指标"
_LABELLED_START = re.compile(rf"(?<!\d)(\d{{1,3}})、({_LEVEL1_NAMES})：")
_CODED_START = re.compile(r"(?<!\d)(\d{1,3})、(\d)-([^；\d]{1,20}?)；")
_CODED_LEVEL2 = re.compile(r"(\d{2})-([^；\d]{1,20}?)；")
_ANNUAL = "年度指标值"
_PERIOD = "实施周期指标值"
_KEYWORD = re.compile(rf"[，。；]?({_ANNUAL}|{_PERIOD})：")
_TRAILING = "。；，、 \n"


class IndicatorCellError(ValueError):
    """The cell is in no known layout, or an indicator in it lacks a part."""


def _strip_end(text: str) -> str:
    return text.strip().rstrip(_TRAILING).strip()


def _values(body: str, number: int) -> tuple[str, str, str | None]:
    """Split ``NAME，年度指标值：A`` (or with 实施周期指标值) into name, annual, period."""
    matches = list(_KEYWORD.finditer(body))
    if not matches:
        raise IndicatorCellError(f"indicator {number} has no {_ANNUAL}")
    name = _strip_end(body[: matches[0].start()])
    found: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        keyword = match.group(1)
        if keyword in found:
            raise IndicatorCellError(f"indicator {number} has {keyword} twice")
        found[keyword] = _strip_end(body[match.end() : end])
    if _ANNUAL not in found:
        raise IndicatorCellError(f"indicator {number} has no {_ANNUAL}")
    if not name:
        raise IndicatorCellError(f"indicator {number} has no name")
    return name, found[_ANNUAL], found.get(_PERIOD)


def _segments(
    cell: str,
    starts: list[re.Match[str]],
    parse: Callable[[re.Match[str], str, int], IndicatorRecord],
) -> tuple[IndicatorRecord, ...]:
    if starts[0].start() != 0 and cell[: starts[0].start()].strip(_TRAILING):
        raise IndicatorCellError(f"text before the first indicator: {cell[:30]!r}")
    records = []
    for position, match in enumerate(starts, start=1):
        end = starts[position].start() if position < len(starts) else len(cell)
        records.append(parse(match, cell[match.end() : end], position))
    return tuple(records)


def _labelled(match: re.Match[str], body: str, position: int) -> IndicatorRecord:
    number = int(match.group(1))
    name, annual, period = _values(body, number)
    return IndicatorRecord(
        position=position,
        written_number=number,
        level1_text=match.group(2),
        level1_code=None,
        level2_text=None,
        level2_code=None,
        name=name,
        annual=annual,
        period=period,
        layout="labelled",
    )


def _coded(match: re.Match[str], body: str, position: int) -> IndicatorRecord:
    number = int(match.group(1))
    level2 = _CODED_LEVEL2.match(body)
    if level2 is not None and level2.group(1)[0] == match.group(2):
        body = body[level2.end() :]
    else:
        level2 = None
    name, annual, period = _values(body, number)
    return IndicatorRecord(
        position=position,
        written_number=number,
        level1_text=match.group(3).strip(),
        level1_code=match.group(2),
        level2_text=level2.group(2).strip() if level2 else None,
        level2_code=level2.group(1) if level2 else None,
        name=name,
        annual=annual,
        period=period,
        layout="coded",
    )


def split_indicators(cell: str) -> tuple[IndicatorRecord, ...]:
    """Split a cleaned 绩效指标 cell into its indicators (empty cell → none).

    Raises :class:`IndicatorCellError` for a cell in no known layout.
    """
    cell = cell.strip()
    if not cell:
        return ()
    coded = list(_CODED_START.finditer(cell))
    if coded and coded[0].start() == 0:
        return _segments(cell, coded, _coded)
    labelled = list(_LABELLED_START.finditer(cell))
    if labelled and labelled[0].start() == 0:
        return _segments(cell, labelled, _labelled)
    raise IndicatorCellError(f"unknown indicator layout: {cell[:40]!r}")
