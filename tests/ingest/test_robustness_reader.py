"""Robustness of the table reader and the target parser (issue 6), by property-based tests.

* Any input — arbitrary bytes, arbitrary text, random rows under a real header, the seed
  tables with lines deleted, duplicated or shuffled — either reads as a table or is refused
  with jixiao's own :class:`InputError`: one line, starting with the file name, naming the
  line (and column) where it has them. No other exception ever escapes.
* Nothing is lost: a table generated with random project names, amounts, goals and indicators
  (both layouts) reads back field for field; text that extraction artefacts were injected
  into (``<p>``, ``\\geq``, half-width or full-width forms, spaced digits) reads exactly as
  the clean seed does.
* The target parser never raises, keeps its text verbatim, and any number it reads is a
  ``Decimal`` written in that text.

Example counts are bounded for ``make test``; ``make fuzz`` multiplies them (see
``hypothesis_profiles.py``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.hypothesis_profiles import bounded

from jixiao.ingest.errors import InputError
from jixiao.ingest.model import Amounts, IndicatorRecord, ProjectRow, SourceTable
from jixiao.ingest.reader import read_table
from jixiao.ingest.targets import Comparator, parse_target
from jixiao.ingest.text import clean_amount, clean_text
from jixiao.service.pipeline.load import SEEDS

SEED_DIR = Path(__file__).resolve().parents[2] / "ingest" / "seeds"
SEED_TEXT = {year: (SEED_DIR / name).read_text(encoding="utf-8") for name, year in SEEDS}
HEADER = "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标"
PREAMBLE = "## 项目支出绩效目标表\n\n部门名称：示例局\n\n单位：万元\n\n"
SOURCE = "fuzz.txt"


def read_or_refuse(data: bytes) -> SourceTable | InputError:
    """The table, or the refusal after checking it is a well-formed :class:`InputError`.

    Any other exception propagates and fails the test.
    """
    try:
        table = read_table(data, SOURCE)
    except InputError as exc:
        message = str(exc)
        assert message.startswith(SOURCE + ":"), message
        assert "\n" not in message and "\r" not in message, message
        where = exc.location
        if where.line is not None:
            assert where.line >= 1
            assert f"{SOURCE}:{where.line}" in message and f"line {where.line}" in message
        if where.column is not None:
            assert where.line is not None and where.column_name, message
            assert f"column {where.column} ({where.column_name})" in message
        return exc
    assert table.projects, "a table is returned only with project rows"
    assert [p.row_number for p in table.projects] == list(range(1, len(table.projects) + 1))
    for project in table.projects:
        assert project.name and project.unit in table.units
        assert [i.position for i in project.indicators] == list(
            range(1, len(project.indicators) + 1)
        )
    return table


def check_rows_kept(text: str, table: SourceTable) -> None:
    """Every project's cells come back cleaned from the source line the project names."""
    lines = re.split(r"\r\n|\r|\n", text)
    for project in table.projects:
        cells = lines[project.line - 1].split("\t")
        assert project.name == clean_text(cells[0])
        assert project.goal == clean_text(cells[5])
        amounts = Amounts(*(clean_amount(cell) for cell in cells[1:5]))
        assert project.amounts == amounts
        cleaned = clean_text(cells[6])
        at = 0
        for indicator in project.indicators:  # every field appears, in order
            for part in (indicator.level1_text, indicator.name, indicator.annual):
                found = cleaned.find(part, at)
                assert found >= 0, (part, cleaned)
                at = found + len(part)
            if indicator.period is not None:
                assert indicator.period in cleaned


# --- any input: a table or an InputError -------------------------------------------------------


@bounded(150)
@given(st.binary(max_size=2000))
def test_any_bytes(data: bytes) -> None:
    read_or_refuse(data)


@bounded(150)
@given(st.text(max_size=500), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_any_text(text: str, encoding: str) -> None:
    read_or_refuse(text.encode(encoding))


# Cell texts that reach every branch of the row reader.
_CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "", " ", "合计", "总计", "1.00", "2, 501. 00", "<p>875. 00</p>", "-", "约10", "1e3",
            "科普经费", "<p>开展科普活动</p>", "1、产出指标：场次，年度指标值：≥10场。",
            "1、产出指标：a，年度指标值：1。2、效益指标：b，年度指标值：好。",
            "1、1-产出指标；11-数量指标；场次；实施周期指标值:≥1；年度指标值:≥1。",
            "1、产出指标：缺少指标值。", "一、产出：13", "说明：1、产出指标：a，年度指标值：1。",
        ]
    ),
)  # fmt: skip
_ROWS = st.lists(st.lists(_CELLS, max_size=9).map("\t".join), max_size=10)


