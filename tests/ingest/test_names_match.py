"""Linking's name matches (indicators, projects): the same answers as comparing in full."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.ingest.linking.names import (
    Method,
    compare_indicator_names,
    compare_names,
    compare_names_at_least,
    match_indicator_names,
)

NAMES = st.text(alphabet="活动场次参与人数满意度覆盖率（）()% 年培训班科普讲座a1", max_size=12)


def _expected(a: str, b: str, at_least: float | None) -> tuple[Method, float] | None:
    method, score = compare_indicator_names(a, b)
    if method is Method.SIMILAR and (at_least is None or score < at_least):
        return None
    return method, score


@settings(max_examples=400)
@given(NAMES, NAMES, st.sampled_from([None, 0.0, 0.5, 0.8, 0.85, 1.0]))
def test_the_match_is_the_full_comparison_cut_at_the_threshold(
    a: str, b: str, at_least: float | None
) -> None:
    assert match_indicator_names(a, b, at_least=at_least) == _expected(a, b, at_least)


def test_examples() -> None:
    assert match_indicator_names("活动场次", "活动场次", at_least=None) == (Method.EXACT, 1.0)
    assert match_indicator_names("活动（场次）", "活动场次", at_least=None) == (
        Method.NORMALIZED,
        1.0,
    )
    assert match_indicator_names("活动场次", "培训场次", at_least=None) is None
    assert match_indicator_names("科普活动场次", "科普讲座场次", at_least=0.5) == (
        Method.SIMILAR,
        compare_indicator_names("科普活动场次", "科普讲座场次")[1],
    )
    assert match_indicator_names("科普活动场次", "满意度", at_least=0.5) is None


PROJECT_NAMES = st.text(
    alphabet="广州市科学技术协会项目经费专项资金（2023）2024年运行维护信息化", max_size=16
)


@settings(max_examples=400)
@given(PROJECT_NAMES, PROJECT_NAMES, st.sampled_from([0.0, 0.5, 0.7, 0.75, 0.9, 1.0]))
def test_project_names_at_least_are_the_full_comparison_cut_at_the_threshold(
    a: str, b: str, at_least: float
) -> None:
    """Series linking's pruned comparison: the full one's method and score when it reaches
    the threshold, None when it does not."""
    method, score = compare_names(a, b)
    expected = (method, score) if score >= at_least else None
    assert compare_names_at_least(a, b, at_least) == expected
