"""Pages of a SPARQL answer, cut from one evaluation of the whole ordered answer.

People page through an answer (YASGUI, scripts) by asking the same query again with another
trailing ``LIMIT n OFFSET m``. Each page is another text, so the answer cache of ``/sparql``
(keyed by the text) never hits, and under an ``ORDER BY`` every page costs the whole ordered
evaluation anyway. So a SELECT whose text ends with such a slice and that has a top-level
``ORDER BY`` (:func:`page_of`) is answered from its *base*, the text without that slice:
evaluated once per store generation (:data:`BASES`, ``sparql-pages`` in ``/metrics``), cut
at the row cap while it streams as every answer is, in TSV — Oxigraph's own serialiser, one
solution a line (line breaks in values are escaped) — and kept when at most
:data:`KEPT_BYTES` (:data:`BUDGET_BYTES` of them in all). A page is the header and its lines
of the base, read back by pyoxigraph and written in the client's format by
:func:`.evaluation.evaluate`, as the sliced text's own evaluation is: the same variables,
rows, order and bytes, cut at the row cap the same way.

Evaluated as they are, as before: texts :func:`page_of` is not sure of, stores without a
write generation (remote ones), and a page that goes past the rows kept of a base the row
cap cut. A base that fails (a malformed text) leaves the page to its own evaluation, whose
error is the one the client gets.
"""

from __future__ import annotations

import dataclasses
import re
import time
from array import array
from dataclasses import dataclass

import pyoxigraph as ox
from anyio import to_thread

from jixiao.service.errors import QueryError, QueryMemoryLimit, QueryTimeout
from jixiao.service.formats import RESULT_FORMATS
from jixiao.service.query.evaluation import Answer, QueryJob, evaluate
from jixiao.service.query.text import may_say, pieces
from jixiao.service.query.threads import QueryRunner
from jixiao.service.store.cache import StoreCache

__all__ = ["BASES", "BUDGET_BYTES", "KEPT_BYTES", "Page", "answer", "page_of"]

# The bases kept until the store's next write: each of at most KEPT_BYTES of TSV (10,000
# rows, the default row cap, of the widest canned query, target-changes, take 5.4 MB), all
# of them at most BUDGET_BYTES; the least recently used go first. Most are smaller: the
# bench's mixed load asks ~1,000 different bases in 4,000 pages.
KEPT_BYTES = 8 << 20
# A page of at most this many rows is cut on the event loop (100 rows: 0.8 ms as JSON): under
# issue 15's mixed load at 1M the hop to the shared thread pool, busy with pages, cost more.
INLINE_ROWS = 200
# An answer of at most this many bytes of TSV is read as a base on the event loop (its line
# ends found: 0.4 ms for 64 kB), a larger one in a thread.
INLINE_READ_BYTES = 64 * 1024
BUDGET_BYTES = 128 << 20
BASES: StoreCache[_Base | None] = StoreCache(
    512,
    name="sparql-pages",
    weigh=lambda base: 0 if base is None else base.size,
    budget=BUDGET_BYTES,
)


@dataclass(frozen=True, slots=True)
class Page:
    """A query text read as its base and a final slice: rows ``offset`` to
    ``offset + limit`` (to the end when ``limit`` is None) of the base's answer."""

    base: str
    offset: int
    limit: int | None


