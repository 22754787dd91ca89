"""Aligned tables for a terminal (``query --format table``, ``diff``): CJK characters take
two columns, long cells end in …, text is never read as markup."""

from __future__ import annotations

import unicodedata

from jixiao.service.tables import aligned


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_cjk_cells_line_up_by_terminal_columns() -> None:
    text = aligned(["名称", "total"], [["青少馆运行维护费", "71.78"], ["ab", "100"]], right=[1])
    header, rule, *rows = text.splitlines()
    assert rows == ["青少馆运行维护费   71.78", "ab                   100"]
    assert {_columns(line) for line in (header, rule, *rows)} == {_columns(rows[0])}


def test_long_cells_are_cut_with_an_ellipsis_and_brackets_stay_text() -> None:
    text = aligned(["x", "y"], [["科" * 40, "[b]not markup[/b]"]], max_width=20)
    row = text.splitlines()[2]
    assert row.startswith("科" * 9 + " …")
    assert row.endswith("[b]not markup[/b]")
    assert "\x1b" not in text


def test_indent_and_no_trailing_spaces() -> None:
    text = aligned(["a", "b"], [["1", ""], ["22", "x"]], indent=4)
    assert all(line.startswith("    ") and line == line.rstrip() for line in text.splitlines())
