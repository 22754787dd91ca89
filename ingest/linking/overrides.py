"""Curated series overrides: a data officer's word on which projects are (not) the same.

The file is TOML. Each ``[[same]]`` entry names two projects of one funding unit that are the
same project (they go in one series, whatever their names); each ``[[different]]`` entry names
two that are not (they never share a series, however alike their names). A project is named
by its budget year and its name as written, and by its 1-based ``row`` where one year has
several projects of that name::

    [[same]]
    unit = "广州市科学技术协会创新与交流中心"
    projects = [
      { year = 2023, name = "院士宣传及成果推广工作经费" },
      { year = 2025, name = "院士宣传推广服务经费" },
    ]

    [[different]]
    unit = "广州市科学技术协会"
    note = "two buildings"
    projects = [
      { year = 2025, name = "广州科学馆", row = 1 },
      { year = 2025, name = "广州科学馆", row = 8 },
    ]

Overrides always win over the automatic matching. Pure: text in, :class:`Overrides` out.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.ingest.errors import InputError

__all__ = ["Override", "Overrides", "ProjectRef", "load_overrides", "parse_overrides"]


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@dataclass(frozen=True, slots=True)
class ProjectRef:
    """A project as an override names it: unit, year, name and (optionally) row."""

    unit: str
    year: int
    name: str
    row: int | None = None

    def matches(self, unit: str, year: int, name: str, row: int) -> bool:
        """Whether this reference names the project (unit, year, name, row)."""
        return (
            self.year == year
            and self.unit == _clean(unit)
            and self.name == _clean(name)
            and (self.row is None or self.row == row)
        )


@dataclass(frozen=True, slots=True)
class Override:
    """Two projects declared the same (``same=True``) or not the same."""

    same: bool
    first: ProjectRef
    second: ProjectRef
    note: str = ""


@dataclass(frozen=True, slots=True)
class Overrides:
    """All overrides of a file, in file order."""

    items: tuple[Override, ...] = ()

    def __len__(self) -> int:
        return len(self.items)


_NO_OVERRIDES = Overrides()


def _ref(entry: Any, unit: str, where: str, source: str) -> ProjectRef:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: each project must be a table {{ year, name }}", file=source)
    year, name, row = entry.get("year"), entry.get("name"), entry.get("row")
    if not isinstance(year, int) or isinstance(year, bool):
        raise InputError(f"{where}: 'year' must be an integer", file=source)
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{where}: 'name' must be a non-empty string", file=source)
    if row is not None and (not isinstance(row, int) or isinstance(row, bool) or row < 1):
        raise InputError(f"{where}: 'row' must be a positive integer", file=source)
    extra = set(entry) - {"year", "name", "row"}
    if extra:
        raise InputError(f"{where}: unknown key(s) {', '.join(sorted(extra))}", file=source)
    return ProjectRef(_clean(unit), year, _clean(name), row)


def parse_overrides(text: str, source: str = "overrides") -> Overrides:
    """Read overrides from TOML text; :class:`InputError` names the entry that is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=source) from None
    unknown = set(data) - {"same", "different"}
    if unknown:
        raise InputError(
            f"unknown section(s) {', '.join(sorted(unknown))} (expected [[same]], [[different]])",
            file=source,
        )
    items: list[Override] = []
    for kind in ("same", "different"):
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise InputError(f"'{kind}' must be an array of tables ([[{kind}]])", file=source)
        for number, entry in enumerate(entries, start=1):
            where = f"[[{kind}]] #{number}"
            unit, projects = entry.get("unit"), entry.get("projects")
            if not isinstance(unit, str) or not unit.strip():
                raise InputError(f"{where}: 'unit' must be a non-empty string", file=source)
            if not isinstance(projects, list) or len(projects) != 2:
                raise InputError(f"{where}: 'projects' must list exactly two", file=source)
            first, second = (_ref(p, unit, where, source) for p in projects)
            if first == second:
                raise InputError(f"{where}: names the same project twice", file=source)
            items.append(Override(kind == "same", first, second, str(entry.get("note", ""))))
    return Overrides(tuple(items))


def load_overrides(path: str | Path | None) -> Overrides:
    """The overrides in the file at ``path`` (none when ``path`` is unset)."""
    if path is None or str(path) == "":
        return _NO_OVERRIDES
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such overrides file", file=str(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the overrides file: {exc}", file=str(file)) from None
    return parse_overrides(text, str(file))
