"""Robustness of the workbook and PDF readers: a damaged XLSX, XLS or PDF — bytes cut off,
overwritten or spliced in anywhere — reads as a table or is refused with jixiao's own
:class:`InputError` in one line starting with the file name; no other exception escapes
(the libraries underneath raise many kinds)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.hypothesis_profiles import bounded
from support.seed_formats import CJK_FONT, seed_pdf, seed_xls, seed_xlsx

from jixiao.ingest.errors import InputError
from jixiao.ingest.readers import read_source_table

MINI = Path(__file__).parents[1] / "data" / "mini-2024.txt"
SOURCE = "fuzz.bin"


def _read_or_refuse(data: bytes) -> None:
    try:
        table = read_source_table(data, SOURCE)
    except InputError as exc:
        message = str(exc)
        assert message.startswith(SOURCE + ": "), message
        assert "\n" not in message and "\r" not in message, message
        return
    assert table.projects


_DAMAGE = st.tuples(
    st.floats(min_value=0, max_value=1, allow_nan=False),  # where, as a fraction of the size
    st.integers(min_value=0, max_value=64),  # how many bytes go
    st.binary(max_size=64),  # what comes in their place
)


def _damaged(data: bytes, damage: tuple[float, int, bytes]) -> bytes:
    where, cut, spliced = damage
    at = int(where * len(data))
    return data[:at] + spliced + data[at + cut :]


WRITERS = {
    "xlsx": seed_xlsx,
    "xls": seed_xls,
    "pdf": pytest.param(
        seed_pdf,
        marks=pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-wqy-microhei is missing"),
    ),
}


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
@bounded(50)
@given(st.lists(_DAMAGE, min_size=1, max_size=4))
def test_a_damaged_file_is_read_or_refused(
    writer: Callable[[Path], bytes], damages: list[tuple[float, int, bytes]]
) -> None:
    data = writer(MINI)
    for damage in damages:
        data = _damaged(data, damage)
    _read_or_refuse(data)


@bounded(100)
@given(
    st.sampled_from([b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    st.binary(max_size=3000),
)
def test_any_bytes_behind_a_binary_signature_are_refused(head: bytes, rest: bytes) -> None:
    _read_or_refuse(head + rest + b"xl/workbook.xml" * (head == b"PK\x03\x04"))
