"""Importing responses collected elsewhere: another survey tool's CSV export, or paper forms
typed into a spreadsheet.

Three steps, each a pure function here so that they can be tested without a request:
``parse_csv`` reads the bytes, ``guess_targets`` proposes which column holds what, and
``validate_rows`` checks every row against the consultation's questions and the respondent
profile, naming the row and column of each problem. Only when no row has a problem does
``responses_import`` save them all, in one transaction, through the same service (and so the
same answer rules) as the online form and the API.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first response row 2.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from lepportal.core.exceptions import ApplicationError
from lepportal.core.reference import sic_sections

from . import services
from .answers import OTHER, clean_answer
from .constants import Consent, OrganisationType, RespondingAs, SizeBand
from .models import Consultation, Question, Response

MAX_BYTES = 5 * 1024 * 1024
# Every row is saved through the same service as the online form, in the request and in one
# transaction; this many rows take about ten seconds on PostgreSQL, well inside the web
# server's 30-second limit. Larger sets are imported as several files.
MAX_ROWS = 2000
MAX_PROBLEMS = 100
LONDON = ZoneInfo("Europe/London")
IGNORE = "ignore"
QUESTION_PREFIX = "question:"
# Fixed, so that the same file imported again gives the same submission keys.
IMPORT_NAMESPACE = uuid.UUID("5b0d6c1e-2f1f-4c55-9d0e-6a1e3c9f4b21")

PROFILE_TARGETS: dict[str, str] = {
    "responding_as": "Responding as (individual or organisation)",
    "organisation_name": "Organisation name",
    "organisation_type": "Organisation type",
    "size_band": "Size band",
    "sector": "Sector (SIC 2007 section)",
    "location": "Location",
    "consent": "Consent to publish",
    "email": "E-mail address",
    "submitted_at": "Date submitted",
}
TEXT_LIMITS = {"organisation_name": 200, "location": 100, "email": 254}


class ImportRejected(Exception):
    """The file, or the way its columns are matched, cannot be imported; nothing was saved."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        super().__init__("; ".join(str(p) for p in problems[:3]))
        self.problems = problems
        self.total = total if total is not None else len(problems)


@dataclass(frozen=True)
class Problem:
    message: str
    row: int | None = None
    column: str | None = None
    column_index: int | None = None  # 0-based, for the page that matches columns

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column is not None:
            where.append(f"column ‘{self.column}’")
        return f"{', '.join(where)}: {self.message}" if where else self.message


# Reading the file ----------------------------------------------------------------------------


