"""Canned queries: the ``queries/*.rq`` files, their header metadata, run with bound values.

Each file starts with comment lines that say what it is::

    # title: Target changes between two years
    # description: For every project that recurs …
    # parameter: yearA integer required — the earlier budget year, e.g. 2023
    # parameter: unitName text@zh optional — only this funding unit

Parameter types: ``integer`` (``xsd:integer``), ``text@zh`` (a ``@zh`` label), ``text`` (a
plain string), ``iri`` (an http(s) IRI, checked strictly). Values are checked and turned into
RDF terms by :meth:`CannedQuery.bind` (:class:`UsageError` for a bad one), then bound — never
formatted into the text: :meth:`CannedQuery.render` puts a ``VALUES`` block of the terms'
N-Triples forms at the start of the query's top-level ``WHERE`` group, or in place of each
line ``# (parameters)`` if the query has such lines: a query whose top level is a ``UNION``
marks the start of each branch, because Oxigraph joins a ``VALUES`` block outside a union
only after evaluating every branch in full (1.7× slower for target-changes at 1M triples).
A line ``# (parameters as filter)`` gets a ``FILTER`` of ``sameTerm`` tests instead (the same
rows, for variables the query binds anyway): Oxigraph starts a join from the ``VALUES``
block wherever it stands, and a query that should start from a rare pattern — target-met
from the actual values of self-evaluations — would start from every project of the year
(at 5M triples on disk 0.6–1.3 s for none, 0 ms with the filter).
That text is what every store runs (:func:`run_canned`, through the :class:`Store` protocol,
whichever the backend), what ``/api`` sends to the query runner and what a user can copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files

import pyoxigraph as ox

from jixiao.ingest.errors import UsageError
from jixiao.service.store.base import Store

__all__ = [
    "CannedQuery",
    "Parameter",
    "QueryRows",
    "load_queries",
    "rows_from_tsv",
    "run_canned",
    "term_value",
]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPES = ("integer", "text", "text@zh", "iri")
_HEADER = re.compile(r"^#\s*(title|description|parameter)\s*:\s*(.*)$")
_PARAMETER = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\S+)\s+(?P<need>required|optional)\s*(?:[—-]+\s*(?P<help>.*))?$"
)
_IRI = re.compile(r"https?://[^\s<>\"{}|^`\\]+")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PLACE = re.compile(r"(?m)^([ \t]*)#[ \t]*\(parameters\)[ \t]*$")  # where VALUES goes
_FILTER_PLACE = re.compile(r"(?m)^([ \t]*)#[ \t]*\(parameters as filter\)[ \t]*$")

Value = str | int | float | None


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of a canned query: its variable name, type, need and help."""

    name: str
    type: str
    required: bool
    help: str

    def term(self, value: object) -> ox.Literal | ox.NamedNode:
        """The RDF term for ``value``, or :class:`UsageError` naming the parameter."""
        if self.type == "iri":
            iri = str(value).strip()
            if not _IRI.fullmatch(iri):
                raise UsageError(f"{self.name} must be an http(s) IRI, not {value!r}")
            return ox.NamedNode(iri)
        if self.type == "integer":
            try:
                number = int(str(value).strip())
            except ValueError:
                raise UsageError(f"{self.name} must be an integer, not {value!r}") from None
            return ox.Literal(str(number), datatype=ox.NamedNode(_XSD + "integer"))
        text = str(value).strip()
        if not text:
            raise UsageError(f"{self.name} must not be empty")
        if len(text) > 200:
            raise UsageError(f"{self.name} is too long (at most 200 characters)")
        return ox.Literal(text, language="zh") if self.type == "text@zh" else ox.Literal(text)


@dataclass(frozen=True, slots=True)
class CannedQuery:
    """A query file: its name (file stem), title, description, parameters and text."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str

    def bind(self, values: Mapping[str, object]) -> dict[str, ox.Literal | ox.NamedNode]:
        """Check ``values`` against the parameters; the bound terms (unset ones left out)."""
        known = {p.name for p in self.parameters}
        unknown = sorted(k for k, v in values.items() if k not in known and v is not None)
        if unknown:
            raise UsageError(f"{self.name}: unknown parameter(s) {', '.join(unknown)}")
        out: dict[str, ox.Literal | ox.NamedNode] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name)
            if value is None or value == "":
                if parameter.required:
                    raise UsageError(f"{self.name}: the parameter {parameter.name} is required")
                continue
            out[parameter.name] = parameter.term(value)
        return out

    def render(self, bindings: Mapping[str, ox.Literal | ox.NamedNode]) -> str:
        """The query text with ``bindings`` as a VALUES block opening its WHERE group, or at
        each ``# (parameters)`` line; or as a FILTER at a ``# (parameters as filter)`` line."""
        if not bindings:
            return self.text
        if _FILTER_PLACE.search(self.text):
            tests = " && ".join(f"sameTerm(?{name}, {term})" for name, term in bindings.items())
            return _FILTER_PLACE.sub(lambda m: f"{m.group(1)}FILTER ({tests})", self.text)
        names = " ".join(f"?{name}" for name in bindings)
        terms = " ".join(str(term) for term in bindings.values())  # N-Triples forms
        values = f"VALUES ({names}) {{ ({terms}) }}"
        if _PLACE.search(self.text):
            return _PLACE.sub(lambda m: m.group(1) + values, self.text)
        match = _WHERE.search(_blank_comments(self.text))
        assert match is not None, f"{self.name} has no WHERE"
        return self.text[: match.end()] + "\n  " + values + self.text[match.end() :]


