"""Read an uploaded CSV of employment (and optionally GVA and hours or jobs) by sector.

The file is what a LEP's analyst exports from ONS BRES (employment by SIC 2007) and ONS
sub-regional productivity (GVA, hours worked, filled jobs), for the area and for the nation it is
compared with. Nothing here touches the database: the view hands us the uploaded bytes and shows
our problems back to the person who uploaded them, so every message names the line and column to
fix and we report all row problems at once rather than one per upload.

Format (also in ``CSV_FORMAT_HELP``, shown on the upload page):

* UTF-8 (a byte order mark, as Excel writes, is fine), comma-separated, first line a header row::

      sector,area_employment,national_employment,area_gva,national_gva,area_hours,national_hours

* Header names are case-insensitive and surrounding spaces are ignored. Columns may be in any order.
* ``sector``, ``area_employment`` and ``national_employment`` are required.
* ``area_gva`` and ``national_gva`` (GVA in £ millions) are optional, as a pair.
* ``area_hours`` and ``national_hours`` (millions of hours worked) are optional, as a pair, and
  give GVA per hour worked; or use ``area_jobs`` and ``national_jobs`` (number of filled jobs) for
  GVA per filled job — one or the other, not both, and only with the GVA columns.
* Optional columns may be left blank on any row (ONS suppresses some figures), but on a row the
  GVA and the hours (or jobs) of the same place are given together or not at all.
* ``sector`` is a UK SIC 2007 section letter (A to U) or a 2-digit division (01 to 99; "1" is read
  as "01" because spreadsheets drop leading zeros). Divisions are added up into their section.
  A section may be given as itself or as its divisions, not both.
* Numbers are digits with an optional decimal part; thousands separators (``"1,234"``) are fine if
  the cell is quoted, as spreadsheets do when they export such numbers.
* An area figure may not exceed the national figure for the same sector (the area is part of the
  nation), and the area's total employment must not be zero.

``data/template.csv`` is an empty file in this format; ``data/example.csv`` is an illustrative
(not official) dataset for an area like Cheshire and Warrington compared with England.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

ProductivityBasis = Literal["hour", "job"]

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_ERRORS = 50

SECTOR = "sector"
AREA_EMPLOYMENT = "area_employment"
NATIONAL_EMPLOYMENT = "national_employment"
AREA_GVA = "area_gva"
NATIONAL_GVA = "national_gva"
AREA_HOURS = "area_hours"
NATIONAL_HOURS = "national_hours"
AREA_JOBS = "area_jobs"
NATIONAL_JOBS = "national_jobs"

REQUIRED_COLUMNS = (SECTOR, AREA_EMPLOYMENT, NATIONAL_EMPLOYMENT)
GVA_COLUMNS = (AREA_GVA, NATIONAL_GVA)
HOURS_COLUMNS = (AREA_HOURS, NATIONAL_HOURS)
JOBS_COLUMNS = (AREA_JOBS, NATIONAL_JOBS)
KNOWN_COLUMNS = REQUIRED_COLUMNS + GVA_COLUMNS + HOURS_COLUMNS + JOBS_COLUMNS

CSV_FORMAT_HELP = (
    "Upload a CSV file (comma-separated, UTF-8) of employment by sector for your area and for the "
    "nation you compare it with, for example from ONS BRES. The first line must be this header "
    "row:\n\n"
    "sector,area_employment,national_employment,area_gva,national_gva,area_hours,national_hours\n\n"
    "sector is a UK SIC 2007 section letter (A to U) or a 2-digit division (01 to 99); divisions "
    "are added up into their section. Give each section once, either as itself or as its "
    "divisions.\n\n"
    "area_employment and national_employment are required on every row. The area figure cannot "
    "be larger than the national figure.\n\n"
    "The last four columns are optional and are used to find super strengths: GVA in £ millions "
    "and hours worked in millions of hours (from ONS sub-regional productivity). To measure GVA "
    "per filled job instead of per hour, use the columns area_jobs and national_jobs (number of "
    "filled jobs) in place of area_hours and national_hours. Leave a cell blank if a figure is not "
    "available.\n\n"
    "Numbers are plain digits with an optional decimal point. Thousands separators such as "
    '"1,234" are allowed only inside quotes.'
)

# UK SIC 2007 divisions by section (ONS). The gaps (04, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89)
# are not divisions, so a code there is a typing mistake we should report, not guess at.
SECTION_DIVISIONS: dict[str, tuple[int, ...]] = {
    "A": (1, 2, 3),
    "B": (5, 6, 7, 8, 9),
    "C": tuple(range(10, 34)),
    "D": (35,),
    "E": (36, 37, 38, 39),
    "F": (41, 42, 43),
    "G": (45, 46, 47),
    "H": (49, 50, 51, 52, 53),
    "I": (55, 56),
    "J": (58, 59, 60, 61, 62, 63),
    "K": (64, 65, 66),
    "L": (68,),
    "M": (69, 70, 71, 72, 73, 74, 75),
    "N": (77, 78, 79, 80, 81, 82),
    "O": (84,),
    "P": (85,),
    "Q": (86, 87, 88),
    "R": (90, 91, 92, 93),
    "S": (94, 95, 96),
    "T": (97, 98),
    "U": (99,),
}
DIVISION_SECTION: dict[int, str] = {
    division: section for section, divisions in SECTION_DIVISIONS.items() for division in divisions
}
SECTIONS = tuple(SECTION_DIVISIONS)

# Plain digits, or digits grouped in threes by commas; optional decimal part. Anything looser
# ("12,34", "1.2.3", "1e6") is more likely a mistake than a number we should guess the meaning of.
_NUMBER = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")
_NEGATIVE = re.compile(r"[-\u2212]\s*[\d.,]+")
_SECTOR_CODE = re.compile(r"(?:[A-Za-z]|\d{1,2})")


@dataclass(frozen=True)
class DatasetProblem:
    """One thing wrong with an uploaded file: where it is (if anywhere) and what to do about it."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"Line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}" if where else f"Column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class DatasetError(ValueError):
    """The upload cannot be used; ``errors`` lists every problem found, in file order."""

    def __init__(self, errors: list[DatasetProblem]) -> None:
        if not errors:
            raise ValueError("DatasetError needs at least one problem")
        self.errors = errors
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.errors) == 1:
            return str(self.errors[0])
        listed = "\n".join(f"- {problem}" for problem in self.errors)
        return f"The file has {len(self.errors)} problems:\n{listed}"


