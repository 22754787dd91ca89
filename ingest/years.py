"""Budget years: checking one, and finding the one a file name carries."""

from __future__ import annotations

import re

from jixiao.ingest.errors import UsageError

__all__ = ["MAX_YEAR", "MIN_YEAR", "check_year", "year_in_name"]

MIN_YEAR, MAX_YEAR = 1950, 2100
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d|2100)(?!\d)")


def check_year(year: int | str) -> int:
    """A budget year, or :class:`UsageError` for anything that is not one."""
    try:
        value = int(str(year).strip())
    except ValueError:
        raise UsageError(f"not a budget year: {year!r} (expected e.g. 2025)") from None
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise UsageError(f"not a budget year: {value} (expected {MIN_YEAR}–{MAX_YEAR})")
    return value


def year_in_name(name: str) -> int | None:
    """The budget year a file name carries (``…-2024.txt``), if exactly one year is in it."""
    years = set(_YEAR.findall(name))
    return int(years.pop()) if len(years) == 1 else None
