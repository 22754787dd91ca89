"""What a project series' page shows (served by :mod:`jixiao.service.http.routes.series`).

:class:`SeriesTask` gathers it from the canned queries: the series' projects
(``series-projects``), and its target changes between each pair of consecutive years
(``target-changes`` for the series' funding unit, kept for this series). It is a query
worker's task (:class:`jixiao.service.query.worker.StoreTask`): at a million triples these
queries take seconds from disk, and in a worker they run within the time limit, from its
in-memory replica, without the server's GIL.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import pyoxigraph as ox

from jixiao.service.answers.canned import Value, load_queries, run_canned
from jixiao.service.answers.describe import Queries, UnionQueries

__all__ = ["SeriesFacts", "SeriesTask"]


@dataclass(frozen=True, slots=True)
class SeriesFacts:
    """A series' projects (rows of ``series-projects``), its total amount by year, and its
    target changes (rows of ``target-changes``)."""

    projects: list[dict[str, Value]]
    totals: list[tuple[int, float]]
    changes: list[dict[str, Value]]


@dataclass(frozen=True, slots=True)
class SeriesTask:
    """The :class:`SeriesFacts` of the series ``iri``; None when the store has no such series."""

    iri: str

    def answer(self, store: ox.Store) -> SeriesFacts | None:
        return self.over(UnionQueries(store))

    def over(self, store: Queries) -> SeriesFacts | None:
        """The answer over a jixiao store (or anything that queries the union)."""
        queries = load_queries()
        projects = run_canned(store, queries["series-projects"], {"series": self.iri}).rows  # type: ignore[arg-type]
        if not projects:
            return None
        years = sorted({int(str(p["year"])) for p in projects})
        totals = [
            (y, float(sum(float(str(p["amountTotal"] or 0)) for p in projects if p["year"] == y)))
            for y in years
        ]
        changes = []
        for year_a, year_b in pairwise(years):
            values = {"yearA": year_a, "yearB": year_b, "unitName": projects[0]["unitName"]}
            rows = run_canned(store, queries["target-changes"], values).rows  # type: ignore[arg-type]
            changes += [r for r in rows if r["series"] == self.iri]
        return SeriesFacts(projects, totals, changes)