@dataclass(frozen=True)
class SectorFigures:
    """One SIC 2007 section's figures for the area and the nation (divisions already summed).

    Employment is a head count, kept exact (an ``int`` unless the file gave decimals); GVA is in
    £ millions; ``*_hours_or_jobs`` is millions of hours worked or a number of filled jobs, as the
    dataset's ``productivity_basis`` says.
    """

    section: str
    area_employment: Decimal | int
    national_employment: Decimal | int
    area_gva: Decimal | None = None
    national_gva: Decimal | None = None
    area_hours_or_jobs: Decimal | None = None
    national_hours_or_jobs: Decimal | None = None


@dataclass(frozen=True)
class ParsedDataset:
    """A valid upload: one row per section present, in section order A to U."""

    rows: list[SectorFigures]
    has_gva: bool
    productivity_basis: ProductivityBasis | None


class _TooManyProblems(Exception):
    """Raised inside the parser once the problem list is full, to stop reading rows."""


@dataclass
class _Problems:
    limit: int
    items: list[DatasetProblem] = field(default_factory=list)

    def add(self, line: int | None, column: str | None, message: str) -> None:
        if len(self.items) >= self.limit:
            raise _TooManyProblems
        self.items.append(DatasetProblem(line, column, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise DatasetError(self.items)


@dataclass
class _Row:
    """A row that passed its own checks, before divisions are summed into sections."""

    line: int
    section: str
    values: dict[str, Decimal | None]


def parse_dataset(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> ParsedDataset:
    """Parse an uploaded CSV file; raise ``DatasetError`` listing every problem found.

    File-level problems (too big, not UTF-8, empty, bad header) stop at once because nothing
    after them can be read reliably; row problems are all collected, up to ``max_errors``, so that
    one upload tells the analyst everything to fix.
    """
    if len(data) > max_bytes:
        raise DatasetError(
            [
                DatasetProblem(
                    None,
                    None,
                    f"The file is {_size(len(data))}; the largest file we accept is "
                    f"{_size(max_bytes)}.",
                )
            ]
        )
    text = _decode(data)
    if not text.strip():
        raise DatasetError([DatasetProblem(None, None, "The file is empty.")])

    problems = _Problems(limit=max(1, max_errors))
    records = _records(text)
    try:
        header_line, header = next(records)
    except StopIteration:
        raise DatasetError([DatasetProblem(None, None, "The file is empty.")]) from None
    except _CsvProblem as error:
        raise DatasetError([DatasetProblem(error.line, None, error.message)]) from None
    columns = _check_header(header_line, header)
    productivity_columns = _productivity_columns(columns)

    rows: list[_Row] = []
    try:
        try:
            checker = _RowChecker(columns, productivity_columns, problems)
            for line, record in records:
                row = checker.check(line, record)
                if row is not None:
                    rows.append(row)
        except _CsvProblem as error:
            problems.add(error.line, None, error.message)
        if not rows and not problems.items:
            problems.add(
                None, None, "The file has a header row but no data rows: add one row per sector."
            )
        problems.raise_if_any()
        figures = _sum_sections(rows, productivity_columns, problems)
        problems.raise_if_any()
    except _TooManyProblems:
        problems.items.append(
            DatasetProblem(
                None,
                None,
                f"We stopped checking after {problems.limit} problems. Fix these and upload the "
                "file again to see any more.",
            )
        )
        raise DatasetError(problems.items) from None

    _check_totals(figures)
    has_gva = AREA_GVA in columns and any(
        row.area_gva is not None or row.national_gva is not None for row in figures
    )
    basis: ProductivityBasis | None = None
    if (
        has_gva
        and productivity_columns is not None
        and any(
            row.area_hours_or_jobs is not None or row.national_hours_or_jobs is not None
            for row in figures
        )
    ):
        basis = "hour" if productivity_columns == HOURS_COLUMNS else "job"
    return ParsedDataset(rows=figures, has_gva=has_gva, productivity_basis=basis)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"


def _decode(data: bytes) -> str:
    try:
        # utf-8-sig drops the byte order mark Excel puts at the start of "CSV UTF-8" files.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DatasetError(
            [
                DatasetProblem(
                    line,
                    None,
                    "The file is not UTF-8 text. In Excel, use Save As and choose "
                    "'CSV UTF-8 (Comma delimited)'.",
                )
            ]
        ) from None


class _CsvProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, cells) for each non-blank record.

    A quoted cell may span lines, so the record's number is the line it starts on, which is
    where a person looking at the file in an editor would find it.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next_line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _CsvProblem(
                reader.line_num, f"This line cannot be read as CSV ({error})."
            ) from None
        line, next_line = next_line, reader.line_num + 1
        if any(cell.strip() for cell in record):
            yield line, record


def _check_header(line: int, header: list[str]) -> dict[str, int]:
    """Map each known column name to its position, or raise with every header problem."""
    names = [cell.strip().lower() for cell in header]
    # Trailing empty headings come from spreadsheets that export a blank column; harmless.
    while names and not names[-1]:
        names.pop()
    problems: list[DatasetProblem] = []
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for position, name in enumerate(names):
        if not name:
            problems.append(
                DatasetProblem(
                    line, None, f"Column {position + 1} has no heading: give it one or delete it."
                )
            )
        elif name in columns:
            problems.append(DatasetProblem(line, name, f"The column '{name}' appears twice."))
        elif name not in KNOWN_COLUMNS:
            unknown.append(_quoted(name)[1:-1])
        else:
            columns[name] = position
    if unknown:
        hint = ""
        if len(names) == 1 and any(separator in names[0] for separator in ";\t|"):
            hint = " Separate the columns with commas, not semicolons or tabs."
        problems.append(
            DatasetProblem(
                line,
                ", ".join(unknown),
                f"Unknown column{'s' if len(unknown) > 1 else ''}: "
                f"{', '.join(repr(name) for name in unknown)}. "
                f"The columns we read are: {', '.join(KNOWN_COLUMNS)}.{hint}",
            )
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    for pair in (GVA_COLUMNS, HOURS_COLUMNS, JOBS_COLUMNS):
        present = [name for name in pair if name in columns]
        if present and len(present) < len(pair):
            missing.extend(name for name in pair if name not in columns)
    if missing:
        problems.append(
            DatasetProblem(
                line,
                ", ".join(missing),
                f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.",
            )
        )
    has_hours = any(name in columns for name in HOURS_COLUMNS)
    has_jobs = any(name in columns for name in JOBS_COLUMNS)
    if has_hours and has_jobs:
        problems.append(
            DatasetProblem(
                line,
                None,
                "Give either hours worked (area_hours, national_hours) or filled jobs "
                "(area_jobs, national_jobs), not both.",
            )
        )
    if (has_hours or has_jobs) and not any(name in columns for name in GVA_COLUMNS):
        given = "area_hours, national_hours" if has_hours else "area_jobs, national_jobs"
        problems.append(
            DatasetProblem(
                line,
                given,
                f"The columns {given} are only used with GVA: add area_gva and national_gva, "
                "or remove them.",
            )
        )
    if problems:
        raise DatasetError(problems)
    return columns


def _productivity_columns(columns: dict[str, int]) -> tuple[str, str] | None:
    if HOURS_COLUMNS[0] in columns:
        return HOURS_COLUMNS
    if JOBS_COLUMNS[0] in columns:
        return JOBS_COLUMNS
    return None


def _parse_sector(code: str) -> tuple[str, int | None] | None:
    """(section, division or None) for a section letter or division code; None if unknown."""
    if not _SECTOR_CODE.fullmatch(code):
        return None
    if code.isdigit():
        division = int(code)
        section = DIVISION_SECTION.get(division)
        return None if section is None else (section, division)
    section = code.upper()
    return (section, None) if section in SECTION_DIVISIONS else None


def _quoted(cell: str, limit: int = 40) -> str:
    """A cell as we echo it back: shortened, because a stray paragraph would swamp the message."""
    return f"'{cell}'" if len(cell) <= limit else f"'{cell[: limit - 1]}…'"


def _parse_number(cell: str) -> Decimal | str:
    """The cell's value, or the reason it is not an acceptable figure."""
    if _NUMBER.fullmatch(cell):
        return Decimal(cell.replace(",", ""))
    if _NEGATIVE.fullmatch(cell):
        return f"{_quoted(cell)} is negative: figures must be zero or more."
    return f"{_quoted(cell)} is not a number: use digits, with a decimal point if needed."


class _RowChecker:
    """Checks data rows one by one, remembering sectors seen so duplicates name the first line."""

    def __init__(
        self,
        columns: dict[str, int],
        productivity_columns: tuple[str, str] | None,
        problems: _Problems,
    ) -> None:
        self.columns = columns
        self.width = max(columns.values()) + 1
        self.productivity_columns = productivity_columns
        self.optional = tuple(name for name in GVA_COLUMNS if name in columns) + (
            productivity_columns or ()
        )
        self.problems = problems
        self.section_lines: dict[str, int] = {}
        self.division_lines: dict[int, int] = {}
        self.divided_section_lines: dict[str, int] = {}

    def check(self, line: int, record: list[str]) -> _Row | None:
        before = len(self.problems.items)
        extra = [cell for cell in record[self.width :] if cell.strip()]
        if extra:
            # Usually an unquoted thousands separator: the cells after it have all shifted, so
            # checking them would only add confusing messages.
            self.problems.add(
                line,
                None,
                f"This row has {self.width + len(extra)} values but the header has "
                f"{self.width} columns. Numbers with a thousands separator must be in quotes, "
                'for example "1,234".',
            )
            return None

        section = self._check_sector(line, self._cell(record, SECTOR))
        values: dict[str, Decimal | None] = {}
        for name in (AREA_EMPLOYMENT, NATIONAL_EMPLOYMENT):
            cell = self._cell(record, name)
            if not cell:
                self.problems.add(
                    line, name, "The figure is blank: give the number employed, 0 if none."
                )
                continue
            values[name] = self._number(line, name, cell)
        for name in self.optional:
            cell = self._cell(record, name)
            values[name] = self._number(line, name, cell) if cell else None

        self._check_area_within_nation(line, values)
        self._check_pairs(line, record, values)
        if section is None or len(self.problems.items) > before:
            return None
        return _Row(line=line, section=section, values=values)

    def _cell(self, record: list[str], name: str) -> str:
        position = self.columns[name]
        return record[position].strip() if position < len(record) else ""

    def _number(self, line: int, name: str, cell: str) -> Decimal | None:
        value = _parse_number(cell)
        if isinstance(value, str):
            self.problems.add(line, name, value)
            return None
        return value

    def _check_sector(self, line: int, code: str) -> str | None:
        if not code:
            self.problems.add(
                line,
                SECTOR,
                "The sector is blank: give a SIC 2007 section letter (A to U) or a 2-digit "
                "division (01 to 99).",
            )
            return None
        parsed = _parse_sector(code)
        if parsed is None:
            self.problems.add(
                line,
                SECTOR,
                f"{_quoted(code)} is not a SIC 2007 section letter (A to U) or division "
                "(01 to 99).",
            )
            return None
        section, division = parsed
        if division is None:
            if section in self.section_lines:
                self.problems.add(
                    line,
                    SECTOR,
                    f"Section {section} is already given on line {self.section_lines[section]}.",
                )
                return None
            if section in self.divided_section_lines:
                self._both(line, section, self.divided_section_lines[section])
                return None
            self.section_lines[section] = line
            return section
        label = f"{division:02d}"
        if division in self.division_lines:
            self.problems.add(
                line,
                SECTOR,
                f"Division {label} is already given on line {self.division_lines[division]}.",
            )
            return None
        if section in self.section_lines:
            self._both(line, section, self.section_lines[section])
            return None
        self.division_lines[division] = line
        self.divided_section_lines.setdefault(section, line)
        return section

    def _both(self, line: int, section: str, earlier: int) -> None:
        # Counting a section and its divisions would count the same jobs twice.
        self.problems.add(
            line,
            SECTOR,
            f"Section {section} is given both as a section and as its divisions (see line "
            f"{earlier}): give one or the other, not both.",
        )

    def _check_area_within_nation(self, line: int, values: dict[str, Decimal | None]) -> None:
        pairs = [(AREA_EMPLOYMENT, NATIONAL_EMPLOYMENT)]
        if AREA_GVA in self.columns:
            pairs.append(GVA_COLUMNS)
        if self.productivity_columns is not None:
            pairs.append(self.productivity_columns)
        for area_name, national_name in pairs:
            area, national = values.get(area_name), values.get(national_name)
            if area is not None and national is not None and area > national:
                self.problems.add(
                    line,
                    area_name,
                    f"The area figure ({_show(area)}) is larger than {national_name} "
                    f"({_show(national)}): the area is part of the nation, so check the columns "
                    "are not swapped.",
                )

    def _check_pairs(self, line: int, record: list[str], values: dict[str, Decimal | None]) -> None:
        """Productivity needs GVA and hours (or jobs) for the same place: both or neither."""
        if self.productivity_columns is None:
            return
        for gva_name, amount_name in zip(GVA_COLUMNS, self.productivity_columns, strict=True):
            gva_cell, amount_cell = (self._cell(record, gva_name), self._cell(record, amount_name))
            if gva_cell and not amount_cell:
                blank, given = amount_name, gva_name
            elif amount_cell and not gva_cell:
                blank, given = gva_name, amount_name
            else:
                continue
            self.problems.add(
                line,
                blank,
                f"The figure is blank but {given} is given: productivity needs both, so give "
                "both or leave both blank.",
            )


def _show(value: Decimal) -> str:
    return f"{value:,}"


def _whole(value: Decimal) -> Decimal | int:
    """Head counts are whole numbers in BRES; keep them as ints so arithmetic stays exact."""
    return int(value) if value == value.to_integral_value() else value


def _sum_sections(
    rows: list[_Row], productivity_columns: tuple[str, str] | None, problems: _Problems
) -> list[SectorFigures]:
    grouped: dict[str, list[_Row]] = {}
    for row in rows:
        grouped.setdefault(row.section, []).append(row)
    figures = []
    for section in SECTIONS:
        members = grouped.get(section)
        if not members:
            continue
        totals: dict[str, Decimal | None] = {}
        for name in members[0].values:
            given = [row.values[name] for row in members]
            if all(value is None for value in given):
                totals[name] = None
                continue
            if any(value is None for value in given):
                # A partial sum would understate the section and make its productivity wrong.
                first_blank = next(row.line for row in members if row.values[name] is None)
                problems.add(
                    first_blank,
                    name,
                    f"The figure is blank, but other divisions of section {section} give it: "
                    "give it for every division of the section or for none.",
                )
                continue
            totals[name] = sum((value for value in given if value is not None), Decimal(0))
        if len(totals) < len(members[0].values):
            continue
        area_amount = national_amount = None
        if productivity_columns is not None:
            area_amount = totals[productivity_columns[0]]
            national_amount = totals[productivity_columns[1]]
        area_employment = totals[AREA_EMPLOYMENT]
        national_employment = totals[NATIONAL_EMPLOYMENT]
        assert area_employment is not None and national_employment is not None
        figures.append(
            SectorFigures(
                section=section,
                area_employment=_whole(area_employment),
                national_employment=_whole(national_employment),
                area_gva=totals.get(AREA_GVA),
                national_gva=totals.get(NATIONAL_GVA),
                area_hours_or_jobs=area_amount,
                national_hours_or_jobs=national_amount,
            )
        )
    return figures


def _check_totals(figures: list[SectorFigures]) -> None:
    problems = []
    if sum(row.area_employment for row in figures) == 0:
        problems.append(
            DatasetProblem(
                None,
                AREA_EMPLOYMENT,
                "The area's total employment is zero, so its sector shares cannot be worked "
                "out: check the area_employment column.",
            )
        )
    if sum(row.national_employment for row in figures) == 0:
        problems.append(
            DatasetProblem(
                None,
                NATIONAL_EMPLOYMENT,
                "The national total employment is zero, so national sector shares cannot be "
                "worked out: check the national_employment column.",
            )
        )
    if problems:
        raise DatasetError(problems)
