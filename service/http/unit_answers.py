"""The ``/api`` questions' answers for every funding unit, computed ahead of the asking.

:func:`keep_ready` runs beside the app while it serves (``JIXIAO_API_PRECOMPUTE``, on by
default): once per store generation — when the app starts, and again after each write — it
asks the query runner, one question at a time, every question of
:func:`~jixiao.service.answers.by_unit.base_questions` for the store's budget years, and keeps
each answer as :class:`~jixiao.service.answers.by_unit.UnitCuts`. From then on ``/api``
answers a question for one unit, or for all, from those cuts in the server's own process,
without a query (:func:`ready`); until then, and for a unit the cuts do not name, it asks the
query runner as before. One question at a time: the warming holds at most one query worker,
and its queries pass through the runner's queue like any other. Over query workers it first
waits (:data:`REPLICA_WAIT_S` at most) for the copies of the store they are making in memory:
from RocksDB its questions take 3-8x longer, and at a million triples they took one worker's
core for two minutes, in which the copies (then made at the lowest CPU priority) starved while
clients were answered from disk.

Over a store without write generations (a remote endpoint, written to behind our back)
nothing is computed ahead: an answer kept could be stale.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping

import anyio
import pyoxigraph as ox

from jixiao.ingest.errors import JixiaoError
from jixiao.service.answers.by_unit import UNIT_VARIABLE, UnitCuts, base_questions
from jixiao.service.answers.canned import CannedQuery, load_queries
from jixiao.service.answers.recognize import recognize
from jixiao.service.formats import RESULT_FORMATS
from jixiao.service.query.evaluation import Answer, QueryJob, evaluate
from jixiao.service.query.threads import QueryRunner
from jixiao.service.settings import Settings
from jixiao.service.store.base import Store
from jixiao.service.store.cache import StoreCache

__all__ = [
    "BASE_MAX_ROWS",
    "CannedFirst",
    "answer_tsv",
    "keep_ready",
    "known_units",
    "progress",
    "ready",
]

log = logging.getLogger("jixiao.api")

# A base answer is kept only if complete: rows for every unit, not cut at the row cap.
BASE_MAX_ROWS = 2_000_000
# How long the warming waits at most for the query workers' copies of the store in memory.
REPLICA_WAIT_S = 180.0
# A base answer's time limit, in multiples of JIXIAO_QUERY_TIMEOUT: it answers for every unit.
BASE_TIME_FACTOR = 6
_CUTS: StoreCache[UnitCuts | None] = StoreCache(4096, name="api-units")
_UNITS: StoreCache[frozenset[str]] = StoreCache(4, name="api-unit-names")
# The funding units' names as the canned queries bind them (each query's ?unit and ?unitName).
_UNIT_NAMES = (
    "PREFIX jx: <https://w3id.org/jixiao/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT DISTINCT ?unitName WHERE { ?project jx:fundingUnit ?unit . "
    "?unit rdfs:label ?unitName }"
)
_YEARS = (
    "PREFIX jx: <https://w3id.org/jixiao/ontology#>\n"
    "SELECT DISTINCT ?year WHERE { ?document a jx:BudgetDocument ; jx:budgetYear ?year }"
)
# Per store: (generation, questions, questions computed, seconds since the generation began).
_PROGRESS: dict[int, tuple[int, int, int, float]] = {}


def _key(name: str, values: Mapping[str, object]) -> Hashable:
    return (name, tuple(sorted((k, v) for k, v in values.items() if v is not None)))


def _generation(store: Store) -> int | None:
    generation = getattr(store, "generation", None)
    return generation if isinstance(generation, int) else None


def ready(store: Store, name: str, values: Mapping[str, object]) -> UnitCuts | None:
    """The cuts of canned query ``name`` for ``values`` (without ``unitName``) if they are
    computed for the store as it is now; None otherwise (cheap: may run on the event loop)."""
    kept = _CUTS.peek(store, _key(name, values))
    return kept[0] if kept is not None else None


def answer_tsv(
    store: Store, query: CannedQuery, values: Mapping[str, object], max_rows: int
) -> tuple[bytes, bool] | None:
    """The answer of canned ``query`` for ``values`` (TSV, cut at ``max_rows``, and whether
    it was cut) from its answer for every unit, if that is computed for the store as it is
    now and knows the unit; None to evaluate it."""
    if UNIT_VARIABLE not in {p.name for p in query.parameters}:
        return None
    cuts = ready(store, query.name, {k: v for k, v in values.items() if k != UNIT_VARIABLE})
    if cuts is None:
        return None
    unit = values.get(UNIT_VARIABLE)
    parameter = next(p for p in query.parameters if p.name == UNIT_VARIABLE)
    term = None if unit is None or unit == "" else str(parameter.term(unit))
    if cuts.knows(term) or term in (known_units(store) or ()):
        return cuts.tsv(term, max_rows)
    return None


def _computed(store: Store, query: CannedQuery, values: Mapping[str, object]) -> bool:
    """Whether :func:`answer_tsv` may find the answer (cheap: may run on the event loop)."""
    if UNIT_VARIABLE not in {p.name for p in query.parameters}:
        return False
    without_unit = {k: v for k, v in values.items() if k != UNIT_VARIABLE}
    return ready(store, query.name, without_unit) is not None


def known_units(store: Store) -> frozenset[str] | None:
    """Every funding unit's name, as TSV writes the term (``"名称"@zh``), if computed for the
    store as it is now: a unit's answer without rows in the answer for every unit is empty
    only if the unit is one of these (else it may be written otherwise, and is asked)."""
    kept = _UNITS.peek(store, "units")
    return kept[0] if kept is not None else None


def progress(store: Store) -> dict[str, object] | None:
    """How far the current generation's warming is: questions, computed, seconds taken."""
    generation = getattr(store, "generation", None)
    found = _PROGRESS.get(id(store))
    if found is None or found[0] != generation:
        return None
    _, questions, computed, seconds = found
    return {"questions": questions, "computed": computed, "seconds": round(seconds, 3)}


