"""Cleaning of text extracted from PDF tables.

The seed tables are text extracted from PDFs. The extraction leaves artefacts that are not
part of what the publisher wrote: HTML paragraph tags, digits spaced out (``2, 501. 00``),
LaTeX commands for comparison signs (``\\geq``), half-width punctuation inside Chinese text
and spaces around CJK characters. :func:`clean_text` removes exactly those and nothing else:
values themselves contain ``<``, ``>``, ``、`` and digits, and those stay.
"""

from __future__ import annotations

import html
import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = ["clean_amount", "clean_text", "strip_tags"]

# Only real tags are removed: a fixed set of element names, so "<2小时" or "<p" inside a
# value never matches (the name must be followed by ">" or attributes).
_TAG = re.compile(
    r"</?(?:p|br|span|div|b|i|u|em|strong|sub|sup|font|td|tr|th|table|tbody|li|ul|ol)"
    r"(?:\s+[a-zA-Z_:][-\w:.]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*\s*/?>",
    re.IGNORECASE,
)

_LATEX = {
    "geqslant": "≥",
    "leqslant": "≤",
    "geq": "≥",
    "leq": "≤",
    "ge": "≥",
    "le": "≤",
    "gt": ">",
    "lt": "<",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "times": "×",
    "div": "÷",
    "pm": "±",
    "sim": "~",
    "%": "%",
}
_LATEX_COMMAND = re.compile(
    r"\\(geqslant|leqslant|geq|leq|neq|approx|times|div|ge|le|gt|lt|ne|pm|sim|%)(?![A-Za-z])"
)
# "$\geq$" or "$ 50 \% $": inline math delimiters around what became plain text.
_MATH_DELIMITED = re.compile(r"\$([^$]{0,40})\$")

# Half-width punctuation that, inside Chinese text, stands for its full-width form.
_TO_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}

_CJK = (
    r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u33ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2018-\u201f\u2460-\u24ff"
    r"\u2160-\u217f\u00b7\u2014\u2026\u00d7\u00f7\u2264\u2265\u2260\u2248\u00b1"
)
_SPACE = re.compile(r"[ \t\u00a0\u2002-\u200b\u3000\u202f\ufeff]+")
# Whitespace next to a CJK character, full-width punctuation or a comparison sign is an
# extraction artefact; between two Latin letters or digits it is real ("IT 系统" keeps none,
# "Word Excel" keeps one).
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{_CJK}<>=%])|(?<=[{_CJK}<>=%])\s+")
# "2, 501. 00": spaces inside a number after a separator.
_SPACED_NUMBER = re.compile(r"(?<=\d)([,.])\s+(?=\d)")


def strip_tags(text: str) -> str:
    """Remove HTML tags of a known element and decode entities; keep every other ``<``.

    To a fixed point, so that stripping stripped text changes nothing: an escaped tag
    (``&lt;p&gt;``) decodes to a tag, which goes too, and ``&amp;lt;`` to ``<``. Each round
    that changes anything shortens the text, so the rounds end.
    """
    while True:
        stripped = _TAG.sub("", text)
        if "&" in stripped:
            stripped = html.unescape(stripped)
        if stripped == text:
            return stripped
        text = stripped


def _latex(text: str) -> str:
    if "\\" not in text and "$" not in text:
        return text
    text = _LATEX_COMMAND.sub(lambda m: _LATEX[m.group(1)], text)
    # Drop math delimiters only when what they enclose is now plain (no backslash left).
    return _MATH_DELIMITED.sub(lambda m: m.group(1) if "\\" not in m.group(1) else m.group(0), text)


def _punctuation(text: str) -> str:
    """Map full-width digits and letters to ASCII and half-width Chinese punctuation to
    full width, except between digits (``1,200``, ``18:1``) where it is numeric."""
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))  # full-width alphanumerics → ASCII
            continue
        if ch in ("％", "＋", "＝", "－", "／", "．", "＜", "＞", "～"):
            out.append(unicodedata.normalize("NFKC", ch))
            continue
        full = _TO_FULL_WIDTH.get(ch)
        if full is not None:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < n else ""
            numeric = ch in ",:" and before.isdigit() and after.isdigit()
            latin = ch in "()" and (
                (ch == "(" and after.isascii() and after.isalpha() and before.isascii())
                or (ch == ")" and before.isascii() and before.isalpha() and after.isascii())
            )
            out.append(ch if numeric or latin else full)
            continue
        out.append(ch)
    return "".join(out)


def clean_text(text: str) -> str:
    """Clean one cell of extracted text; the result is what the publisher wrote.

    >>> clean_text("<p>1、产出指标: 资金及时发放率, 年度指标值: 100%。</p>")
    '1、产出指标：资金及时发放率，年度指标值：100%。'
    >>> clean_text("进度 \\\\geq 50%")
    '进度≥50%'
    >>> clean_text("<2小时")
    '<2小时'

    The steps run to a fixed point, so that cleaning clean text changes nothing: a step can
    make work for another (in ``科 (g`` the bracket's neighbour is a space until the space
    goes; ``;(g`` has a half-width semicolon until it widens). Every step only shortens the
    text or moves a character one way (half-width punctuation to full, full-width letters
    to ASCII), so the rounds end; the second round is usually the last.
    """
    while True:
        cleaned = _clean_once(text)
        if cleaned == text:
            return cleaned
        text = cleaned


def _clean_once(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = strip_tags(text)
    text = _latex(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACE.sub(" ", text)
    text = _SPACED_NUMBER.sub(r"\1", text)
    text = _punctuation(text)
    text = _SPACE_NEAR_CJK.sub("", text)
    text = re.sub(r"\s*\n\s*", "\n", text)
    return text.strip()


_AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")


def clean_amount(text: str) -> Decimal | None:
    """Read an amount cell (万元): ``"2, 501. 00"`` → ``Decimal("2501.00")``; empty → ``None``.

    Raises :class:`ValueError` when the cell holds something that is not an amount.
    """
    cleaned = strip_tags(unicodedata.normalize("NFKC", text))
    cleaned = re.sub(r"\s+", "", cleaned).replace(",", "")
    if cleaned in ("", "-", "—", "–"):
        return None
    if not _AMOUNT.match(cleaned):
        raise ValueError(f"not an amount: {text.strip()!r}")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise ValueError(f"not an amount: {text.strip()!r}") from exc