@bounded(200)
@given(_ROWS, st.sampled_from(["\n", "\r\n", "\r"]))
def test_random_rows_under_a_real_header(rows: list[str], newline: str) -> None:
    text = newline.join([*PREAMBLE.split("\n"), HEADER, *rows])
    table = read_or_refuse(text.encode())
    if isinstance(table, InputError):  # below a good header, a refusal names its line
        assert table.location.line is not None or "binary" in table.message, str(table)
        if "not an amount" in table.message or "indicator" in table.message:
            assert table.location.column is not None, str(table)
    else:
        check_rows_kept(text, table)


# --- generated tables: every field comes back ---------------------------------------------------

# Tokens of clean text (each is its own cleaning): words, numbers, signs and the punctuation
# values carry. None forms a structural marker, and no digit is followed by "、".
_TOKENS = [
    "科普", "活动", "场次", "完成率", "满意度", "服务", "人次", "项目", "经费", "培训",
    "宣传", "群众", "院士", "平台", "优", "良", "中", "差", "万", "年", "次", "个",
    "0", "1", "20", "95", "100", "1,000", "2.5", "%", "≥", "≤", "<", ">", "=", "~", "-",
    "/", "、", "（", "）", "《", "》", "“", "”", "A", "IT", "km", "G20",
]  # fmt: skip
_TRAILING = "。；，、 \n"
_VALUE = (
    st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda v: not re.search(r"\d、", v) and v[-1] not in _TRAILING)
)
# Raw cell text for names and goals: anything on one line, compared after cleaning.
_FREE = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\t\r\n\x00"), max_size=30
)
_NAME = _FREE.filter(lambda s: clean_text(s) != "")
_LEVELS = {
    "1": ("产出指标", {"11": "数量指标", "12": "质量指标", "13": "时效指标"}),
    "2": ("效益指标", {"21": "经济效益", "22": "社会效益"}),
    "3": ("满意度指标", {"31": "服务对象满意度"}),
    "4": ("成本指标", {"41": "经济成本指标"}),
}


@st.composite
def _amount(draw: st.DrawFn) -> tuple[str, Decimal | None]:
    if draw(st.booleans()):
        return draw(st.sampled_from(["", " ", "<p></p>"])), None
    value = Decimal(draw(st.integers(0, 10**9))).scaleb(-2)
    text = f"{value:,.2f}"
    if draw(st.booleans()):  # the extraction's spaced digits
        text = re.sub(r"([,.])", r"\1 ", text)
    if draw(st.booleans()):
        text = f"<p>{text}</p>"
    return text, value


@st.composite
def _indicator(draw: st.DrawFn, coded: bool, position: int) -> tuple[str, IndicatorRecord]:
    number = draw(st.integers(1, 999))
    code = draw(st.sampled_from(sorted(_LEVELS)))
    level1, level2s = _LEVELS[code]
    name, annual = draw(_VALUE), draw(_VALUE)
    ending = "。" if annual[-1].isdigit() or draw(st.booleans()) else ""
    if coded:
        code2 = draw(st.sampled_from(sorted(level2s)))
        period = draw(st.none() | _VALUE)
        values = f"；年度指标值:{annual}" if period is None else (
            f"；实施周期指标值:{period}；年度指标值:{annual}"
        )  # fmt: skip
        text = f"{number}、{code}-{level1}；{code2}-{level2s[code2]}；{name}{values}{ending}"
        level2: tuple[str | None, str | None] = (level2s[code2], code2)
    else:
        period = None
        text = f"{number}、{level1}：{name}，年度指标值：{annual}{ending}"
        level2 = (None, None)
    record = IndicatorRecord(
        position=position,
        written_number=number,
        level1_text=level1,
        level1_code=code if coded else None,
        level2_text=level2[0],
        level2_code=level2[1],
        name=name,
        annual=annual,
        period=period,
        layout="coded" if coded else "labelled",
    )
    return text, record


@st.composite
def _project(draw: st.DrawFn, coded: bool) -> tuple[str, tuple[object, ...]]:
    name, goal = draw(_NAME), draw(_FREE)
    amounts = [draw(_amount()) for _ in range(4)]
    cells, records = [], []
    for position in range(1, draw(st.integers(1, 4)) + 1):
        text, record = draw(_indicator(coded, position))
        cells.append(text)
        records.append(record)
    indicators = "".join(cells)
    if draw(st.booleans()):
        indicators = f"<p>{indicators}</p>"
    line = "\t".join([name, *(a[0] for a in amounts), goal, indicators])
    expected = (clean_text(name), tuple(a[1] for a in amounts), clean_text(goal), tuple(records))
    return line, expected


