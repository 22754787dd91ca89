"""Which canned query, with which values, a SPARQL text is — if it is one.

The canned queries are published with their text (``GET /api/queries``, the query page's
examples) and people post them to ``/sparql`` as they are, with their parameters bound the
way :meth:`CannedQuery.render` binds them. :func:`recognize` finds the query and the values
of such a text, so that its answer can come from what is computed already for ``/api``
instead of from a new evaluation. It is exact: a text is recognised only if rendering the
query with the values found gives that very text, character for character; anything else (a
changed line, another order, a comment more) is evaluated as any query is.
"""

from __future__ import annotations

import itertools
import json
import re
from functools import cache

import pyoxigraph as ox

from jixiao.ingest.errors import UsageError
from jixiao.service.answers.canned import CannedQuery, load_queries

__all__ = ["recognize"]

_SENTINEL = "jixiaoParameterSentinel"
# A term as render() writes it (its N-Triples form): a literal, typed or tagged, or an IRI.
_TERM = r'"(?:[^"\\]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^<[^<>"\s]*>)?|<[^<>"\s]*>'
_INTEGER = "^^<http://www.w3.org/2001/XMLSchema#integer>"


@cache
def _shapes() -> list[tuple[CannedQuery, str, re.Pattern[str]]]:
    """For each canned query and each set of its parameters that may be bound: the text's
    first line (to rule most texts out at once) and a pattern of the rendered text with a
    named group for each bound parameter's term."""
    out = []
    for query in load_queries().values():
        names = [p.name for p in query.parameters]
        for size in range(len(names) + 1):
            for bound in itertools.combinations(names, size):
                marks = {n: ox.Literal(f"{_SENTINEL}{n}") for n in bound}
                pattern = re.escape(query.render(marks))
                for n in bound:
                    mark = re.escape(str(marks[n]))
                    first = pattern.index(mark)
                    pattern = (
                        pattern[:first]
                        + f"(?P<{n}>{_TERM})"
                        + pattern[first + len(mark) :].replace(mark, f"(?P={n})")
                    )
                out.append((query, query.text.split("\n", 1)[0], re.compile(pattern, re.DOTALL)))
    return out


def _value(term: str) -> object:
    """The value a parameter was given, from the term render() wrote for it."""
    if term.startswith("<"):
        return term[1:-1]
    lexical, _, suffix = term.rpartition('"')
    text = json.loads(lexical + '"')  # N-Triples' escapes, as JSON reads them
    return int(text) if suffix == _INTEGER else text


def recognize(text: str) -> tuple[CannedQuery, dict[str, object]] | None:
    """The canned query ``text`` is, rendered with the values returned; None if it is none."""
    for query, first_line, pattern in _shapes():
        if not text.startswith(first_line):
            continue
        found = pattern.fullmatch(text)
        if found is None:
            continue
        try:
            values = {n: _value(t) for n, t in found.groupdict().items()}
            if query.render(query.bind(values)) == text:
                return query, values
        except (UsageError, ValueError):
            continue
    return None
