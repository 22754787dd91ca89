"""Pulling a query result into memory within the limits: a row cap and a deadline.

:func:`collect` is what :mod:`.evaluation` uses when Oxigraph cannot write the answer
itself (RDF results: CONSTRUCT, DESCRIBE; ASK); :mod:`.writers` writes what it collected.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from jixiao.service.errors import QueryError, StoreError

__all__ = ["Collected", "collect", "pulling_errors"]

T = TypeVar("T")


@dataclass(slots=True)
class Collected:
    """A query result pulled into memory within the limits."""

    kind: str  # "boolean", "solutions" or "triples"
    boolean: bool = False
    variables: tuple[str, ...] = ()
    rows: list[ox.QuerySolution] | None = None
    triples: list[ox.Triple] | None = None
    truncated: bool = False
    timed_out: bool = False


def collect(result: object, *, deadline: float, max_rows: int) -> Collected:
    """Pull ``result`` until it ends, ``max_rows`` is reached, or the deadline passes.

    Running out of time sets ``timed_out`` rather than raising: pyoxigraph iterators must be
    dropped on the thread that made them, and a traceback would carry this one elsewhere.
    """
    if isinstance(result, ox.QueryBoolean):
        return Collected("boolean", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows, truncated, late = _pull(result, deadline, max_rows)
        return Collected(
            "solutions", variables=variables, rows=rows, truncated=truncated, timed_out=late
        )
    if isinstance(result, ox.QueryTriples):
        triples, truncated, late = _pull(result, deadline, max_rows)
        return Collected("triples", triples=triples, truncated=truncated, timed_out=late)
    raise TypeError(f"not a query result: {type(result).__name__}")


def _pull(items: Iterable[T], deadline: float, max_rows: int) -> tuple[list[T], bool, bool]:
    out: list[T] = []
    with pulling_errors():
        for item in items:
            if time.monotonic() > deadline:
                return [], False, True
            if len(out) >= max_rows:
                return out, True, False
            out.append(item)
    return out, False, time.monotonic() > deadline


@contextmanager
def pulling_errors() -> Iterator[None]:
    """Errors Oxigraph reports while results are pulled, as jixiao's."""
    try:
        yield
    except OSError as exc:
        raise StoreError(f"the store failed: {exc}") from None
    except (ValueError, TypeError) as exc:  # an evaluation error Oxigraph reports late
        raise QueryError(str(exc)) from None