# A text is read by the pieces of :func:`.text.pieces`: comments, strings and IRIs, whose
# boundaries Oxigraph's parser reads the same way — except that "<" may also be "less than",
# and then what the pieces read as an IRI is an operator and what follows: where that holds
# what opens a comment or a string or a bracket (# ' ( )), the readings differ. "Less than"
# stands only in an expression, which is always within brackets, so such an IRI is trusted
# outside brackets (a triple pattern's, the prologue's), in a VALUES block's rows and after
# "^" (a literal's datatype, an inverse path), and anywhere else makes the text one not
# read. Nor read: line breaks other than CR and LF (where readings differ on a comment's
# end) and backslashes outside strings (escapes in IRIs and names).
_WS = r"[ \t\r\n]"
_ODD = re.compile(r"[\x0b\x0c\x85\u2028\u2029]")
_HEAD = re.compile(
    rf"""(?:{_WS}
         | PREFIX{_WS}*[^\s:<>{{}}()\[\]#'",;?$\\\0]*:{_WS}*<\0*>
         | BASE{_WS}*<\0*>
         )*SELECT(?={_WS}|[*?$(])""",
    re.ASCII | re.IGNORECASE | re.VERBOSE,
)
_ORDER_BY = re.compile(rf"(?<=[ \t\r\n)\]])ORDER{_WS}+BY(?={_WS}|[?$(])", re.ASCII | re.IGNORECASE)
_SLICE = re.compile(
    rf"""(?<=[ \t\r\n)\]])
    (?: LIMIT{_WS}+(?P<limit>[0-9]{{1,15}})(?:{_WS}+OFFSET{_WS}+(?P<offset>[0-9]{{1,15}}))?
      | OFFSET{_WS}+(?P<offset2>[0-9]{{1,15}})(?:{_WS}+LIMIT{_WS}+(?P<limit2>[0-9]{{1,15}}))?
    ){_WS}*\Z""",
    re.ASCII | re.IGNORECASE | re.VERBOSE,
)
_DATA = re.compile(
    rf"""(?<![^ \t\r\n)}}])VALUES{_WS}*
    (?:[?$][^\s(){{}}<>#'",;\\\0]+|\([^(){{}}<>#'"\\\0]*\)){_WS}*\{{[^{{}}]*\}}""",
    re.ASCII | re.IGNORECASE | re.VERBOSE,
)
_VALUES = re.compile(r"(?<![^ \t\r\n)\]}(])VALUES(?![A-Za-z0-9_])", re.ASCII | re.IGNORECASE)
_SLICE_WORD = re.compile(
    r"(?<![^ \t\r\n)\]}(])(?:LIMIT|OFFSET)(?![A-Za-z0-9_])", re.ASCII | re.IGNORECASE
)


def page_of(text: str) -> Page | None:
    """``text`` as a page of its base, if it is a SELECT with a top-level ``ORDER BY`` that
    ends (after whitespace and comments) with a top-level ``LIMIT``, ``OFFSET`` or both; None
    when it is not, or when that cannot be told for sure."""
    # No LIMIT or OFFSET anywhere (blanking only makes letters spaces and NULs): none at the
    # top either, told in microseconds instead of the half millisecond the reading takes.
    if not may_say(text, ("limit", "offset")) or _ODD.search(text):
        return None
    code, risky = _blanked(text)
    head = _HEAD.match(code)
    if head is None or not _trusted(code, risky):
        return None
    if any(c in code for c in "\\'\"#"):  # outside strings and comments: not read
        return None
    top = _top_level(code)
    if top is None or not _ORDER_BY.search(top, head.end()) or _VALUES.search(top):
        return None  # unordered, or a final VALUES (no slice may follow it)
    found = _SLICE.search(top, head.end())
    if found is None:
        return None
    limit = found.group("limit") or found.group("limit2")
    offset = found.group("offset") or found.group("offset2")
    if len(_SLICE_WORD.findall(top)) != (limit is not None) + (offset is not None):
        return None  # another LIMIT or OFFSET at the top (a malformed text)
    return Page(text[: found.start()], int(offset or 0), None if limit is None else int(limit))


def _blanked(text: str) -> tuple[str, list[int]]:
    """``text`` with comments as spaces, strings as NULs and IRIs as ``<`` NULs ``>`` (so
    offsets are the text's own), and where the IRIs holding ``#'()`` start."""
    parts: list[str] = []
    risky: list[int] = []
    for piece in pieces(text):
        kind, value = piece.lastgroup, piece.group()
        if kind == "comment":
            value = " " * len(value)
        elif kind == "string":
            value = "\0" * len(value)
        elif kind == "iri":
            if any(c in value for c in "#'()"):
                risky.append(piece.start())
            value = "<" + "\0" * (len(value) - 2) + ">"
        parts.append(value)
    return "".join(parts), risky


def _trusted(code: str, risky: list[int]) -> bool:
    """Whether each of the IRIs starting at ``risky`` stands outside brackets, in a VALUES
    block or after ``^`` (where no "<" is "less than")."""
    blocks = iter(m.span() for m in _DATA.finditer(code) if risky)
    block = next(blocks, None)
    depth, counted = 0, 0
    for at in risky:
        while block is not None and block[1] <= at:
            block = next(blocks, None)
        if block is not None and block[0] <= at:
            continue
        before = at - 1
        while before >= 0 and code[before] in " \t\r\n":
            before -= 1
        if before >= 0 and code[before] == "^":
            continue
        depth += code.count("(", counted, at) - code.count(")", counted, at)
        counted = at
        if depth:
            return False
    return True