@dataclass
class ParsedFile:
    headers: list[str]
    rows: list[list[str]]
    digest: str

    def column_name(self, index: int) -> str:
        return self.headers[index] or f"Column {index + 1}"

    def samples(self, index: int, limit: int = 3) -> list[str]:
        """The first few different non-blank values of a column, to help match it."""
        seen: list[str] = []
        for row in self.rows:
            value = row[index] if index < len(row) else ""
            if value and value not in seen:
                seen.append(value)
                if len(seen) == limit:
                    break
        return seen


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _delimiter(first_line: str) -> str:
    """Comma, unless the header line plainly uses semicolons or tabs (as some spreadsheets
    in other locales export)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def parse_csv(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> ParsedFile:
    """Read a CSV file (UTF-8, with or without a byte order mark; first row the headers) or
    raise ImportRejected saying what is wrong with it."""
    if len(data) > max_bytes:
        raise ImportRejected([Problem(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRejected(
            [
                Problem(
                    f"The file is not UTF-8 text (the first character that is not is on line "
                    f"{line}). In your spreadsheet, save it as “CSV UTF-8” and upload it again."
                )
            ]
        ) from error
    text = text.replace("\x00", "")
    if not text.strip():
        raise ImportRejected([Problem("The file is empty.")])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n")[0]))
    try:
        records = [[cell.strip() for cell in record] for record in reader]
    except csv.Error as error:
        raise ImportRejected(
            [Problem(f"The file cannot be read as CSV ({error}).", row=reader.line_num)]
        ) from error
    headers = records[0] if records else []
    if not any(headers):
        raise ImportRejected([Problem("The first row must name the columns.", row=1)])
    rows = records[1:]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ImportRejected([Problem("The file has a header row but no responses under it.")])
    if len(rows) > max_rows:
        raise ImportRejected(
            [
                Problem(
                    f"The file has {len(rows):,} rows of responses; import at most "
                    f"{max_rows:,} at a time. Split it into smaller files."
                )
            ]
        )
    return ParsedFile(headers=headers, rows=rows, digest=file_digest(data))


# Matching columns ----------------------------------------------------------------------------


def normalise(value: str) -> str:
    """Lower case, British spelling, words only: for comparing what people type."""
    value = value.lower().replace("&", " and ").replace("organization", "organisation")
    value = value.replace("e-mail", "email")
    return " ".join(re.findall(r"[a-z0-9+]+", value))


HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "responding_as": (
        "responding as",
        "are you responding as",
        "are you responding",
        "responding on behalf of",
        "individual or organisation",
        "respondent",
    ),
    "organisation_name": (
        "organisation name",
        "organisation",
        "name of organisation",
        "name of your organisation",
        "company",
        "company name",
        "business name",
        "name of business",
    ),
    "organisation_type": (
        "organisation type",
        "type of organisation",
        "kind of organisation",
        "org type",
        "business type",
    ),
    "size_band": (
        "size band",
        "size",
        "organisation size",
        "business size",
        "company size",
        "number of employees",
        "employees",
        "number of staff",
        "headcount",
    ),
    "sector": ("sector", "industry", "sic", "sic section", "sic 2007", "business sector"),
    "location": (
        "location",
        "postcode",
        "postcode district",
        "local authority",
        "area",
        "town",
        "where are you based",
    ),
    "consent": (
        "consent",
        "consent to publish",
        "publish",
        "publication",
        "permission to publish",
        "can we publish your response",
    ),
    "email": ("email", "email address", "contact email"),
    "submitted_at": (
        "submitted at",
        "submitted at uk time",
        "submitted",
        "submitted on",
        "date submitted",
        "submission date",
        "date",
        "timestamp",
        "completed",
        "completed at",
        "end date",
        "response date",
    ),
}
_HEADER_TO_FIELD = {
    synonym: name for name, synonyms in HEADER_SYNONYMS.items() for synonym in synonyms
}
_QUESTION_NUMBER = re.compile(r"^q(?:uestion)?\s*(\d+)\b")


def question_target(question: Question) -> str:
    return f"{QUESTION_PREFIX}{question.pk}"


def _guess_question(header: str, questions: Sequence[Question]) -> Question | None:
    wanted = normalise(header)
    if not wanted:
        return None
    for question in questions:
        if normalise(question.text) == wanted:
            return question
    number = _QUESTION_NUMBER.match(wanted)
    if number and 1 <= int(number.group(1)) <= len(questions):
        return questions[int(number.group(1)) - 1]
    for question in questions:
        text = normalise(question.text)
        if len(wanted) >= 10 and len(text) >= 10 and (wanted in text or text in wanted):
            return question
    return None


def guess_targets(headers: Sequence[str], questions: Sequence[Question]) -> list[str]:
    """A proposed target for each column, by its header: a profile field, a question (its
    text, "Q2" or "Question 2"), or ignore. Each target is proposed for one column at most."""
    used: set[str] = set()
    targets = []
    for header in headers:
        target = IGNORE
        field_name = _HEADER_TO_FIELD.get(normalise(header))
        if field_name is not None:
            target = field_name
        else:
            question = _guess_question(header, questions)
            if question is not None:
                target = question_target(question)
        if target in used:
            target = IGNORE
        if target != IGNORE:
            used.add(target)
        targets.append(target)
    return targets


def target_label(target: str, questions: Sequence[Question]) -> str:
    if target in PROFILE_TARGETS:
        return PROFILE_TARGETS[target]
    for index, question in enumerate(questions, start=1):
        if target == question_target(question):
            return f"question {index}, ‘{question.text}’"
    return "Ignore this column"


def check_mapping(
    targets: Sequence[str], parsed: ParsedFile, questions: Sequence[Question]
) -> list[Problem]:
    """Problems with the matching of columns as a whole: unknown or repeated targets, and
    required questions that no column answers."""
    problems = []
    known = {IGNORE, *PROFILE_TARGETS, *(question_target(q) for q in questions)}
    first_column: dict[str, int] = {}
    for index, target in enumerate(targets):
        name = parsed.column_name(index)
        if target not in known:
            problems.append(
                Problem("Choose what this column holds.", column=name, column_index=index)
            )
        elif target != IGNORE and target in first_column:
            other = parsed.column_name(first_column[target])
            label = target_label(target, questions)
            problems.append(
                Problem(
                    f"{label[0].upper()}{label[1:]} is already matched to "
                    f"column ‘{other}’. Match each to one column only.",
                    column=name,
                    column_index=index,
                )
            )
        else:
            first_column.setdefault(target, index)
    for index, question in enumerate(questions, start=1):
        if question.required and question_target(question) not in first_column:
            problems.append(
                Problem(
                    f"No column is matched to question {index}, ‘{question.text}’, which must "
                    "be answered. Match its column, or add one to the file."
                )
            )
    return problems


# Values --------------------------------------------------------------------------------------

VALUE_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "responding_as": {
        RespondingAs.INDIVIDUAL: ("an individual", "individual", "myself", "personal"),
        RespondingAs.ORGANISATION: (
            "an organisation",
            "organisation",
            "on behalf of organisation",
            "on behalf of my organisation",
        ),
    },
    "organisation_type": {
        OrganisationType.BUSINESS: ("company", "firm", "private sector"),
        OrganisationType.PUBLIC_SECTOR: ("public", "council", "local authority"),
        OrganisationType.EDUCATION: ("education", "research", "university", "college"),
        OrganisationType.VOLUNTARY: ("voluntary", "community", "civil society", "charity"),
        OrganisationType.TRADE_BODY: ("trade body", "membership organisation"),
    },
    "size_band": {
        SizeBand.SOLE_TRADER: ("sole trader", "freelancer", "self employed", "just me"),
        SizeBand.MICRO: ("micro", "1 9", "1 to 9", "micro business"),
        SizeBand.SMALL: ("small", "10 49", "10 to 49"),
        SizeBand.MEDIUM: ("medium", "50 249", "50 to 249"),
        SizeBand.LARGE: ("large", "250", "250+", "250 or more", "250 plus"),
    },
    "consent": {
        Consent.WITH_NAME: ("with name", "with organisation name", "publish with name", "named"),
        Consent.ANONYMOUS: ("anonymously", "publish anonymously", "anonymous"),
        Consent.NONE: ("do not publish", "don t publish", "not at all", "none"),
    },
}
PROFILE_CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "responding_as": tuple(RespondingAs.choices),
    "organisation_type": tuple(OrganisationType.choices),
    "size_band": tuple(SizeBand.choices),
    "sector": sic_sections(),
    "consent": tuple(Consent.choices),
}
PROFILE_NOUNS = {
    "responding_as": "a way of responding (individual or organisation)",
    "organisation_type": "an organisation type",
    "size_band": "a size band",
    "sector": "a SIC 2007 section",
    "consent": "a consent choice",
}


def _choice_spellings(name: str) -> dict[str, str]:
    """Every accepted spelling (normalised) of every value of a profile choice."""
    spellings: dict[str, str] = {}
    for value, label in PROFILE_CHOICES[name]:
        candidates = [value, label, label.split("(")[0]]
        if name == "sector":
            candidates.append(f"{value} {label}")
        candidates += VALUE_SYNONYMS.get(name, {}).get(value, ())
        for candidate in candidates:
            spellings.setdefault(normalise(candidate), value)
    return spellings


_SPELLINGS = {name: _choice_spellings(name) for name in PROFILE_CHOICES}


def match_profile_choice(name: str, value: str) -> str | None:
    """The stored value of a profile choice from its value or label, in any case."""
    return _SPELLINGS[name].get(normalise(value))


DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
)


def parse_submitted_at(value: str) -> datetime:
    """A date and time as spreadsheets and survey tools write them (day before month in
    slashed dates, as in the UK); without a time zone it is UK time. Raises ValueError."""
    moment = None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        for pattern in DATE_FORMATS:
            try:
                moment = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError(
            f"‘{value}’ is not a date. Write it as 2019-03-31 14:30 or 31/03/2019 14:30."
        )
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=LONDON)
    return moment


def _split_choices(value: str, labels: dict[str, Any]) -> list[str]:
    """Split a multiple-choice cell into its options: on semicolons, then on commas unless
    the comma is part of an option's label ("Voluntary, community or civil society")."""
    parts: list[str] = []
    for chunk in value.split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        if normalise(chunk) in labels or _other_text(chunk) is not None:
            parts.append(chunk)
            continue
        pieces = [p.strip() for p in chunk.split(",")]
        start = 0
        while start < len(pieces):
            if _other_text(pieces[start]) is not None:
                parts.append(", ".join(pieces[start:]))  # "Other: roads, rail" is one answer
                break
            # Take the longest run of pieces that names an option; else one piece alone.
            end = len(pieces)
            while end > start + 1 and normalise(", ".join(pieces[start:end])) not in labels:
                end -= 1
            joined = ", ".join(pieces[start:end]).strip()
            if joined:
                parts.append(joined)
            start = end
    return parts


