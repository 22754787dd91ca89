"""The CLI reads at most ``JIXIAO_MAX_INPUT_BYTES`` of any input (issue 13, finding 9): an
endless or huge input is exit 2 with one line, quickly and in bounded memory — each command
runs here in a subprocess capped at 1.5 GB of address space and 60 s."""

from __future__ import annotations

import resource
import subprocess
import time
from pathlib import Path

import pytest
from support.servers import BIN

from jixiao.service.pipeline.load import seed_files
from jixiao.service.settings import Settings

ADDRESS_SPACE = 1536 * 1024 * 1024
SEED_2025 = next(data for data, _, year in seed_files() if year == 2025)


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def jixiao(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "jixiao"), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_capped,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("validate", "/dev/zero", "--year", "2025"),
        ("ingest", "/dev/zero", "--year", "2025", "--store", ":memory:"),
        ("query", "--store", ":memory:", "@/dev/zero"),
    ],
)
def test_an_endless_input_is_exit_2_with_one_line(argv: tuple[str, ...]) -> None:
    started = time.monotonic()
    done = jixiao(*argv)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert "/dev/zero" in lines[0] and "JIXIAO_MAX_INPUT_BYTES" in lines[0]
    assert time.monotonic() - started < 30


def test_the_limit_is_a_setting(tmp_path: Path) -> None:
    table = tmp_path / "gzast-2025.txt"
    table.write_bytes(SEED_2025)
    small = {"JIXIAO_MAX_INPUT_BYTES": str(len(SEED_2025) - 1)}
    refused = jixiao("validate", str(table), "--year", "2025", env=small)
    assert refused.returncode == 2 and f"{len(SEED_2025) - 1} bytes" in refused.stderr
    enough = {"JIXIAO_MAX_INPUT_BYTES": str(len(SEED_2025))}
    assert jixiao("validate", str(table), "--year", "2025", env=enough).returncode == 0


def test_the_default_is_far_above_a_real_table() -> None:
    real = Path(__file__).parents[2] / "shared" / "real-tables"
    largest = max((p.stat().st_size for p in real.glob("*")), default=len(SEED_2025))
    assert Settings().max_input_bytes >= 100 * max(largest, len(SEED_2025))
