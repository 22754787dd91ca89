"""What a SPARQL text asks for, read before any parser sees it: how deep it nests, and
whether it reaches outside (``SERVICE``, ``LOAD``).

pyoxigraph exposes no algebra to Python, and no maximal-munch tokenizer agrees with its
grammar on what is a keyword: Oxigraph parses by PEG, with no word boundary after a keyword,
so ``SERVICEp:x {…}``, ``?o 1SERVICE<…>{…}``, ``p:x.SERVICE:y {…}`` and ``LOADSILENT<…>``
all reach out, while rdflib (and the SPARQL grammar's own terminals) read names there.
Remote stores bring parsers of their own, some of which expand ``\\u`` escapes first.

So :func:`inspect` reads the text the conservative way. The only spans it does not look into
are those every reading agrees on — comments, strings and ``<IRI>``\\s, whose boundaries are
the grammar's — and in everything else each occurrence of ``SERVICE`` (or, in an update,
``LOAD``) counts wherever it stands: at a word's start, inside a name, after a number or a
dot. An occurrence reaches out when what follows it could be its target (an optional
``SILENT``, then a variable, an ``<IRI>`` or a prefixed name, and for ``SERVICE`` the group
after it); it is read both as written and with its ``\\u`` escapes expanded. The price is a
rare false alarm (a triple whose predicate is ``ex:service`` directly followed by a ``{``
group refuses; put a ``.`` between). Over the embedded store, :mod:`.egress` is the second
wall: the threads and processes that evaluate requests cannot open a network socket at all.

Nesting is counted the same way (``{``, ``(``, ``[`` and ``<<``): Oxigraph's parser recurses
per level on the native stack, and about 3,000 levels overflow it, which kills the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from jixiao.service.errors import BadRequest, Forbidden

__all__ = ["Reach", "inspect", "may_say", "nesting_depth", "pieces", "reaches"]

# Opaque spans (comments, strings, IRIs) and the rest, one piece at a time. A comment ends at
# any line break any reading might take; strings and IRIs are the grammar's terminals.
_PIECE = re.compile(
    r"""
      (?P<comment>\#[^\n\r\x0b\x0c\x85\u2028\u2029]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<open><<|[{(\[])
    | (?P<close>>>|[})\]])
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<code>[^#'"{}()\[\]<>]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_KEYWORD = {"query": re.compile("SERVICE", re.IGNORECASE)}
_KEYWORD["update"] = re.compile("SERVICE|LOAD", re.IGNORECASE)
_WORDS = {"query": ("service",), "update": ("service", "load")}
_GAP = re.compile(r"(?:\s|\#[^\n\r\x0b\x0c\x85\u2028\u2029]*)*")
_SILENT = re.compile("SILENT", re.IGNORECASE)
_VAR = re.compile(r"[?$][^\s{}()\[\]<>#'\",;]+")
_IRI = re.compile(r"<\x00*>")  # an IRI in the blanked text (see _code)
_PNAME = re.compile(r"([^\s{}()\[\]<>#'\",;:?$]*):((?:[^\s{}()\[\]<>#'\",;\\]|\\.)*)")
_PREFIX = re.compile(r"PREFIX\s*([^\s:]*):\s*(<\x00*>)", re.IGNORECASE)
_BASE = re.compile(r"BASE\s*(<\x00*>)", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_WEB = ("http", "https")


@dataclass(frozen=True, slots=True)
class Reach:
    """One ``SERVICE`` or ``LOAD`` and where it points: an absolute IRI, ``None`` for a
    variable, or ``""`` when its prefixed name or base cannot be resolved."""

    keyword: str  # "SERVICE" or "LOAD"
    target: str | None


# The letters outside ASCII that a case-blind regex takes for ASCII ones (İ, ı for i; ſ for
# s; the Kelvin sign for k), which lower() does not make them.
_FOLDED_TO_ASCII = "\u0130\u0131\u017f\u212a"


def may_say(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` may hold one of ``words`` (lower-case ASCII) as a case-blind regex
    reads it: False only when it cannot. A C-speed scan, some ten times faster than such a
    regex over a text with Chinese in it."""
    if any(c in text for c in _FOLDED_TO_ASCII):
        return True
    folded = text.lower()
    return any(word in folded for word in words)


def pieces(text: str) -> Iterator[re.Match[str]]:
    """``text`` cut into its pieces, each a match whose ``lastgroup`` says what it is:
    ``comment``, ``string``, ``iri``, ``open``/``close`` (a bracket) or ``code``."""
    return _PIECE.finditer(text)


def nesting_depth(text: str, limit: int) -> int:
    """How deep ``text`` nests ``{``, ``(``, ``[`` and ``<<`` (outside comments, strings and
    IRIs), counted no further than ``limit + 1``."""
    depth = deepest = 0
    for piece in pieces(text):
        kind = piece.lastgroup
        if kind == "open":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif kind == "close":
            depth = max(depth - 1, 0)
    return deepest


def reaches(text: str, kind: str, base_iri: str | None = None) -> list[Reach]:
    """Every place ``text`` (a ``kind``: ``"query"`` or ``"update"``) may reach outside,
    read as written and with its ``\\u`` escapes expanded."""
    if "\\" not in text and not may_say(text, _WORDS[kind]):
        return []  # no keyword, nor an escape that may write one: nothing to read
    found = _reaches(text, kind, base_iri)
    expanded = _ESCAPE.sub(_unescape, text)
    if expanded != text:
        found += [r for r in _reaches(expanded, kind, base_iri) if r not in found]
    return found


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return match.group()
    return chr(code)


def _reaches(text: str, kind: str, base_iri: str | None) -> list[Reach]:
    keyword = _KEYWORD[kind]
    code = _code(text)  # opaque spans blanked, so offsets are the text's own
    prefixes = {m.group(1): _iri(text, m, 2) for m in _PREFIX.finditer(code)}
    bases = [(m.start(), _iri(text, m, 1)) for m in _BASE.finditer(code)]
    found: list[Reach] = []
    for match in keyword.finditer(code):
        word = match.group().upper()
        for target in _targets(text, code, match.end(), word):
            base = base_iri
            for at, iri in bases:
                if at < match.start():
                    base = urljoin(base, iri) if base else iri
            reach = Reach(word, _resolve(target, prefixes, base))
            if reach not in found:
                found.append(reach)
    return found


def _iri(text: str, match: re.Match[str], group: int) -> str:
    """The IRI that ``group`` of a match in the blanked text covers, read from ``text``."""
    return text[match.start(group) + 1 : match.end(group) - 1]


def _code(text: str) -> str:
    """``text`` with its comments and strings blanked (IRIs kept: targets are IRIs)."""
    parts = []
    for piece in pieces(text):
        if piece.lastgroup in ("comment", "string"):
            parts.append(" " * len(piece.group()))
        elif piece.lastgroup == "iri":
            # keep the IRI for targets, but hide its letters from the keyword search
            parts.append("<" + "\0" * (len(piece.group()) - 2) + ">")
        else:
            parts.append(piece.group())
    return "".join(parts)


def _targets(text: str, code: str, at: int, word: str) -> Iterator[tuple[str, str]]:
    """The targets a keyword ending at ``at`` may have: ``("var", name)``, ``("iri", iri)``
    or ``("pname", prefix:local)`` — read with and without a ``SILENT`` (which may be glued
    to the keyword, or be a name's beginning)."""
    starts = [_GAP.match(code, at).end()]  # type: ignore[union-attr]
    silent = _SILENT.match(code, starts[0])
    if silent:
        starts.append(_GAP.match(code, silent.end()).end())  # type: ignore[union-attr]
    for start in starts:
        target = _target(text, code, start)
        if target is None:
            continue
        what, value, end = target
        if what == "unclear":
            yield what, value
        elif word == "SERVICE":
            after = _GAP.match(code, end).end()  # type: ignore[union-attr]
            if not code.startswith("{", after):
                continue
            yield what, value
        elif what != "var":  # LOAD takes an IRI only
            yield what, value


def _target(text: str, code: str, start: int) -> tuple[str, str, int] | None:
    if m := _VAR.match(code, start):
        return "var", m.group(), m.end()
    if m := _IRI.match(code, start):
        return "iri", _iri(text, m, 0), m.end()
    if m := _PNAME.match(code, start):
        return "pname", m.group(), m.end()
    if code.startswith("<", start):  # no IRI by the grammar, but another reading may see one
        return "unclear", "", start
    return None


def _resolve(target: tuple[str, str], prefixes: dict[str, str], base: str | None) -> str | None:
    what, value = target
    if what == "var":
        return None
    if what == "unclear":
        return ""
    if what == "pname":
        prefix, _, local = value.partition(":")
        if prefix not in prefixes:
            return ""
        value = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", value):
        return value
    return urljoin(base, value) if base and re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", base) else ""


def inspect(
    text: str,
    kind: str,
    *,
    allow_external: bool,
    max_depth: int,
    base_iri: str | None = None,
) -> None:
    """Refuse ``text`` before any parser reads it: :class:`BadRequest` (400) when it nests
    deeper than ``max_depth``, names a ``SERVICE`` by a variable, or points ``SERVICE`` or
    ``LOAD`` at anything but an ``http``/``https`` IRI; :class:`Forbidden` (403) when it
    reaches outside at all and ``allow_external`` is off."""
    # Brackets outside comments, strings and IRIs are among these: when they are few, the
    # text cannot nest deeper, and is not read for it.
    opens = sum(text.count(c) for c in "{([<")
    if opens > max_depth and nesting_depth(text, max_depth) > max_depth:
        raise BadRequest(
            f"the {kind} nests deeper than {max_depth} levels of brackets "
            "({ }, ( ), [ ], << >>), the limit of this service (setting max_query_depth)"
        )
    for reach in reaches(text, kind, base_iri):
        if reach.target is None:
            raise BadRequest(
                f"{reach.keyword} with a variable for its IRI is not supported; name the IRI"
            )
        scheme = reach.target.partition(":")[0].lower()
        if reach.target and scheme not in _WEB:
            raise BadRequest(
                f"{reach.keyword} <{reach.target[:200]}> is refused: only http and https "
                "IRIs can be reached"
            )
        if not allow_external:
            raise Forbidden(
                f"{reach.keyword} of outside IRIs is disabled on this service "
                "(setting allow_external)"
            )
        if not reach.target:
            raise BadRequest(f"{reach.keyword}'s IRI cannot be resolved (an undeclared prefix?)")
