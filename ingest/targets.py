"""Parsing of target values (指标值) into comparator, number(s) and unit.

A target value is free text as the publisher wrote it: ``"≥95%"``, ``"不少于1000次"``,
``"1小时内"``, ``"2-24小时"``, ``"全年开展科普活动的次数不少于1000次"``, ``"优、良、中、差"``.
:func:`parse_target` reads it only when it states *one quantity*: after setting aside
bracketed explanations （…）, quoted names “…”/《…》, dates (``2023年``, ``2023年度``) and
ordinals (``第3期``), exactly one number or one range remains. Words around it are allowed.
Anything else keeps only its raw text.

The number is kept as written: ``万``/``亿`` stay in the unit (``"1500万人次以上"`` is at least
1500 ``"万人次"``). Chinese numerals count only as a quantity followed by a known unit
(``"一小时内"`` is 1 小时; ``"一批"``, ``"一是"``, ``"进一步"`` are words).

The input is expected to be cleaned already (:func:`.text.clean_text`):
full-width brackets and punctuation, ASCII digits, ``≥``/``≤`` rather than LaTeX.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["UNITS", "Comparator", "ParsedTarget", "parse_target"]


class Comparator(enum.Enum):
    """How a target relates to its number; values are the ``jx:`` local names."""

    AT_LEAST = "atLeast"
    AT_MOST = "atMost"
    MORE_THAN = "moreThan"
    LESS_THAN = "lessThan"
    EXACTLY = "exactly"
    ABOUT = "about"
    BETWEEN = "between"


@dataclass(frozen=True, slots=True)
class ParsedTarget:
    """One target value: ``raw`` as given; the rest only when it states one quantity.

    ``value`` is the number as written (``jx:numericValue``), ``min_value``/``max_value`` the
    bounds of a ``BETWEEN`` range (which has no ``value``), ``unit`` the unit as written
    right after the number (``jx:unitText``), ``None`` when there is none or it is unknown.
    """

    raw: str
    comparator: Comparator | None = None
    value: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    unit: str | None = None


# Words right before the number. Longest match wins, so "不低于" beats "低于".
_PREFIXES: dict[str, Comparator] = {
    "≥": Comparator.AT_LEAST, ">=": Comparator.AT_LEAST, "≧": Comparator.AT_LEAST,
    "至少": Comparator.AT_LEAST, "最少": Comparator.AT_LEAST,
    "≤": Comparator.AT_MOST, "<=": Comparator.AT_MOST, "≦": Comparator.AT_MOST,
    "至多": Comparator.AT_MOST, "最多": Comparator.AT_MOST,
    ">": Comparator.MORE_THAN, "超过": Comparator.MORE_THAN, "高于": Comparator.MORE_THAN,
    "大于": Comparator.MORE_THAN, "多于": Comparator.MORE_THAN,
    "<": Comparator.LESS_THAN, "低于": Comparator.LESS_THAN, "小于": Comparator.LESS_THAN,
    "少于": Comparator.LESS_THAN, "不足": Comparator.LESS_THAN,
    "约": Comparator.ABOUT, "≈": Comparator.ABOUT,
    "=": Comparator.EXACTLY,
}  # fmt: skip
# "不少于"/"不得低于" … is at least; "不超过"/"不得高于"/"未超过" … is at most.
for _neg in ("不", "不得", "不应", "不能", "未"):
    _PREFIXES |= {_neg + w: Comparator.AT_LEAST for w in ("少于", "低于", "小于")}
    _PREFIXES |= {_neg + w: Comparator.AT_MOST for w in ("超过", "高于", "大于", "多于")}
_PREFIX_WORDS = sorted(_PREFIXES, key=len, reverse=True)
# Words right after the number and its unit.
_SUFFIXES: dict[str, Comparator] = {
    "及以上": Comparator.AT_LEAST, "或以上": Comparator.AT_LEAST, "以上": Comparator.AT_LEAST,
    "及以下": Comparator.AT_MOST, "或以下": Comparator.AT_MOST, "以下": Comparator.AT_MOST,
    "以内": Comparator.AT_MOST, "之内": Comparator.AT_MOST,
    "左右": Comparator.ABOUT, "上下": Comparator.ABOUT,
}  # fmt: skip

# Units as written after a number; an optional 千/万/亿 before them stays part of the unit.
UNITS: tuple[str, ...] = (
    "人次", "人", "名", "位", "家", "个", "项", "篇", "场", "场次", "次", "期", "份", "条",
    "册", "本", "卷", "张", "页", "支", "门", "部", "套", "间", "件", "幅", "类", "所", "台",
    "辆", "趟", "趟次", "批次", "人天", "人时", "学时", "课时", "天", "日", "工作日",
    "个工作日", "个月", "小时", "分钟", "秒", "年", "月", "周", "周年", "平米", "平方米",
    "米", "公里", "km", "m2", "m²", "m", "s", "元", "%", "‰",
)  # fmt: skip
# "内" alone ("1小时内") means "within" only after a span of time; "1个内容" is not.
_TIME_UNITS = frozenset({"天", "日", "工作日", "个工作日", "个月", "小时", "分钟", "秒", "s",
                         "年", "月", "周"})  # fmt: skip

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}
_CN = "[" + "".join(_CN_DIGITS) + "".join(_CN_POWERS) + "]+"
_ARABIC = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"


def _alternation(words: tuple[str, ...]) -> str:
    # An ASCII unit ("s", "m") must not run into a following Latin word ("5 sec", "3D").
    return "|".join(
        re.escape(w) + ("(?![A-Za-z0-9])" if w[-1].isascii() and w[-1].isalnum() else "")
        for w in sorted(words, key=len, reverse=True)
    )


_BASE = f"(?:{_alternation(UNITS)})"
_MAG = "(?:百万|千万|[千万亿])"
_UNIT = rf"{_MAG}?{_BASE}(?:/{_MAG}?{_BASE})?|{_MAG}"  # "人次/年", "条/篇", "万元", "万"
_QUANTITY = re.compile(
    rf"(?P<num>{_ARABIC}|{_CN})(?:%?\s*[-~—–至到]\s*(?P<num2>{_ARABIC}|{_CN}))?"
    rf"(?P<mag>{_MAG})?(?P<more>余|多(?={_MAG}?{_BASE}))?"
    rf"(?:(?P<unit>{_UNIT})(?P<variant>（{_BASE}(?:/{_BASE})?）)?"  # "幅（条）"
    rf"|[（(](?P<bunit>{_BASE}(?:/{_BASE})?)[）)])?"  # "500（人/年）"
)
# Spans whose numbers are not the target's quantity.
_NAMES = re.compile(r"“[^”]*”|《[^》]*》|「[^」]*」|‘[^’]*’|\"[^\"]*\"")
_DATES = re.compile(
    r"(?:19|20)[0-9]{2}(?:\s*[-~至到]\s*(?:19|20)[0-9]{2})?\s*年"
    r"(?:度|[0-9]{1,2}月(?:[0-9]{1,2}日)?)?"
)
_ORDINALS = re.compile(rf"第\s*(?:[0-9]+|{_CN})")


def _set_aside(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that hold explanations, names, dates or ordinals."""
    spans = [m.span() for p in (_NAMES, _DATES, _ORDINALS) for m in p.finditer(text)]
    opened: list[int] = []
    for i, ch in enumerate(text):
        if ch in "（(":
            opened.append(i)
        elif ch in "）)" and opened:
            spans.append((opened.pop(), i + 1))
    spans.extend((start, len(text)) for start in opened)  # an unclosed bracket runs to the end
    return spans


