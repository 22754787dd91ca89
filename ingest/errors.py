"""The root of jixiao's errors and the errors of reading input.

The service's store, query and HTTP errors are in :mod:`jixiao.service.errors`.

::

    JixiaoError
    ├── InputError          unreadable or malformed source input        → CLI exit 2, HTTP 400
    │   └── LayoutError     an indicator cell in a layout we cannot read → CLI exit 2, HTTP 400
    ├── UsageError          wrong arguments (a year that is not a year)  → CLI exit 2, HTTP 400
    ├── ValidationFailed    the data violates the shapes                 → CLI exit 1, HTTP 422
    └── (the service's store, query and HTTP errors: :mod:`jixiao.service.errors`)

Every error says where it happened: :class:`InputError` carries the file, the 1-based line
and column (and the column's header name) — or, for a workbook or a PDF, the sheet or page
with the 1-based row and column — so the one-line message leads a data officer to the cell.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "InputError",
    "JixiaoError",
    "LayoutError",
    "UsageError",
    "ValidationFailed",
]


class JixiaoError(Exception):
    """Base class of every error jixiao reports to a user."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Location:
    """Where in a source file something is: 1-based line and column.

    In a workbook ``sheet`` names the sheet and ``line`` is its 1-based row; in a PDF ``page``
    is the 1-based page and ``line`` the row of the table on that page.
    """

    file: str
    line: int | None = None
    column: int | None = None
    column_name: str | None = None
    sheet: str | None = None
    page: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.sheet is not None or self.page is not None:
            return where
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


class InputError(JixiaoError):
    """The source input cannot be read as a performance-target table."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: int | None = None,
        column_name: str | None = None,
        sheet: str | None = None,
        page: int | None = None,
    ) -> None:
        self.location = Location(file, line, column, column_name, sheet, page)
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        loc = self.location
        parts = [str(loc)]
        if loc.sheet is not None or loc.page is not None:
            where = f"sheet {loc.sheet}" if loc.sheet is not None else f"page {loc.page}"
            if loc.line is not None:
                where += f", row {loc.line}"
            if loc.column is not None:
                where += f", column {loc.column}"
                if loc.column_name:
                    where += f" ({loc.column_name})"
            parts.append(where)
        elif loc.line is not None:
            detail = f"row at line {loc.line}"
            if loc.column is not None:
                detail += f", column {loc.column}"
                if loc.column_name:
                    detail += f" ({loc.column_name})"
            parts.append(detail)
        return f"{': '.join(parts)}: {self.message}"


class LayoutError(InputError):
    """An indicator cell is in no layout jixiao knows."""


class UsageError(JixiaoError):
    """The command or request was given wrong arguments."""


class ValidationFailed(JixiaoError):
    """The document violates the shapes; ``report`` is the validation report."""

    exit_code = 1

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report