_OTHER = re.compile(r"^other\s*(?:\(please specify\))?\s*[:\-–]\s*(.*)$", re.IGNORECASE | re.DOTALL)


def _other_text(value: str) -> str | None:
    match = _OTHER.match(value.strip())
    return match.group(1).strip() if match else None


def _options_list(question: Question) -> str:
    return ", ".join(f"‘{o.label}’" for o in question.options.all())


def choice_answer(question: Question, value: str) -> tuple[list[str], str]:
    """Option ids (as the answer rules take them; "other" for Other) and the Other text for a
    choice question's cell. Raises ValueError naming what does not match."""
    labels = {normalise(o.label): str(o.pk) for o in question.options.all()}
    if not value:
        return [], ""
    multiple = question.kind == Question.Kind.MULTIPLE
    parts = _split_choices(value, labels) if multiple else [value]
    chosen: list[str] = []
    other = ""
    for part in parts:
        option_id = labels.get(normalise(part))
        if option_id is not None:
            if option_id not in chosen:
                chosen.append(option_id)
            continue
        other_text = _other_text(part) if question.kind == Question.Kind.MULTIPLE else None
        if other_text is not None and question.allow_other:
            if other:
                raise ValueError("give one ‘Other: …’ answer only.")
            other = other_text
            chosen.append(OTHER)
            continue
        raise ValueError(
            f"‘{part}’ is not an option of this question. The options are {_options_list(question)}"
            + (", and ‘Other: …’ with a text." if question.allow_other else ".")
        )
    if question.kind != Question.Kind.MULTIPLE and len(chosen) > 1:
        raise ValueError("choose one option only.")
    return chosen, other


