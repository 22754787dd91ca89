"""Form bodies (``application/x-www-form-urlencoded``) are read as ``parse_qsl`` reads them:
:func:`parse_form` decodes escapes natively, and must not differ on any body."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.service.http.protocol import parse_form, read_operation

FORM = "application/x-www-form-urlencoded"


def _reference(body: bytes) -> list[tuple[str, str]]:
    return parse_qsl(body.decode("utf-8"), keep_blank_values=True)


@given(st.lists(st.tuples(st.text(), st.text()), max_size=4))
def test_encoded_fields_read_as_parse_qsl_reads_them(fields: list[tuple[str, str]]) -> None:
    body = urlencode(fields).encode("ascii")
    assert parse_form(body) == _reference(body) == fields


# Pieces of bodies no client should send but anyone may: stray and broken escapes, escaped
# bytes that are not UTF-8, backslashes (which the native decoding must not read), raw
# UTF-8, empty fields, fields without "=".
_PIECES = st.sampled_from(
    ["%", "%2", "%zz", "%E4", "%E4%B8", "%E4%B8%AD", "%ff", "%5C", "\\", "\\x41", "\\n", "\\u4e2d",
     "+", "=", "&", "&&", "a", "中", "é", "%25", "%3D", "%26", "%00", "%0A", " "]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_any_body_reads_as_parse_qsl_reads_it(text: str) -> None:
    body = text.encode("utf-8")
    assert parse_form(body) == _reference(body)


def test_a_query_in_chinese_is_read_whole() -> None:
    query = 'SELECT * WHERE { ?unit rdfs:label "广州市教育局"@zh } # 百分之95 100% \\x41'
    body = f"query={quote(query)}&default-graph-uri={quote('urn:x:图')}".encode("ascii")
    operation = read_operation("POST", [], FORM, body)
    assert operation.text == query
    assert operation.default_graphs == ("urn:x:图",)


@pytest.mark.parametrize("body", [b"query=ASK+%7B%7D", b"query=ASK%20{}&", b"&query=ASK {}"])
def test_plus_and_escapes_are_spaces_and_characters(body: bytes) -> None:
    assert read_operation("POST", [], FORM, body).text == "ASK {}"