@st.composite
def _table(draw: st.DrawFn) -> tuple[str, list[tuple[str, list[tuple[object, ...]]]]]:
    coded = draw(st.booleans())
    lines = [HEADER, "合计\t100.00\t100.00\t\t\t\t"]
    units = []
    for _ in range(draw(st.integers(1, 3))):
        unit = draw(_NAME)
        lines.append(f"{unit}\t1.00\t1.00\t\t\t\t")
        expected = []
        for _ in range(draw(st.integers(1, 3))):
            line, project = draw(_project(coded))
            lines.extend([line, ""] if draw(st.booleans()) else [line])  # blank-line noise
            expected.append(project)
        units.append((clean_text(unit), expected))
    return PREAMBLE + "\n".join(lines) + "\n", units


def _content(project: ProjectRow) -> tuple[object, ...]:
    amounts = project.amounts
    money = (amounts.total, amounts.fiscal, amounts.special_account, amounts.other)
    return (project.name, money, project.goal, project.indicators)


@bounded(70)
@given(_table(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_generated_tables_read_back_field_for_field(
    table: tuple[str, list[tuple[str, list[tuple[object, ...]]]]], encoding: str
) -> None:
    text, units = table
    read = read_table(text.encode(encoding), SOURCE)
    assert read.department == "示例局"
    assert [u.name for u in read.units] == [name for name, _ in units]
    expected = [(name, project) for name, projects in units for project in projects]
    assert [(p.unit.name, _content(p)) for p in read.projects] == expected
    for project in read.projects:  # each value parses with its text kept, as mapping does
        for indicator in project.indicators:
            check_target(indicator.annual)
            if indicator.period is not None:
                check_target(indicator.period)


# --- the seeds, mutated --------------------------------------------------------------------------


def _projects(table: SourceTable) -> list[tuple[int, str, tuple[object, ...]]]:
    return [(p.line, p.unit.name, _content(p)) for p in table.projects]


SEED_TABLES = {year: read_table(text.encode(), SOURCE) for year, text in SEED_TEXT.items()}


@bounded(50)
@given(st.sampled_from(sorted(SEED_TEXT)), st.data())
def test_seed_lines_deleted_duplicated_shuffled(year: int, data: st.DataObject) -> None:
    lines = SEED_TEXT[year].split("\n")
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        i = data.draw(st.integers(0, len(lines) - 1), label="line")
        edit = data.draw(st.sampled_from(["delete", "duplicate", "swap", "move", "cut"]))
        if edit == "delete":
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif edit == "move":
            lines.insert(data.draw(st.integers(0, len(lines) - 1), label="to"), lines.pop(i))
        elif edit == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])), label="at")]
        if not lines:
            lines = [""]
    text = "\n".join(lines)
    table = read_or_refuse(text.encode())
    if not isinstance(table, InputError):
        check_rows_kept(text, table)
        # Whole lines moved around: each project read is one of the seed's, unchanged
        # (a cut line that still reads is a prefix of one, so only its name is checked).
        seed = {_content(p) for p in SEED_TABLES[year].projects}
        names = {p.name for p in SEED_TABLES[year].projects}
        for project in table.projects:
            assert _content(project) in seed or project.name in names


_CJK = re.compile(r"[\u4e00-\u9fff]")
_HALF = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"}


def _artefacts(text: str, data: st.DataObject) -> str:
    """``text`` with extraction artefacts injected where cleaning undoes them exactly."""
    chars = list(text)
    spots = {
        "half-width": [
            i
            for i, ch in enumerate(chars)
            if ch in _HALF and 0 < i < len(chars) - 1
            and _CJK.match(chars[i - 1]) and _CJK.match(chars[i + 1])
        ],
        "full-width digit": [i for i, ch in enumerate(chars) if ch.isascii() and ch.isdigit()],
        "full-width %": [i for i, ch in enumerate(chars) if ch == "%"],
        "latex": [i for i, ch in enumerate(chars) if ch in "≥≤"],
        "spaced digits": [
            i
            for i, ch in enumerate(chars)
            if ch in ",." and 0 < i < len(chars) - 1
            and chars[i - 1].isdigit() and chars[i + 1].isdigit()
        ],
    }  # fmt: skip
    for _ in range(data.draw(st.integers(1, 12), label="artefacts")):
        kind = data.draw(st.sampled_from(sorted(k for k, v in spots.items() if v)), label="kind")
        i = data.draw(st.sampled_from(spots[kind]), label=kind)
        ch = chars[i]
        if kind == "half-width":
            chars[i] = _HALF.get(ch, ch)
        elif kind == "full-width digit":
            chars[i] = chr(ord(ch) + 0xFEE0) if ch.isascii() else ch
        elif kind == "full-width %":
            chars[i] = "％"
        elif kind == "latex" and ch in "≥≤":
            command = {"≥": "geq", "≤": "leq"}[ch]
            chars[i] = data.draw(st.sampled_from([f"\\{command} ", f"$\\{command}$"]))
        elif kind == "spaced digits" and not ch.endswith(" "):
            chars[i] = ch + " "
    lines = "".join(chars).split("\n")
    header = next(n for n, line in enumerate(lines) if line.startswith("项目名称"))
    rows = [n for n in range(header + 1, len(lines)) if "\t" in lines[n]]
    for _ in range(data.draw(st.integers(0, 8), label="tags")):  # <p> around whole cells
        n = data.draw(st.sampled_from(rows), label="row")
        cells = lines[n].split("\t")
        c = data.draw(st.integers(0, len(cells) - 1), label="cell")
        if not cells[c].startswith("<p>"):
            cells[c] = f"<p>{cells[c]}</p>"
        lines[n] = "\t".join(cells)
    return "\n".join(lines)


