"""``python -m jixiao.service.bench`` on both corpora: the sections of issue 15 end to end
on a tiny seed-multiplied corpus, and the targets said met or NOT met from the figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.service.bench.__main__ import main
from jixiao.service.bench.report_corpora import _growth, corpus_targets, render_corpora_ingest

pytestmark = pytest.mark.slow


def test_first_asks_and_mixed_load_on_the_seeded_corpus_merged_into_earlier_figures(
    tmp_path: Path,
) -> None:
    out, results = tmp_path / "BENCHMARKS.md", tmp_path / "bench-results.json"
    earlier = {"documents": 9, "triples": 12_345, "seconds": 1.5, "link_s": 0.5}
    results.write_text(
        json.dumps({"corpora": {"synthetic": {"10k": {"ingest": earlier}}}}), encoding="utf-8"
    )
    what = ["--sections", "first-asks,mixed", "--sizes", "20000", "--corpora", "seeded"]
    how = ["--clients", "5", "--mixed-seconds", "2", "--merge"]
    main([*what, *how, "--out", str(out), "--json", str(results)])
    found = json.loads(results.read_text(encoding="utf-8"))
    assert found["corpora"]["synthetic"]["10k"]["ingest"] == earlier  # kept
    seeded = found["corpora"]["seeded"]["20000"]
    assert seeded["ingest"]["refused"] == 0 and seeded["ingest"]["documents"] == 7
    assert seeded["mixed"]["overall"]["errors"] == {}
    assert seeded["mixed"]["overall"]["count"] > 0
    asks = seeded["first_asks"]["replicas"]  # (one department: few units to ask about)
    assert all(set(q["statuses"]) <= {200} for q in asks.values())
    assert sum(len(q["statuses"]) for q in asks.values()) >= 10
    text = out.read_text(encoding="utf-8")
    assert "| synthetic | 10k | 9 | 12,345 |" in text and "| seeded | 20000 | 7 |" in text
    assert "| 20000 seeded | **all** |" in text  # the mixed load and the first asks
    assert "## jixiao beside bare Oxigraph in memory" not in text  # not measured


def _size(p99: float, errors: int, median: float, worst: float, ratio: float, ingest: float):  # type: ignore[no-untyped-def]
    def q(s: float) -> dict[str, object]:
        return {"times_s": [s], "statuses": [200]}

    return {
        "ingest": {"seconds": ingest},
        "mixed": {
            "clients": 300,
            "overall": {"p99": p99, "errors": {"Timeout": errors} if errors else {}},
        },
        "first_asks": {"replicas": {"recurring": q(median), "target-changes": q(worst)}},
        "anchor": {"queries": {"a": {"vs_memory": 1.0}, "b": {"vs_memory": ratio}}},
    }


def test_the_targets_at_1m_are_said_met_or_not_from_the_figures() -> None:
    met = corpus_targets({"seeded": {"1M": _size(2.5, 0, 0.1, 0.3, 1.4, 50.0)}})
    assert len(met) == 4 and all(line.endswith("— met.") for line in met), met
    missed = corpus_targets({"synthetic": {"1M": _size(2.5, 3, 0.1, 1.2, 1.6, 61.0)}})
    assert len(missed) == 4 and all(line.endswith("— NOT met.") for line in missed), missed
    assert "worst 1.60× (b)" in missed[2] and "3 errors" in missed[0]
    at_5m = corpus_targets({"synthetic": {"5M": _size(9.0, 3, 0.4, 0.5, 1.2, 300.0)}})
    assert "(reported)" in at_5m[0] and at_5m[1].endswith("— met.")  # median ≤ 500 ms
    assert "(replicas ready)" in at_5m[1]
    off = _size(9.0, 3, 0.4, 0.5, 1.2, 300.0)
    off["first_asks"]["replicas_ready"] = False  # above JIXIAO_QUERY_REPLICA_MAX_TRIPLES
    asks = corpus_targets({"synthetic": {"5M": off}})[1]
    assert "(second round; replicas off, answered from disk)" in asks


def test_sizes_are_reported_smallest_first_and_grow_from_the_smaller() -> None:
    def size(triples: int, seconds: float, p99: float) -> dict[str, object]:
        record = _size(p99, 0, 0.1, 0.2, 1.0, seconds)
        record["ingest"] = {"documents": 7, "triples": triples, "seconds": seconds, "link_s": 1.0}
        record["mixed"]["overall"].update(median=p99 / 2, throughput=100.0)  # type: ignore[index]
        return record

    corpora = {"seeded": {"1M": size(1_000_000, 40.0, 2.0), "100k": size(100_000, 5.0, 0.5)}}
    text = "\n".join([*render_corpora_ingest(corpora), *_growth(corpora)])
    assert text.index("| seeded | 100k |") < text.index("| seeded | 1M |")
    assert "| seeded | 100k → 1M | 10.0 | 0.80 | 1.00 | 4.00 | 4.00 | 1.00 |" in text
