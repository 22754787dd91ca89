"""Which texts :func:`.pages.page_of` reads as a page of a base (a SELECT with a top-level
ORDER BY ending with a top-level LIMIT/OFFSET), and which it leaves alone because they are
not, or because that cannot be told for sure."""

from __future__ import annotations

import time

import pytest

from jixiao.service.answers.canned import load_queries
from jixiao.service.query.pages import Page, page_of

ORDERED = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s\n"


@pytest.mark.parametrize(
    ("tail", "offset", "limit"),
    [
        ("LIMIT 10", 0, 10),
        ("LIMIT 10 OFFSET 20", 20, 10),
        ("OFFSET 20 LIMIT 10", 20, 10),
        ("offset 20", 20, None),
        ("limit 0", 0, 0),
        ("LIMIT\n10\r\nOFFSET\t20", 20, 10),
        ("LIMIT 10 # page 1\n# of many\n", 0, 10),
        ("LIMIT 10 # a comment's quote \" and # and LIMIT 3", 0, 10),
        ("LIMIT 10   \n\n", 0, 10),
    ],
)
def test_a_final_slice_is_read_off_its_base(tail: str, offset: int, limit: int | None) -> None:
    assert page_of(ORDERED + tail) == Page(ORDERED, offset, limit)


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_every_canned_query_paged_is_a_page(name: str) -> None:
    text = load_queries()[name].text.rstrip() + "\n"
    assert page_of(text + "LIMIT 50 OFFSET 100\n") == Page(text, 100, 50)
    assert page_of(text) is None  # no slice: nothing to cut


def test_iris_outside_brackets_may_hold_what_opens_comments_and_strings() -> None:
    text = (
        "PREFIX ex: <http://example.org/ns#>\nBASE <http://example.org/#>\n"
        "SELECT * WHERE { ?a <http://example.org/ns#p> ?b ; <urn:it's> ?c . "
        "FILTER (?b < ?c) } ORDER BY ?a\n"
    )
    assert page_of(text + "LIMIT 3") == Page(text, 0, 3)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10",  # no ORDER BY: Oxigraph stops early
        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s } } LIMIT 10",
        "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10 } }",
        ORDERED + "LIMIT 10 VALUES ?s { <urn:a> }",
        ORDERED + "# LIMIT 10",
        'SELECT ?s WHERE { ?s ?p "} ORDER BY ?s LIMIT 10',  # a string that never ends
        'SELECT ?s WHERE { ?s ?p ?o FILTER (?o = "ORDER BY ?s LIMIT 10") }',
        "ASK WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10",
        "CONSTRUCT WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10",
        "DESCRIBE ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10",
        ORDERED + "LIMIT 5 OFFSET 3 LIMIT 2",  # malformed: two LIMITs
        ORDERED + "OFFSET 3 LIMIT 5 OFFSET 3",
        ORDERED + "LIMIT -5",
        ORDERED + "LIMIT 5.0",
        ORDERED + "LIMIT 1234567890123456",  # more than Oxigraph reads
        ORDERED + "L\u0131MIT 5",  # a dotless i: Python's IGNORECASE would take it
        ORDERED + "LIMIT \u0665",  # an Arabic-Indic digit
        ORDERED + "LIMIT\u30005",  # an ideographic space
        ORDERED + "# a comment that\x85LIMIT 5",  # NEL: where readings of a line differ
        ORDERED + "?oLIMIT 5",
        # Within brackets, "<" may be "less than", and the rest of the line a comment:
        # ORDER BY (?a < ?b) # x>) LIMIT 5 reads so.
        "SELECT * WHERE { ?a <urn:p> ?b } ORDER BY (?a<?b)#x>) LIMIT 5",
        "SELECT * WHERE { ?a ?p ?b FILTER (?p = <http://example.org/ns#p>) } ORDER BY ?a LIMIT 5",
        "SELECT * WHERE { ?a ?p ?b } ORDER BY ?a VALUES ?a { <urn:a> } LIMIT 5",  # malformed
        "SELECT * WHERE { ?a ?p ?b FILTER (?b IN (<urn:x#1>)) } ORDER BY ?a LIMIT 5",
        "SELECT * WHERE { ?a ?p ?b BIND (<urn:x#1> AS ?c) } ORDER BY ?a LIMIT 5",
        "SELECT * WHERE { ?a ex:p\\.q ?b } ORDER BY ?a LIMIT 5",  # an escape outside strings
        "",
    ],
)
def test_other_texts_are_no_page(text: str) -> None:
    assert page_of(text) is None


def test_iris_in_values_rows_and_datatypes_are_read() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    text = (
        "SELECT * WHERE {\n"
        f'  VALUES (?y ?u ?k) {{ ("2023"^^<{xsd}integer> <urn:x#a> "b") (UNDEF UNDEF 1) }}\n'
        f'  ?s ?p ?y FILTER (sameTerm(?y, "2023"^^ <{xsd}integer>) && ?y != 1)\n'
        f"  ?s ^<urn:q#p> ?o\n"
        "} ORDER BY ?s\n"
    )
    assert page_of(text + "OFFSET 5 LIMIT 5") == Page(text, 5, 5)


def test_a_quote_in_a_comment_starts_no_string() -> None:
    text = ORDERED + '# "a quote\n'
    assert page_of(text + 'LIMIT 10 # and another "') == Page(text, 0, 10)


@pytest.mark.parametrize(
    "text",
    [
        " " * 100_000 + "X",
        "PREFIX a: <urn:a> " * 10_000 + " " * 100_000 + "X",
        ORDERED + "LIMIT 5" + " " * 100_000 + "X",
        ORDERED + "LIMIT 5 OFFSET 5 " * 20_000,
        "SELECT * WHERE { VALUES ?a { " + "(" * 50_000 + "} } ORDER BY ?a LIMIT 5",
        "SELECT * { ?s ?p (<urn:a#>" + " <urn:b#>" * 50_000 + ") } ORDER BY ?s LIMIT 5",
    ],
    ids=["spaces", "prologue", "after-slice", "slices", "values", "iris"],
)
def test_long_texts_are_read_in_linear_time(text: str) -> None:
    started = time.monotonic()
    page_of(text)
    assert time.monotonic() - started < 1.0


def test_a_variable_named_limit_is_no_slice() -> None:
    text = "SELECT ?limit WHERE { ?s ?p ?limit } ORDER BY ?limit ?offset\n"
    assert page_of(text + "OFFSET 1") == Page(text, 1, None)
