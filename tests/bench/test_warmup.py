"""The warm-up's windows: each query's median ratio per window of time since the start."""

from __future__ import annotations

import pytest

from jixiao.service.bench.warmup import warmup_target, warmup_windows


def _ask(at: float, query: str, jixiao: float, memory: float) -> dict[str, object]:
    return {"at": at, "query": query, "jixiao": jixiao, "memory": memory}


def test_each_window_holds_each_querys_median_ratio_and_the_worst() -> None:
    asks = [
        _ask(1, "a", 0.8, 0.1),  # from disk, at first
        _ask(2, "b", 0.3, 0.1),
        _ask(31, "a", 0.12, 0.1),
        _ask(32, "a", 0.2, 0.1),
        _ask(33, "a", 0.13, 0.1),
        _ask(34, "b", 0.11, 0.1),
        _ask(35, "b", -503, 0.1),  # an error is no ratio
        _ask(95, "b", 0.16, 0.1),
    ]
    first, second, third = warmup_windows(asks, window=30)
    assert first == {
        "from_s": 0,
        "asks": 2,
        "ratios": {"a": pytest.approx(8.0), "b": pytest.approx(3.0)},
        "worst": "a",
        "worst_ratio": pytest.approx(8.0),
    }
    assert second["asks"] == 4 and second["ratios"]["a"] == pytest.approx(1.3)
    assert second["worst"] == "a"
    assert third["from_s"] == 90 and third["worst"] == "b"
    assert warmup_target({"asks": asks}) == (pytest.approx(1.6), "b")
    assert warmup_target({"asks": asks[:2]}) is None  # nothing from 30 s on