Then = Callable[[str, Mapping[str, object]], Awaitable[None]]


async def keep_ready(
    store: Store, runner: QueryRunner, settings: Settings, *, then: Then | None = None
) -> None:
    """Forever (until cancelled): each store generation's base answers, one at a time;
    ``then(name, values)`` after each one computed (the route makes its body)."""
    while True:
        generation = _generation(store)
        if generation is None:
            return
        started = time.monotonic()
        try:
            await _copies_made(runner, REPLICA_WAIT_S)
            years = await _years(runner, settings)
            await _UNITS.ashared(store, "units", lambda: _unit_names(runner, settings))
            questions = base_questions(
                {n: [p.name for p in q.parameters] for n, q in load_queries().items()}, years
            )
            for done, (name, values) in enumerate(questions):
                if _generation(store) != generation:
                    break
                _PROGRESS[id(store)] = (generation, len(questions), done, 0.0)
                if await _compute(store, runner, settings, name, values) and then:
                    await then(name, values)
            else:
                took = time.monotonic() - started
                _PROGRESS[id(store)] = (generation, len(questions), len(questions), took)
                log.info("api answers for every unit ready: %d in %.1f s", len(questions), took)
        except Exception as exc:  # the runner refused or failed: try again after a pause
            log.warning("api answers for every unit not computed: %r", exc)
            await asyncio.sleep(5)
            continue
        while _generation(store) == generation:
            await asyncio.sleep(1)


async def _copies_made(runner: QueryRunner, seconds: float) -> None:
    """Until no query worker is copying the store into memory, ``seconds`` at most."""
    states = getattr(runner, "replica_states", None)
    until = time.monotonic() + seconds
    while states is not None and states()["loading"] and time.monotonic() < until:
        await asyncio.sleep(0.25)