# Checking rows -------------------------------------------------------------------------------


@dataclass
class RowToImport:
    row_number: int
    profile: dict[str, str]
    raw_answers: dict[int, Any] = field(default_factory=dict)
    other_answers: dict[int, str] = field(default_factory=dict)
    submitted_at: datetime | None = None


class _Problems:
    """Every problem counted; the first ``MAX_PROBLEMS`` kept to show."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(problem)


def _profile_value(name: str, value: str, now: datetime) -> str | datetime | None:
    """The stored value of one profile cell, or ValueError with what is wrong."""
    if not value:
        return None
    if name in PROFILE_CHOICES:
        matched = match_profile_choice(name, value)
        if matched is None:
            options = ", ".join(f"‘{label}’" for _, label in PROFILE_CHOICES[name])
            raise ValueError(
                f"‘{value}’ is not {PROFILE_NOUNS[name]}. Use one of {options} (or leave it blank)."
            )
        return matched
    if name in TEXT_LIMITS and len(value) > TEXT_LIMITS[name]:
        raise ValueError(
            f"it has {len(value):,} characters; at most {TEXT_LIMITS[name]:,} are allowed."
        )
    if name == "email":
        try:
            validate_email(value)
        except ValidationError as error:
            raise ValueError(f"‘{value}’ is not an e-mail address.") from error
    if name == "submitted_at":
        moment = parse_submitted_at(value)
        if moment > now:
            raise ValueError(f"‘{value}’ is in the future.")
        return moment
    return value


def _question_value(question: Question, value: str) -> tuple[Any, str]:  # raw answer, other text
    if question.kind == Question.Kind.FREE_TEXT:
        if len(value) > question.max_length:
            raise ValueError(
                f"the answer has {len(value):,} characters; the question allows at most "
                f"{question.max_length:,}."
            )
        if question.required and not value:
            raise ValueError("this question must be answered, but the cell is blank.")
        return value, ""
    chosen, other = choice_answer(question, value)
    if question.required and not chosen:
        raise ValueError("this question must be answered, but the cell is blank.")
    return chosen, other


def validate_rows(
    parsed: ParsedFile,
    targets: Sequence[str],
    questions: Sequence[Question],
    *,
    now: datetime | None = None,
) -> list[RowToImport]:
    """Check every row; return them ready to save, or raise ImportRejected listing the
    problems (the first ``MAX_PROBLEMS``, with the total) by row and column."""
    now = now or timezone.now()
    mapping_problems = check_mapping(targets, parsed, questions)
    if mapping_problems:
        raise ImportRejected(mapping_problems)
    by_target = {target: index for index, target in enumerate(targets) if target != IGNORE}
    by_question = {question_target(q): q for q in questions}
    problems = _Problems()
    ready: list[RowToImport] = []
    width = len(parsed.headers)
    for offset, cells in enumerate(parsed.rows):
        number = offset + 2
        if not any(cells):
            continue  # a blank line between responses
        if len(cells) > width and any(cells[width:]):
            problems.add(
                Problem(
                    f"the row has {len(cells)} cells but the header row names {width} "
                    "columns. Check for a stray comma or an unquoted line break.",
                    row=number,
                )
            )
            continue
        row = RowToImport(row_number=number, profile={})
        missing = [index for index in sorted(by_target.values()) if index >= len(cells)]
        if missing:
            problems.add(
                Problem(
                    f"the row ends before this column (it has {len(cells)} cells; the header "
                    f"row names {width}).",
                    row=number,
                    column=parsed.column_name(missing[0]),
                )
            )
        for target, index in by_target.items():
            if index >= len(cells):
                continue
            column = parsed.column_name(index)
            value = cells[index]
            try:
                if target in PROFILE_TARGETS:
                    stored = _profile_value(target, value, now)
                    if target == "submitted_at":
                        row.submitted_at = stored if isinstance(stored, datetime) else None
                    elif stored:
                        row.profile[target] = str(stored)
                else:
                    question = by_question[target]
                    raw, other = _question_value(question, value)
                    row.raw_answers[question.pk] = raw
                    if other:
                        row.other_answers[question.pk] = other
                    # The shared answer rules have the last word (Other's length, and so on).
                    clean_answer(question, raw, other)
            except ValueError as error:
                problems.add(Problem(str(error), row=number, column=column))
        _settle_profile(row.profile)
        ready.append(row)
    if problems.total:
        raise ImportRejected(problems.kept, problems.total)
    if not ready:
        raise ImportRejected([Problem("The file has a header row but no responses under it.")])
    return ready


def _settle_profile(profile: dict[str, str]) -> None:
    """An organisation type implies responding for an organisation; an individual has no
    organisation (as on the online form)."""
    if not profile.get("responding_as") and profile.get("organisation_type"):
        profile["responding_as"] = RespondingAs.ORGANISATION
    if profile.get("responding_as") == RespondingAs.INDIVIDUAL:
        profile.pop("organisation_name", None)
        profile.pop("organisation_type", None)


# Saving --------------------------------------------------------------------------------------


def submission_key(consultation_id: int, digest: str, row_number: int) -> uuid.UUID:
    """The same row of the same file always gives the same key, so importing a file twice
    creates its responses once."""
    return uuid.uuid5(IMPORT_NAMESPACE, f"{consultation_id}:{digest}:{row_number}")


@dataclass(frozen=True)
class ImportResult:
    created: int
    already_imported: int


@transaction.atomic
def responses_import(
    *,
    consultation: Consultation,
    rows: Iterable[RowToImport],
    source_detail: str,
    digest: str,
) -> ImportResult:
    """Save checked rows as submitted responses marked as imported, all or none. Rows of this
    file imported before are left as they are and counted as such."""
    rows = list(rows)
    keys = {row.row_number: submission_key(consultation.pk, digest, row.row_number) for row in rows}
    # Rows imported before are counted without a call each, so a repeated file is quick.
    done = set(
        consultation.responses.filter(submission_key__in=keys.values()).values_list(
            "submission_key", flat=True
        )
    )
    created = existing = 0
    for row in rows:
        if keys[row.row_number] in done:
            existing += 1
            continue
        try:
            _, made = services.response_create_complete(
                consultation=consultation,
                profile=row.profile,
                raw_answers=row.raw_answers,
                other_answers=row.other_answers,
                submission_key=keys[row.row_number],
                source=Response.Source.IMPORT,
                source_detail=source_detail,
                check_open=False,
                submitted_at=row.submitted_at,
            )
        except ApplicationError as error:
            raise ImportRejected([Problem(error.message, row=row.row_number)]) from error
        created += made
        existing += not made
    return ImportResult(created=created, already_imported=existing)
