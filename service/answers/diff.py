"""``jixiao diff YEAR_A YEAR_B``: two budget years side by side.

Runs the canned cross-year queries (recurring projects with their amounts, new and
discontinued projects, target changes) and prints them per funding unit for people
(``table``), or as one JSON document, or as one CSV table with a ``section`` column.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from jixiao.ingest.errors import UsageError
from jixiao.service.answers.canned import QueryRows, Value, load_queries, run_canned
from jixiao.service.store.base import Store
from jixiao.service.tables import aligned

__all__ = ["FORMATS", "Comparison", "compare_years", "render"]

FORMATS = ("table", "json", "csv")


@dataclass(frozen=True, slots=True)
class Comparison:
    """What changed from ``year_a`` to ``year_b`` (optionally for one funding unit)."""

    year_a: int
    year_b: int
    unit: str | None
    recurring: QueryRows
    new_and_discontinued: QueryRows
    target_changes: QueryRows

    def as_json(self) -> dict[str, object]:
        return {
            "yearA": self.year_a,
            "yearB": self.year_b,
            "unit": self.unit,
            "recurring": self.recurring.rows,
            "newAndDiscontinued": self.new_and_discontinued.rows,
            "targetChanges": self.target_changes.rows,
        }


def compare_years(
    store: Store, year_a: int, year_b: int, unit: str | None = None, *, max_rows: int = 10000
) -> Comparison:
    """Run the three cross-year queries for ``year_a`` → ``year_b``."""
    if year_a >= year_b:
        raise UsageError(f"the first year must be earlier than the second: {year_a}, {year_b}")
    queries = load_queries()
    values = {"yearA": year_a, "yearB": year_b, "unitName": unit}
    return Comparison(
        year_a,
        year_b,
        unit,
        run_canned(store, queries["amount-changes"], values, max_rows=max_rows),
        run_canned(store, queries["new-and-discontinued"], values, max_rows=max_rows),
        run_canned(store, queries["target-changes"], values, max_rows=max_rows),
    )


# --- rendering -------------------------------------------------------------------------------


def _amount(value: Value) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _signed(value: Value, suffix: str = "") -> str:
    if not isinstance(value, int | float):
        return ""
    return f"{'+' if value > 0 else ''}{value:,}{suffix}"


def _target(raw: Value) -> str:
    return "—" if raw in (None, "") else str(raw)


def _units(c: Comparison) -> list[str]:
    seen: dict[str, None] = {}
    for rows in (c.recurring.rows, c.new_and_discontinued.rows, c.target_changes.rows):
        for row in rows:
            seen.setdefault(str(row["unitName"]), None)
    return list(seen)


def _table(c: Comparison) -> str:
    out: list[str] = []
    units = _units(c)
    if not units:
        return f"nothing to compare between {c.year_a} and {c.year_b}" + (
            f" for {c.unit}" if c.unit else ""
        )
    for unit in units:
        out.append(f"{unit} — {c.year_a} → {c.year_b}")
        recurring = [r for r in c.recurring.rows if r["unitName"] == unit]
        out.append(f"  recurring projects ({len(recurring)}), amounts in 万元:")
        if recurring:
            out.append(_recurring_table(c, recurring))
        for status, heading in (
            ("new", f"new in {c.year_b}"),
            ("discontinued", f"not continued after {c.year_a}"),
        ):
            rows = [
                r
                for r in c.new_and_discontinued.rows
                if r["unitName"] == unit and r["status"] == status
            ]
            if rows:
                out.append(f"  {heading} ({len(rows)}):")
                out += [f"    {r['name']}: {_amount(r['amountTotal'])}" for r in rows]
        targets = [r for r in c.target_changes.rows if r["unitName"] == unit]
        counts = {k: sum(1 for r in targets if r["change"] == k) for k in _CHANGES}
        changed = [r for r in targets if r["change"] in ("increased", "decreased", "reworded")]
        out.append(
            "  targets: "
            + ", ".join(f"{counts[k]} {k}" for k in _CHANGES)
            + (" — changed targets:" if changed else "")
        )
        if changed:
            out.append(_changed_table(c, changed))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _recurring_table(c: Comparison, rows: list[dict[str, Value]]) -> str:
    body = []
    for r in rows:
        names = r["namesA"] if r["namesA"] == r["namesB"] else f"{r['namesA']} → {r['namesB']}"
        change = _signed(r["change"]) or "±0"
        if r["changePercent"] is not None:
            change += f", {_signed(r['changePercent'], '%')}"
        body.append([str(names), _amount(r["amountA"]), _amount(r["amountB"]), change])
    headers = ["project", str(c.year_a), str(c.year_b), "change"]
    return aligned(headers, body, right=(1, 2, 3), indent=4)


def _changed_table(c: Comparison, rows: list[dict[str, Value]]) -> str:
    body = []
    for r in rows:
        name = str(r["indicatorNameB"])
        if r["indicatorNameA"] != r["indicatorNameB"]:
            name = f"{r['indicatorNameA']} → {r['indicatorNameB']}"
        body.append(
            [str(r["change"]), str(r["projectNameB"]), name, _target(r["rawA"]), _target(r["rawB"])]
        )
    headers = ["change", "project", "indicator", str(c.year_a), str(c.year_b)]
    return aligned(headers, body, indent=4)


_CHANGES = ("increased", "decreased", "reworded", "unchanged", "added", "removed")


def _sections(c: Comparison) -> Iterable[tuple[str, dict[str, Value]]]:
    for row in c.recurring.rows:
        yield "recurring", row
    for row in c.new_and_discontinued.rows:
        yield str(row["status"]), row
    for row in c.target_changes.rows:
        yield "target", row


def _csv(c: Comparison) -> str:
    columns: dict[str, None] = {"section": None}
    for _, row in _sections(c):
        for key in row:
            columns.setdefault(key, None)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for section, row in _sections(c):
        writer.writerow({"section": section, **{k: "" if v is None else v for k, v in row.items()}})
    return buffer.getvalue()


def render(c: Comparison, fmt: str) -> str:
    """The comparison as ``table``, ``json`` or ``csv`` text."""
    if fmt == "table":
        return _table(c)
    if fmt == "json":
        return json.dumps(c.as_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(c)
    raise UsageError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