@bounded(40)
@given(st.sampled_from(sorted(SEED_TEXT)), st.data())
def test_seed_with_injected_artefacts_reads_as_the_seed(year: int, data: st.DataObject) -> None:
    mutated = _artefacts(SEED_TEXT[year], data)
    assert mutated != SEED_TEXT[year]
    table = read_table(mutated.encode(), SOURCE)
    seed = SEED_TABLES[year]
    assert (table.title, table.department, table.total) == (seed.title, seed.department, seed.total)
    assert table.units == seed.units
    assert _projects(table) == _projects(seed)


# --- the target parser ---------------------------------------------------------------------------

_CN_NUMERALS = set("零〇一二两三四五六七八九十百千")


def check_target(text: str) -> None:
    """``parse_target`` keeps ``text`` and reads only numbers written in it, as Decimals."""
    parsed = parse_target(text)
    assert parsed.raw == text
    written = text.replace(",", "")
    for number in (parsed.value, parsed.min_value, parsed.max_value):
        if number is None:
            continue
        assert isinstance(number, Decimal) and number.is_finite() and number >= 0
        if format(number, "f") not in written:  # else a Chinese numeral: a whole number
            assert number == number.to_integral_value(), (text, number)
            assert _CN_NUMERALS & set(text), (text, number)
    if parsed.comparator is Comparator.BETWEEN:
        assert parsed.min_value is not None and parsed.max_value is not None
        assert parsed.min_value <= parsed.max_value


# Artefact-rich text: what a target cell holds before cleaning.
_TARGET_PARTS = st.one_of(
    st.text(max_size=4),
    st.sampled_from(
        [
            "<p>", "</p>", "<br/>", "\\geq", "\\leq ", "$\\geq$", "$", "&lt;", "&amp;", " ",
            "\u3000", "1, 000", "2. 5", "95", "１００", "％", "≥", "≤", "<", ">", "约", "不少于",
            "以上", "以内", "左右", "-", "~", "至", "万", "亿", "人次", "小时", "内", "一", "十",
            "两", "（", "）", "(", ")", "“", "”", "2023年", "第", "、", "，", "。", ",", ":",
        ]
    ),
)  # fmt: skip


@bounded(300)
@given(st.lists(_TARGET_PARTS, max_size=10).map("".join))
def test_target_parser_on_cleaned_cells(cell: str) -> None:
    check_target(clean_text(cell))


@bounded(300)
@given(st.text())
def test_target_parser_on_any_text(text: str) -> None:
    check_target(text)


# --- cleaning clean text changes nothing --------------------------------------------------------

# Pieces that make work for one another: brackets and commas whose width depends on their
# neighbours, spaces that go next to CJK text, escaped tags, LaTeX and entities.
_DIRTY = st.sampled_from(
    [
        "科", "中", "a", "g", "Word", "IT", "1", "20", "5", " ", "\u3000", "\u00a0", "\t", "\n",
        "\r", "\r\n", "(", ")", ",", ":", ";", "?", "!", "（", "，", "１", "％", "、", "。", ".",
        "%", "<", ">", "=", "$", "<p>", "</p>", "<br/>", "span", "b>", "p", "&lt;", "&gt;",
        "&amp;", "&#60;", "\\geq", "\\le", "\\lt", "\\gt ", "\\%", "$\\geq$", "2, 501. 00",
        "1,2", "18:1", "e\u0301",
    ]
)  # fmt: skip


@bounded(500)
@given(st.one_of(st.lists(_DIRTY, max_size=8).map("".join), st.text(max_size=16)))
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("科 (g", "科（g"),  # the space goes, then the bracket's neighbour is CJK
        (";(g", "；（g"),  # the semicolon widens, then so does the bracket
        ("&lt;p&gt;达标", "达标"),  # an escaped tag is a tag
        ("Word (Excel)", "Word (Excel)"),  # Latin in Latin keeps its brackets and space
    ],
)
def test_clean_text_settles_what_one_round_leaves(text: str, cleaned: str) -> None:
    assert clean_text(text) == cleaned
