"""The CSV and XLSX exports of responses: what they hold, what they leave out, and that no
cell can run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from consultations import exports, services
from consultations.staff_views import XLSX_TYPE
from tests.consultations.test_staff_responses import INDIVIDUAL, ORGANISATION, bulk_respond, respond

pytestmark = pytest.mark.django_db

PROFILE_COLUMNS = [
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


def download(client, consultation, extension: str) -> bytes:
    url = reverse(f"consultations:responses_{extension}", kwargs={"slug": consultation.slug})
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    return b"".join(response.streaming_content)


def csv_rows(client, consultation) -> list[dict[str, str]]:
    data = download(client, consultation, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_sheet(client, consultation):
    workbook = openpyxl.load_workbook(io.BytesIO(download(client, consultation, "xlsx")))
    return workbook.active


@pytest.fixture
def varied(consultation):
    """A named organisation, an anonymous one, an individual, a withdrawn response, a draft."""
    made = {
        "named": respond(
            consultation,
            helps=("Skills", "Exporting"),
            other="Better broadband",
            scale="Agree",
            change="More apprenticeships, please.",
            submitted_at=datetime(2024, 7, 1, 11, 30, tzinfo=UTC),
        ),
        "anonymous": respond(
            consultation,
            profile={**ORGANISATION, "organisation_name": "Hidden Ltd", "consent": "anonymous"},
        ),
        "individual": respond(
            consultation,
            profile={**INDIVIDUAL, "organisation_name": "Jo's Own Business"},
            submitted_at=datetime(2024, 1, 15, 9, 0, tzinfo=UTC),
        ),
        "withdrawn": services.response_withdraw(
            response=respond(consultation, profile={**ORGANISATION, "organisation_name": "Gone"})
        ),
    }
    draft = services.response_start(consultation=consultation)
    services.response_save_profile(
        response=draft, profile={**ORGANISATION, "organisation_name": "Draft Co"}
    )
    return made


def test_csv_has_one_row_per_submitted_response_and_honours_consent(
    client, cast, consultation, varied
) -> None:
    client.force_login(cast.viewer)
    rows = csv_rows(client, consultation)
    assert list(rows[0])[: len(PROFILE_COLUMNS)] == PROFILE_COLUMNS
    assert list(rows[0])[len(PROFILE_COLUMNS) :] == [
        "Q1. Do you support our vision?",
        "Q2. What would help your business grow?",
        "Q3. Our priorities are the right ones.",
        "Q4. What should we change?",
    ]
    by_reference = {row["Reference"]: row for row in rows}
    assert set(by_reference) == {varied[k].reference for k in ("named", "anonymous", "individual")}
    named = by_reference[varied["named"].reference]
    assert named["Organisation name"] == "Crewe Widgets Ltd"
    assert named["Submitted at (UK time)"] == "2024-07-01 12:30:00"  # British Summer Time
    assert named["Source"] == "Online form"
    assert named["Responding as"] == "On behalf of an organisation"
    assert named["Respondent type"] == "Businesses"
    assert named["Size band"] == "Small (10 to 49 people)"
    assert named["Sector"] == "C: Manufacturing"
    assert named["Location"] == "Cheshire East"
    assert named["Q1. Do you support our vision?"] == "Yes"
    assert named["Q2. What would help your business grow?"] == (
        "Skills; Exporting; Other: Better broadband"
    )
    assert named["Q3. Our priorities are the right ones."] == "Agree"
    assert named["Q4. What should we change?"] == "More apprenticeships, please."
    assert by_reference[varied["anonymous"].reference]["Organisation name"] == ""
    individual = by_reference[varied["individual"].reference]
    assert individual["Organisation name"] == ""
    assert individual["Submitted at (UK time)"] == "2024-01-15 09:00:00"  # Greenwich Mean Time
    assert individual["Responding as"] == "As an individual"


def test_exports_never_hold_email_names_withdrawn_or_draft_responses(
    client, cast, consultation, varied
) -> None:
    client.force_login(cast.editor)
    csv_text = download(client, consultation, "csv").decode("utf-8-sig")
    sheet = xlsx_sheet(client, consultation)
    xlsx_text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    for text in (csv_text, xlsx_text):
        for secret in (
            "boss@crewe.example",
            "jo@example.com",
            "Jo Bloggs",
            "Jo's Own Business",
            "Hidden Ltd",
            "Gone",
            "Draft Co",
            varied["withdrawn"].reference,
        ):
            assert secret not in text
    assert sheet.max_row == 4  # the header and three responses


DANGEROUS = {
    "organisation_name": '=HYPERLINK("http://evil.example","Click")',
    "location": "@SUM(1+1)*cmd|' /C calc'!A0",
    "change": "+44 1270 000000",
    "other": "-2+3",
}


@pytest.fixture
def dangerous(consultation):
    respond(
        consultation,
        profile={
            **ORGANISATION,
            "organisation_name": DANGEROUS["organisation_name"],
            "location": DANGEROUS["location"],
        },
        helps=("Skills",),
        other=DANGEROUS["other"],
        change=DANGEROUS["change"],
    )
    respond(consultation, change="\tTabbed start")
    respond(consultation, change="\rReturn start")


def test_csv_neutralises_formulas_in_every_text_cell(client, cast, consultation, dangerous) -> None:
    client.force_login(cast.lead)
    rows = csv_rows(client, consultation)
    first = rows[0]
    assert first["Organisation name"] == "'" + DANGEROUS["organisation_name"]
    assert first["Location"] == "'" + DANGEROUS["location"]
    assert first["Q4. What should we change?"] == "'" + DANGEROUS["change"]
    assert first["Q2. What would help your business grow?"] == "Skills; Other: -2+3"
    answers = {row["Q4. What should we change?"] for row in rows[1:]}
    # Answers are stored trimmed, so a leading tab or return never reaches the export at all.
    assert answers == {"Tabbed start", "Return start"}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_opens_with_a_bold_frozen_header_and_inert_text_cells(
    client, cast, consultation, dangerous
) -> None:
    client.force_login(cast.editor)
    sheet = xlsx_sheet(client, consultation)
    header = [cell.value for cell in sheet[1]]
    assert header[: len(PROFILE_COLUMNS)] == PROFILE_COLUMNS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    cells = {header[i]: cell for i, cell in enumerate(rows[0])}
    name = cells["Organisation name"]
    assert name.value == "'" + DANGEROUS["organisation_name"]
    assert name.data_type == "s"  # a string, not a formula
    assert cells["Location"].value == "'" + DANGEROUS["location"]
    assert cells["Q4. What should we change?"].value == "'" + DANGEROUS["change"]
    for row in rows:
        for cell in row:
            assert cell.data_type in {"s", "n"}  # "n" is openpyxl's type for an empty cell
            assert not str(cell.value or "").startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_honours_consent_too(client, cast, consultation, varied) -> None:
    client.force_login(cast.admin)
    sheet = xlsx_sheet(client, consultation)
    header = [cell.value for cell in sheet[1]]
    names = {
        row[header.index("Reference")]: row[header.index("Organisation name")]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert names[varied["named"].reference] == "Crewe Widgets Ltd"
    assert not names[varied["anonymous"].reference]
    assert not names[varied["individual"].reference]


def test_xlsx_drops_characters_a_workbook_cannot_hold(client, cast, consultation) -> None:
    respond(consultation, change="Bell\x07 and form feed\x0c removed")
    client.force_login(cast.editor)
    sheet = xlsx_sheet(client, consultation)
    values = [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == ["Bell and form feed removed"]


def test_csv_is_streamed_in_chunks_and_misses_no_row(
    client, cast, consultation, monkeypatch
) -> None:
    bulk_respond(consultation, 7)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    client.force_login(cast.editor)
    url = reverse("consultations:responses_csv", kwargs={"slug": consultation.slug})
    response = client.get(url)
    assert isinstance(response, StreamingHttpResponse)
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [row["Q4. What should we change?"] for row in rows] == [
        f"Answer number {n}" for n in range(7)
    ]
    assert rows[0]["Q2. What would help your business grow?"] == "Skills; Premises"


def test_xlsx_is_sent_from_a_file_not_built_in_memory(client, cast, consultation) -> None:
    client.force_login(cast.editor)
    url = reverse("consultations:responses_xlsx", kwargs={"slug": consultation.slug})
    response = client.get(url)
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == XLSX_TYPE
    assert b"".join(response.streaming_content).startswith(b"PK")  # a zip, as XLSX files are


def test_export_queries_do_not_grow_with_responses(
    client, cast, consultation, django_assert_max_num_queries
) -> None:
    bulk_respond(consultation, 10)
    client.force_login(cast.editor)
    url = reverse("consultations:responses_csv", kwargs={"slug": consultation.slug})
    b"".join(client.get(url).streaming_content)
    with django_assert_max_num_queries(15) as small:
        b"".join(client.get(url).streaming_content)
    bulk_respond(consultation, 300)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = b"".join(client.get(url).streaming_content)
    assert data.count(b"\r\n") == 311
