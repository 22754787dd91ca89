"""Comparing project and indicator names across budget years.

Names drift between years: quotes and brackets move
(“广聚英才计划”项目经费 / “广聚英才”计划项目经费), words are abbreviated (青少年馆 / 青少馆,
运行维护 / 运维), contract periods and tranche tags come and go ("2023-2024年…（2023）" /
"2025-2026年…"), and names are reworded (院士宣传及成果推广工作经费 / 院士宣传推广服务经费).
:func:`normalize_name` removes what does not tell projects apart; :func:`compare_names`
says how two names agree (exact, normalised, similar) and how closely.

Pure and deterministic: the same two names always give the same method and score.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from difflib import SequenceMatcher
from enum import Enum

__all__ = [
    "Method",
    "compare_indicator_names",
    "compare_names",
    "compare_names_at_least",
    "core_name",
    "match_indicator_names",
    "normalize_indicator_name",
    "normalize_name",
    "similarity",
]


class Method(Enum):
    """How a cross-year link was made; the values are the local names of jx:MatchMethod."""

    EXACT = "exactName"
    NORMALIZED = "normalizedName"
    SIMILAR = "similarName"
    CURATED = "curatedOverride"

    @property
    def rank(self) -> int:
        """Lower is stronger: curated, exact, normalised, similar."""
        return _RANK[self]


_RANK = {Method.CURATED: 0, Method.EXACT: 1, Method.NORMALIZED: 2, Method.SIMILAR: 3}

# Long forms read as their usual abbreviation (longest first), so both spellings meet.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("广州市科学技术协会", "市科协"),
    ("广州市科协", "市科协"),
    ("科学技术协会", "科协"),
    ("运行维护", "运维"),
    ("青少年", "青少"),
)

# Words that say what kind of money a line is, not which project: ignored by the similarity.
GENERIC_WORDS: tuple[str, ...] = ("经费", "项目", "工作", "服务", "资金", "专项", "费用", "费")

_YEAR = r"(?:19|20)\d{2}"
# Contract periods and year markers: 2023-2024年度, 2022年-2023年, 2023—2024年, 2023年度, 2023年
_PERIOD = re.compile(rf"{_YEAR}\s*年?\s*[-－—–~～至到]\s*{_YEAR}\s*年?度?|{_YEAR}\s*年度?")
# A bracketed part holding a digit: tranche tags "(2023)", file numbers "(粤财科教〔2022〕224号)"
_NUMBERED_BRACKET = re.compile(
    r"[(\[（【〔][^()\[\]（）【】〔〕]*\d[^()\[\]（）【】〔〕]*[)\]）】〕]"
)
_DROP = re.compile(
    r"[\s\"'“”‘’「」『』《》〈〉()\[\]（）【】〔〕{}<>,，.。、;；:：!！?？·•\-－—–_/／\\|~～]"
)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def normalize_name(name: str) -> str:
    """A project name with what does not tell projects apart removed.

    Character width and case are unified; contract periods, year markers and bracketed
    tranche tags or file numbers are dropped; quotes, brackets, punctuation and spaces are
    dropped (so a moved quote does not matter); long forms become their abbreviations.

    >>> normalize_name("广州市科学技术协会2023-2024年信息化运维项目（2023）")
    '市科协信息化运维项目'
    >>> normalize_name("“广聚英才计划”项目经费") == normalize_name("“广聚英才”计划项目经费")
    True
    """
    text = _nfkc(name).lower()
    for _ in range(2):  # inner brackets first: （粤财科教〔2022〕224号）
        text = _NUMBERED_BRACKET.sub("", text)
    text = _PERIOD.sub("", text)
    text = _DROP.sub("", text)
    for long, short in ABBREVIATIONS:
        text = text.replace(long, short)
    return text


def core_name(normalized: str) -> str:
    """The normalised name without generic words such as 经费, 项目 (or itself if none is left)."""
    text = normalized
    for word in GENERIC_WORDS:
        text = text.replace(word, "")
    return text or normalized


def similarity(a: str, b: str) -> float:
    """How alike two normalised names are, 0–1: the mean of the ratio of the names and of
    their cores (so shared generic words such as 经费 count for less)."""
    if a == b:
        return 1.0
    whole = SequenceMatcher(None, a, b, autojunk=False).ratio()
    core = SequenceMatcher(None, core_name(a), core_name(b), autojunk=False).ratio()
    return round((whole + core) / 2, 3)


def _length_bound(a: str, b: str) -> float:
    """An upper bound of ``SequenceMatcher(None, a, b).ratio()`` from the lengths alone."""
    return 2 * min(len(a), len(b)) / (len(a) + len(b)) if a or b else 1.0


def similarity_at_least(a: str, b: str, at_least: float) -> float | None:
    """:func:`similarity` of ``a`` and ``b`` if it reaches ``at_least``, else None; the
    same score, found faster: cheap upper bounds of both ratios (by length, then by the
    characters shared) rule most pairs out before a ratio is computed."""
    if a == b:
        return 1.0
    core_a, core_b = core_name(a), core_name(b)
    if round((_length_bound(a, b) + _length_bound(core_a, core_b)) / 2, 3) < at_least:
        return None
    whole = SequenceMatcher(None, a, b, autojunk=False)
    core = SequenceMatcher(None, core_a, core_b, autojunk=False)
    if round((whole.quick_ratio() + core.quick_ratio()) / 2, 3) < at_least:
        return None
    score = round((whole.ratio() + core.ratio()) / 2, 3)
    return score if score >= at_least else None


def compare_names_at_least(a: str, b: str, at_least: float) -> tuple[Method, float] | None:
    """:func:`compare_names` when its score reaches ``at_least``; None when it does not."""
    if _nfkc(a) == _nfkc(b):
        return Method.EXACT, 1.0
    na, nb = normalize_name(a), normalize_name(b)
    if na == nb:
        return Method.NORMALIZED, 1.0
    score = similarity_at_least(na, nb, at_least)
    return None if score is None else (Method.SIMILAR, score)


def _compare(
    a: str, b: str, normalize: Callable[[str], str], score: Callable[[str, str], float]
) -> tuple[Method, float]:
    if _nfkc(a) == _nfkc(b):
        return Method.EXACT, 1.0
    na, nb = normalize(a), normalize(b)
    if na == nb:
        return Method.NORMALIZED, 1.0
    return Method.SIMILAR, score(na, nb)


def compare_names(a: str, b: str) -> tuple[Method, float]:
    """How two project names agree: the method that shows it and a score 0–1."""
    return _compare(a, b, normalize_name, similarity)


def normalize_indicator_name(name: str) -> str:
    """An indicator name without width, case, spacing, quotes, brackets and punctuation."""
    text = _DROP.sub("", _nfkc(name).lower())
    for long, short in ABBREVIATIONS:
        text = text.replace(long, short)
    return text


def compare_indicator_names(a: str, b: str) -> tuple[Method, float]:
    """How two indicator names agree: the method and a score 0–1 (plain ratio of the names)."""
    return _compare(
        a,
        b,
        normalize_indicator_name,
        lambda x, y: round(SequenceMatcher(None, x, y, autojunk=False).ratio(), 3),
    )


def match_indicator_names(a: str, b: str, *, at_least: float | None) -> tuple[Method, float] | None:
    """:func:`compare_indicator_names` for linking, where names that are only similar count
    when their score reaches ``at_least`` (never, if None): None for those that do not.

    The same answer, found faster: the score is a rounded :class:`SequenceMatcher` ratio, and
    its cheap upper bounds (by length, then by the characters shared) rule most pairs out
    before it is computed.
    """
    if _nfkc(a) == _nfkc(b):
        return Method.EXACT, 1.0
    na, nb = normalize_indicator_name(a), normalize_indicator_name(b)
    if na == nb:
        return Method.NORMALIZED, 1.0
    if at_least is None:
        return None
    if round(2 * min(len(na), len(nb)) / (len(na) + len(nb)), 3) < at_least:
        return None
    matcher = SequenceMatcher(None, na, nb, autojunk=False)
    if round(matcher.quick_ratio(), 3) < at_least:
        return None
    score = round(matcher.ratio(), 3)
    return (Method.SIMILAR, score) if score >= at_least else None
