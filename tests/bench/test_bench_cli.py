"""make bench's command-line section: whole processes timed side by side, rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.service.bench.cli import bench_cli, render_cli

pytestmark = pytest.mark.slow


def test_the_cli_section_times_jixiao_beside_pyshacl_turbo(tmp_path: Path) -> None:
    cli = bench_cli(tmp_path, runs=1)
    medians = cli["median_s"]
    assert isinstance(medians, dict)
    assert set(medians) == {
        "jixiao_validate",
        "jixiao_validate_cold",
        "jixiao_help",
        "pyshacl_turbo",
    }
    assert all(0 < seconds < 120 for seconds in medians.values())
    assert cli["ratio"] == medians["jixiao_validate"] / medians["pyshacl_turbo"]
    assert (tmp_path / "mapped.nt").stat().st_size > 100_000
    assert list((tmp_path / "cache").glob("shapes-*.pickle"))  # the warm runs had a cache
    text = "\n".join(render_cli(cli))
    assert "jixiao ÷ pyshacl-turbo: " in text and "`jixiao --help`: " in text
    assert "| `pyshacl-turbo -s shapes.ttl -w mapped.nt` |" in text