def _top_level(code: str) -> str | None:
    """``code`` with every ``{…}`` group blanked, so what is left is the top level; None if
    its braces do not balance."""
    parts: list[str] = []
    depth, at = 0, 0
    for brace in re.finditer("[{}]", code):
        stretch = code[at : brace.start()]
        parts.append(stretch if depth == 0 else " " * len(stretch))
        parts.append(" ")
        depth += 1 if brace.group() == "{" else -1
        if depth < 0:
            return None
        at = brace.end()
    if depth:
        return None
    parts.append(code[at:])
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class _Base:
    """A base's answer in TSV, and where each of its lines ends (the header's first)."""

    tsv: bytes
    ends: array[int]
    truncated: bool

    @classmethod
    def read(cls, answer: Answer) -> _Base | None:
        tsv = answer.payload
        if answer.kind != "solutions" or answer.format != "tsv" or not tsv.endswith(b"\n"):
            return None
        ends = array("q", (line.end() for line in re.finditer(b"\n", tsv)))
        return cls(tsv, ends, answer.truncated)

    @property
    def size(self) -> int:
        """What it takes in memory, about (bytes)."""
        return len(self.tsv) + self.ends.itemsize * len(self.ends)

    @property
    def rows(self) -> int:
        return len(self.ends) - 1

    def covers(self, page: Page) -> bool:
        """Whether the page's rows are all here (a base cut at the row cap lacks its end)."""
        return not self.truncated or (
            page.limit is not None and page.offset + page.limit <= self.rows
        )

    def lines(self, page: Page) -> bytes:
        """The page in TSV: the header and its rows."""
        start = min(page.offset, self.rows)
        stop = self.rows if page.limit is None else min(page.offset + page.limit, self.rows)
        ends = self.ends
        return self.tsv[: ends[0]] + self.tsv[ends[start] : ends[max(start, stop)]]


async def answer(
    store: object, runner: QueryRunner, job: QueryJob, page: Page | None, timeout: float
) -> Answer:
    """The answer to ``job``: cut from its base's answer when it is ``page`` (what
    :func:`page_of` read in its text; it takes 0.7 ms for a canned query, 0.2 s for a text of
    a MB: the caller runs it off the event loop), else evaluated by ``runner``. The caller
    leaves out volatile queries (NOW, RAND…), whose every evaluation is its own."""
    solutions = job.formats.get("solutions") in RESULT_FORMATS
    if page is None or not solutions or not isinstance(getattr(store, "generation", None), int):
        return await runner.run(job, timeout)
    base_job = dataclasses.replace(job, text=page.base, formats={"solutions": "tsv"}, accept=None)
    key = (page.base, job.default_graphs, job.named_graphs, job.base_iri, job.max_rows)
    base = await BASES.ashared(
        store,
        key,
        lambda: _evaluate(runner, base_job, timeout),
        keep=lambda base: base is None or len(base.tsv) <= KEPT_BYTES,
    )
    if base is None or not base.covers(page):
        return await runner.run(job, timeout)
    deadline = time.monotonic() + timeout
    if page.limit is not None and page.limit <= INLINE_ROWS:
        return _cut(base, page, job, deadline)
    return await to_thread.run_sync(_cut, base, page, job, deadline)


async def _evaluate(runner: QueryRunner, job: QueryJob, timeout: float) -> _Base | None:
    try:
        answer = await runner.run(job, timeout)
    except (QueryTimeout, QueryMemoryLimit):
        raise  # the page's own evaluation would cost as much
    except QueryError:
        return None  # the page's own evaluation says what is wrong with it
    if len(answer.payload) <= INLINE_READ_BYTES:
        return _Base.read(answer)
    return await to_thread.run_sync(_Base.read, answer)


def _cut(base: _Base, page: Page, job: QueryJob, deadline: float) -> Answer:
    tsv = base.lines(page)
    return evaluate(
        lambda: ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV),
        job,
        deadline=deadline,
    )