def _blank_comments(text: str) -> str:
    """The text with comment lines blanked (same length), so a comment's WHERE is skipped."""
    return re.sub(r"(?m)^#.*$", lambda m: " " * len(m.group(0)), text)


def _parse(name: str, text: str) -> CannedQuery:
    meta: dict[str, str] = {}
    parameters: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header = _HEADER.match(line)
        if header is None:
            continue
        key, value = header.group(1), header.group(2).strip()
        if key != "parameter":
            meta[key] = value
            continue
        found = _PARAMETER.match(value)
        if found is None or found["type"] not in _TYPES:
            raise ValueError(f"{name}.rq: cannot read the parameter line {value!r}")
        parameters.append(
            Parameter(
                found["name"], found["type"], found["need"] == "required", found["help"] or ""
            )
        )
    if "title" not in meta:
        raise ValueError(f"{name}.rq: no '# title:' line")
    return CannedQuery(name, meta["title"], meta.get("description", ""), tuple(parameters), text)


@cache
def load_queries() -> dict[str, CannedQuery]:
    """Every canned query of ``jixiao.service/queries``, by name (read once)."""
    folder = files("jixiao.service").joinpath("queries")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = re.sub(r"^\d+-", "", entry.name[: -len(".rq")])  # "12-amount-changes"
            out[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return out


def term_value(term: object) -> Value:
    """A result term as a plain JSON value: numbers as numbers, everything else as text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype is not None else ""
        if datatype in (_XSD + "integer", _XSD + "int", _XSD + "long"):
            return int(term.value)
        if datatype in (_XSD + "decimal", _XSD + "double", _XSD + "float"):
            number = Decimal(term.value)
            return int(number) if number == number.to_integral_value() else float(number)
        return term.value
    return getattr(term, "value", str(term))


@dataclass(frozen=True, slots=True)
class QueryRows:
    """The answer to a canned query: its column names and rows of plain values."""

    columns: list[str]
    rows: list[dict[str, Value]]
    truncated: bool = False


def run_canned(
    store: Store, query: CannedQuery, values: Mapping[str, object], *, max_rows: int = 10000
) -> QueryRows:
    """Run ``query`` with ``values`` bound; rows as plain values (at most ``max_rows``)."""
    result = store.query(query.render(query.bind(values)))
    assert isinstance(result, ox.QuerySolutions)
    columns = [v.value for v in result.variables]
    rows: list[dict[str, Value]] = []
    truncated = False
    for solution in result:
        if len(rows) >= max_rows:
            truncated = True
            break
        rows.append({c: term_value(solution[c]) for c in columns})
    return QueryRows(columns, rows, truncated)


_INTEGERS = frozenset(_XSD + t for t in ("integer", "int", "long"))
_DECIMALS = frozenset(_XSD + t for t in ("decimal", "double", "float"))
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ESCAPED[match.group(3)]


def _number(lexical: str, datatype: str) -> Value:
    if datatype in _INTEGERS:
        return int(lexical)
    number = Decimal(lexical)
    return int(number) if number == number.to_integral_value() else float(number)


def _tsv_value(cell: str) -> Value:
    """A SPARQL TSV cell as :func:`term_value` gives its term, without making the term: an
    IRI, a blank node, a literal in its N-Triples form, or a bare Turtle number or boolean
    (Oxigraph writes an integer, a canonical decimal and a boolean so); empty: unbound."""
    if not cell:
        return None
    first = cell[0]
    if first == '"':
        end = cell.rindex('"')  # a language tag or a datatype IRI after it has no quote
        lexical = cell[1:end]
        if "\\" in lexical:
            lexical = _ESCAPE.sub(_unescape, lexical)
        if cell.startswith("^^<", end + 1):
            datatype = cell[end + 4 : -1]
            if datatype in _INTEGERS or datatype in _DECIMALS:
                return _number(lexical, datatype)
        return lexical
    if first == "<":
        return cell[1:-1]
    if cell.startswith("_:"):
        return cell[2:]
    if cell in ("true", "false"):
        return cell
    if "e" in cell or "E" in cell:
        return _number(cell, _XSD + "double")
    return _number(cell, _XSD + ("decimal" if "." in cell else "integer"))


def rows_from_tsv(payload: bytes, *, truncated: bool = False) -> QueryRows:
    """SPARQL TSV results (as the query workers write them) as rows of plain values.

    TSV, not JSON: a third the size, and read here in a third of the time (8490 rows of
    target-changes at a million triples: 108–199 ms, JSON 334–339 ms, JSON read into
    pyoxigraph terms first 665 ms). A value's tab or newline is escaped in TSV, so each line
    is a row and each tab ends a cell."""
    lines = payload.decode("utf-8").split("\n")
    columns = [name[1:] for name in lines[0].split("\t")]  # "?name"
    rows = [
        dict(zip(columns, map(_tsv_value, line.split("\t")), strict=True))
        for line in lines[1:]
        if line
    ]
    return QueryRows(columns, rows, truncated)