def _chinese_number(text: str) -> int | None:
    """``"一百五十"`` → 150, ``"十二"`` → 12, ``"两"`` → 2; ``None`` for ``"三二"``."""
    total, digit, last_power = 0, None, 10_000
    for ch in text:
        if ch in _CN_DIGITS:
            if digit:  # two digits in a row ("三二") is not a number; "零" may precede one
                return None
            digit = _CN_DIGITS[ch]
        else:
            power = _CN_POWERS[ch]
            if power >= last_power:
                return None
            total += (1 if digit is None else digit) * power
            digit, last_power = None, power
    return total + (digit or 0)


def _number(text: str) -> Decimal | None:
    if text[0].isascii():
        return Decimal(text.replace(",", ""))
    n = _chinese_number(text)
    return None if n is None else Decimal(n)


def _quantities(text: str) -> list[re.Match[str]]:
    """Every number (or range) in ``text`` that counts as a quantity."""
    spans = _set_aside(text)
    found: list[re.Match[str]] = []
    for m in _QUANTITY.finditer(text):
        start, end = m.span()
        has_unit = bool(m["mag"] or m["unit"] or m["bunit"])
        if any(a <= start < b for a, b in spans):
            continue
        if m["num"][0].isascii():
            # "G20", "5G", "3D": a number inside a Latin word is an identifier.
            if (start and text[start - 1].isascii() and text[start - 1].isalpha()) or (
                not has_unit and end < len(text) and text[end].isascii() and text[end].isalpha()
            ):
                continue
        elif not has_unit or text[end : end + 1] in ("性", "分"):  # "一次性", "一部分"
            continue
        if _number(m["num"]) is None or (m["num2"] and _number(m["num2"]) is None):
            continue
        found.append(m)
    return found


def _comparator(text: str, m: re.Match[str], unit: str | None) -> Comparator:
    before, after = text[: m.start()].rstrip(), text[m.end() :].lstrip()
    for word in _PREFIX_WORDS:
        if before.endswith(word):
            return _PREFIXES[word]
    if m["more"]:  # "80余场", "20多人"
        return Comparator.MORE_THAN
    for word, comparator in _SUFFIXES.items():
        if after.startswith(word):
            return comparator
    base = (unit or "").lstrip("百千万亿")
    if after.startswith("内") and base in _TIME_UNITS:  # "1小时内"
        return Comparator.AT_MOST
    return Comparator.EXACTLY


def parse_target(text: str) -> ParsedTarget:
    """Parse one (cleaned) target value; never raises.

    >>> t = parse_target("不少于130亿元")
    >>> t.comparator, t.value, t.unit
    (<Comparator.AT_LEAST: 'atLeast'>, Decimal('130'), '亿元')
    >>> parse_target("优、良、中、差").comparator is None
    True
    """
    found = _quantities(text)
    if len(found) != 1:
        return ParsedTarget(text)
    m = found[0]
    unit = m["bunit"] or ((m["mag"] or "") + (m["unit"] or "") + (m["variant"] or "")) or None
    first = _number(m["num"])
    if m["num2"]:
        second = _number(m["num2"])
        if first is None or second is None or first > second:
            return ParsedTarget(text)
        return ParsedTarget(text, Comparator.BETWEEN, None, first, second, unit)
    return ParsedTarget(text, _comparator(text, m, unit), first, unit=unit)
