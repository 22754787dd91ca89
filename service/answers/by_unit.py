"""A cross-year question answered once for every funding unit, then cut per unit.

The ``/api`` questions are asked mostly for one funding unit (``?unit=``), for a pair of years
or a year: at a province's scale that is thousands of different questions, each a query of
10–100 ms in a query worker. Every one of them is a part of the same question asked for all
units, whose canned query differs only by not binding ``?unitName``; so that *base* answer is
computed once per store generation (:func:`base_questions` lists them: a few dozen for a
store of seven budget years), kept as :class:`UnitCuts`, and a unit's answer is its rows of
the base, in the base's order — what the query with ``?unitName`` bound gives, because each
canned query orders its rows completely (its ``ORDER BY`` ends with the projects' IRIs and
the indicators' positions), so keeping a unit's rows keeps their order. The answer for all
units is the base itself, cut at the row cap.

The rows are kept as the query workers wrote them (SPARQL TSV: a row per line, a value's tab
or newline escaped), compressed per unit: about a tenth of their size.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["UNIT_VARIABLE", "UnitCuts", "base_questions"]

UNIT_VARIABLE = "unitName"


@dataclass(frozen=True, slots=True)
class UnitCuts:
    """A base answer (SPARQL TSV) by unit: the header line, every row compressed, and each
    unit's rows compressed, keyed by the unit's term as TSV writes it (``"名称"@zh``)."""

    header: bytes
    rows: int
    everything: bytes
    by_unit: Mapping[str, tuple[int, bytes]]  # term -> (its rows, their lines compressed)

    @classmethod
    def of(cls, payload: bytes) -> UnitCuts | None:
        """The cuts of a complete TSV answer with a ``?unitName`` column; None without one."""
        header, _, body = payload.partition(b"\n")
        names = header.decode("utf-8").split("\t")
        if f"?{UNIT_VARIABLE}" not in names:
            return None
        column = names.index(f"?{UNIT_VARIABLE}")
        lines = [line for line in body.split(b"\n") if line]
        groups: dict[str, list[bytes]] = {}
        for line in lines:
            cells = line.split(b"\t")
            groups.setdefault(cells[column].decode("utf-8"), []).append(line)
        by_unit = {
            term: (len(group), zlib.compress(b"\n".join(group) + b"\n", 1))
            for term, group in groups.items()
        }
        everything = zlib.compress(b"\n".join(lines) + b"\n" if lines else b"", 1)
        return cls(header, len(lines), everything, by_unit)

    def knows(self, unit: str | None) -> bool:
        """Whether the answer has rows for ``unit`` (a term as TSV writes it; None for every
        unit)."""
        return unit is None or unit in self.by_unit

    def tsv(self, unit: str | None, max_rows: int) -> tuple[bytes, bool]:
        """The answer for ``unit`` (None: every unit; one without rows here: none) as TSV,
        cut at ``max_rows`` rows, and whether it was cut."""
        if unit is None:
            count, packed = self.rows, self.everything
        elif unit in self.by_unit:
            count, packed = self.by_unit[unit]
        else:
            return self.header + b"\n", False
        body = zlib.decompress(packed)
        if count > max_rows:
            body = b"".join(line + b"\n" for line in body.split(b"\n")[:max_rows])
        return self.header + b"\n" + body, count > max_rows

    @property
    def size(self) -> int:
        """Bytes kept (compressed)."""
        return len(self.everything) + sum(len(p) for _, p in self.by_unit.values())


def base_questions(
    parameters: Mapping[str, Iterable[str]], years: Iterable[int]
) -> list[tuple[str, dict[str, int | None]]]:
    """Every question without a unit that a store of budget ``years`` can be asked:
    ``(query name, values)`` for each query of ``parameters`` (name → its parameter names)
    that takes ``unitName``, for each pair of years (``yearA``/``yearB``), each year and none
    (``year``), or once (no year)."""
    ordered = sorted(set(years))
    out: list[tuple[str, dict[str, int | None]]] = []
    for name, names in parameters.items():
        taken = set(names)
        if UNIT_VARIABLE not in taken:
            continue
        if {"yearA", "yearB"} <= taken:
            out.extend(
                (name, {"yearA": a, "yearB": b})
                for i, a in enumerate(ordered)
                for b in ordered[i + 1 :]
            )
        elif "year" in taken:
            out.append((name, {"year": None}))
            out.extend((name, {"year": y}) for y in ordered)
        else:
            out.append((name, {}))
    return out
