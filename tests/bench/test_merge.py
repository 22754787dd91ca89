"""``--merge``: a section measured again replaces the earlier one whole; others are kept."""

from __future__ import annotations

from jixiao.service.bench.__main__ import measured_over


def test_a_section_measured_again_keeps_nothing_of_the_earlier_one() -> None:
    """The bug it fixes: merged key by key, an earlier run's ``HTTP 503`` counts stayed in a
    mixed load measured again without errors (BENCHMARKS.md said 403 errors that did not
    happen)."""
    earlier = {
        "mixed": {"kinds": {"sparql": {"count": 9, "ok": 1, "errors": {"HTTP 503": 8}}}},
        "anchor": {"queries": 3},
    }
    found = {"mixed": {"kinds": {"sparql": {"count": 20, "ok": 20, "errors": {}}}}}
    merged = measured_over(earlier, found)
    assert merged["mixed"]["kinds"]["sparql"]["errors"] == {}
    assert merged["anchor"] == {"queries": 3}  # not measured this time: kept
