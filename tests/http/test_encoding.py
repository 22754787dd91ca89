"""Which clients get gzip: ``Accept-Encoding`` read as RFC 9110 says."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from jixiao.service.http.bodies import accepts_gzip


def _request(header: str | None) -> Request:
    headers = [] if header is None else [(b"accept-encoding", header.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


@pytest.mark.parametrize(
    ("header", "gzip"),
    [
        (None, False),
        ("", False),
        ("identity", False),
        ("gzip", True),
        ("GZIP", True),
        ("gzip, deflate, br, zstd", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("x-gzip", True),
        ("*", True),
        ("*;q=0", False),
        ("*, gzip;q=0", False),
        ("deflate, *;q=0.1", True),
        ("gzip;q=bogus", False),
    ],
)
def test_gzip_is_taken_when_accept_encoding_allows_it(header: str | None, gzip: bool) -> None:
    assert accepts_gzip(_request(header)) is gzip
