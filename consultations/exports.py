"""The publishable export of a consultation's responses, as CSV and XLSX.

One row per submitted response (withdrawn responses and drafts are left out). The profile
columns never include an e-mail address or a person's name, and the organisation's name only
when it responded as an organisation and consented to publication with its name. Every text
cell is made inert for spreadsheets (``lepportal.core.spreadsheets.safe_cell``): a cell that
starts with a character a spreadsheet reads as the start of a formula gets a leading
apostrophe, so opening the file runs nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lepportal.core.reference import sic_sections
from lepportal.core.spreadsheets import csv_writer, safe_cell

from .constants import Consent, OrganisationType, RespondentType, RespondingAs, SizeBand
from .models import Consultation, Question, Response
from .selectors import ExportRecord, questions_with_options, responses_for_export

LONDON = ZoneInfo("Europe/London")
CHUNK_SIZE = 2000

PROFILE_HEADERS = [
    "Reference",
    "Submitted at (UK time)",
    "Source",
    "Responding as",
    "Respondent type",
    "Organisation name",
    "Organisation type",
    "Size band",
    "Sector",
    "Location",
    "Consent to publish",
]

_LABELS: dict[str, dict[str, str]] = {
    "source": dict(Response.Source.choices),
    "responding_as": dict(RespondingAs.choices),
    "respondent_type": dict(RespondentType.choices),
    "organisation_type": dict(OrganisationType.choices),
    "size_band": dict(SizeBand.choices),
    "consent": dict(Consent.choices),
}


def _label(name: str, value: str) -> str:
    return _LABELS[name].get(value, value)


def _sector_label(value: str) -> str:
    names = dict(sic_sections())
    return f"{value}: {names[value]}" if value in names else value


def _london(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment, LONDON).strftime("%Y-%m-%d %H:%M:%S")


def publishable_organisation_name(record: ExportRecord) -> str:
    """The organisation's name only with consent to publish it; individuals' names never."""
    if record.responding_as == RespondingAs.ORGANISATION and record.consent == Consent.WITH_NAME:
        return record.organisation_name
    return ""


def header_row(questions: list[Question]) -> list[str]:
    return PROFILE_HEADERS + [f"Q{index}. {q.text}" for index, q in enumerate(questions, 1)]


def _answer(question: Question, record: ExportRecord) -> str:
    text = record.texts.get(question.pk, "")
    if not question.is_choice:
        return text
    chosen = set(record.options.get(question.pk, ()))
    parts = [option.label for option in question.options.all() if option.pk in chosen]
    if text:
        parts.append(f"Other: {text}")
    return "; ".join(parts)


def record_row(record: ExportRecord, questions: list[Question]) -> list[str]:
    """The cells of one response, before neutralising."""
    return [
        record.reference,
        _london(record.submitted_at),
        _label("source", record.source),
        _label("responding_as", record.responding_as),
        _label("respondent_type", record.respondent_type),
        publishable_organisation_name(record),
        _label("organisation_type", record.organisation_type),
        _label("size_band", record.size_band),
        _sector_label(record.sector),
        record.location,
        _label("consent", record.consent),
        *(_answer(question, record) for question in questions),
    ]


def export_rows(consultation: Consultation) -> Iterator[list[str]]:
    """The header, then one neutralised row per submitted response, read in chunks."""
    questions = questions_with_options(consultation)
    yield [safe_cell(cell) for cell in header_row(questions)]
    for record in responses_for_export(consultation, chunk_size=CHUNK_SIZE):
        yield [safe_cell(cell) for cell in record_row(record, questions)]


class _Line:
    """A file-like object whose write returns what was written, for a CSV writer."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list[str]], *, lines_per_chunk: int = 200) -> Iterator[bytes]:
    """UTF-8 CSV with a byte order mark (so Excel reads it as UTF-8), sent a few hundred lines
    at a time. Cells are made safe here too, so any rows may be passed."""
    writer = csv_writer(_Line())
    lines = ["\ufeff"]
    for row in rows:
        lines.append(writer.writerow(row))
        if len(lines) >= lines_per_chunk:
            yield "".join(lines).encode("utf-8")
            lines = []
    if lines:
        yield "".join(lines).encode("utf-8")


def write_xlsx(rows: Iterable[list[str]], target: IO[bytes], *, title: str = "Responses") -> None:
    """Write the rows to ``target`` as an XLSX workbook in openpyxl's write-only mode (rows go
    straight to a temporary file, not memory): a bold, frozen header row and every cell a
    string, never a formula. Cells are made safe here too, so any rows may be passed."""
    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    first = True
    for row in rows:
        if first:
            for index, heading in enumerate(row, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = min(
                    max(len(heading), 12), 50
                )
        cells: list[WriteOnlyCell | None] = []
        for value in row:
            if not value and not first:
                cells.append(None)  # no cell at all, rather than an empty string
                continue
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            cell.data_type = "s"  # a string whatever it looks like: nothing is evaluated
            if first:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        first = False
    workbook.save(target)


def export_filename(consultation: Consultation, extension: str) -> str:
    stamp = timezone.localtime(timezone.now(), LONDON).strftime("%Y-%m-%d")
    return f"{consultation.slug[:80]}-responses-{stamp}.{extension}"
