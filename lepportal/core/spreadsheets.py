"""Cells fit for spreadsheets. Every CSV and XLSX file the portal writes passes its cells
through ``safe_cell`` (text) or ``spreadsheet_cell`` (any value) — CSV files through
``csv_writer``, which does it for every row — so that opening a download runs nothing: a text
cell a spreadsheet would read as the start of a formula gets a leading apostrophe (OWASP's
advice against CSV injection)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TypeVar

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What a spreadsheet takes for the start of a formula (a leading tab or carriage return can be
# dropped on import, leaving a formula behind it).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Value = TypeVar("Value")


def neutralise_formula(value: str) -> str:
    """Make a text cell inert in spreadsheets: one starting with =, +, -, @, a tab or a
    carriage return gets a leading apostrophe; any other text is returned unchanged."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_cell(value: str) -> str:
    """A text cell fit for any spreadsheet: control characters that XML cannot hold are
    dropped first (so none can hide a formula from the check), then formulas are
    neutralised. Idempotent: a safe cell passes through unchanged."""
    return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", value))


def spreadsheet_cell(value: Value) -> Value | str:
    """``safe_cell`` for text; numbers, dates and other values are written as they are (a
    negative number is a number, not a formula)."""
    if isinstance(value, str):
        return safe_cell(value)
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``spreadsheet_cell``."""

    def __init__(self, target: Any, **options: Any) -> None:
        self._writer = csv.writer(target, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([spreadsheet_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(target: Any, **options: Any) -> SafeCsvWriter:
    """A CSV writer for ``target`` (anything with ``write``) that neutralises formulas; the
    options are ``csv.writer``'s."""
    return SafeCsvWriter(target, **options)