async def _years(runner: QueryRunner, settings: Settings) -> list[int]:
    job = QueryJob(_YEARS, max_rows=10_000, formats={"solutions": "tsv"})
    answer = await runner.run(job, settings.query_timeout)
    lines = answer.payload.decode("utf-8").split("\n")[1:]
    years = []
    for line in lines:
        digits = line.strip().split("^^")[0].strip('"')
        if digits.lstrip("-").isdigit():
            years.append(int(digits))
    return years


async def _unit_names(runner: QueryRunner, settings: Settings) -> frozenset[str]:
    job = QueryJob(_UNIT_NAMES, max_rows=BASE_MAX_ROWS, formats={"solutions": "tsv"})
    answer = await runner.run(job, settings.query_timeout * BASE_TIME_FACTOR)
    return frozenset(line for line in answer.payload.decode("utf-8").split("\n")[1:] if line)


async def _compute(
    store: Store, runner: QueryRunner, settings: Settings, name: str, values: Mapping[str, object]
) -> bool:
    """Computes (or finds) the cuts of ``name`` for ``values``: whether there are some."""
    query = load_queries()[name]

    async def produce() -> UnitCuts | None:
        job = QueryJob(
            query.render(query.bind(values)),
            max_rows=BASE_MAX_ROWS,
            formats={"solutions": "tsv"},
        )
        try:
            answer = await runner.run(job, settings.query_timeout * BASE_TIME_FACTOR)
        except JixiaoError as exc:  # e.g. past its time limit: that question is asked live
            log.warning("api answer %s %s for every unit not computed: %s", name, values, exc)
            return None
        if answer.truncated:
            return None
        return await anyio.to_thread.run_sync(UnitCuts.of, answer.payload)

    return await _CUTS.ashared(store, _key(name, values), produce) is not None


# Texts up to this long are recognised (or not) as canned queries on the event loop.
INLINE_RECOGNIZE_CHARS = 8 * 1024


class CannedFirst:
    """A query runner that answers a canned query posted as rendered (a ``/sparql`` text,
    or the whole of a page's base) from the answers computed ahead (recognised by
    :func:`~jixiao.service.answers.recognize.recognize`, then :func:`answer_tsv`), written
    in the client's format as an evaluation's answer would be (the rows read back by
    pyoxigraph and written by :func:`~jixiao.service.query.evaluation.evaluate`), and
    passes every other query to ``runner``."""

    def __init__(self, runner: QueryRunner, store: Store) -> None:
        self._runner = runner
        self._store = store

    async def run(self, job: QueryJob, timeout: float) -> Answer:
        if (
            job.text.startswith("#")  # a canned query's text opens with its title
            and job.formats.get("solutions") in RESULT_FORMATS
            and not job.default_graphs
            and not job.named_graphs
        ):
            deadline = time.monotonic() + timeout
            # Most texts are told apart by their first line, in microseconds: less than a
            # thread's hop (a millisecond beside a 6 ms query, issue 15's anchor).
            if len(job.text) <= INLINE_RECOGNIZE_CHARS:
                found = recognize(job.text)
            else:
                found = await anyio.to_thread.run_sync(recognize, job.text)
            if found is not None and _computed(self._store, *found):  # else no thread's hop
                answer = await anyio.to_thread.run_sync(self._from_ahead, job, found, deadline)
                if answer is not None:
                    return answer
        return await self._runner.run(job, timeout)

    async def update(self, text: str, base_iri: str | None) -> None:
        await self._runner.update(text, base_iri)

    def close(self) -> None:
        self._runner.close()

    def _from_ahead(
        self, job: QueryJob, canned: tuple[CannedQuery, dict[str, object]], deadline: float
    ) -> Answer | None:
        found = answer_tsv(self._store, canned[0], canned[1], job.max_rows)
        if found is None:
            return None
        tsv, cut = found
        answer = evaluate(
            lambda: ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV),
            job,
            deadline=deadline,
        )
        return dataclasses.replace(answer, truncated=True) if cut else answer
