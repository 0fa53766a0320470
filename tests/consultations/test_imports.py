"""Importing responses from another survey tool's CSV: reading the file, guessing what each
column holds, reading values, checking every row, and saving all rows or none."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import imports, services
from consultations.imports import (
    IGNORE,
    ImportRejected,
    choice_answer,
    guess_targets,
    match_profile_choice,
    parse_csv,
    parse_submitted_at,
    question_target,
)
from consultations.models import Response
from lepportal.core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db

HEADER = (
    "Timestamp,Are you responding as,Organisation name,Type of organisation,Size,Sector,"
    "Postcode,Email address,Can we publish your response?,Do you support our vision?,"
    "What would help your business grow?,Our priorities are the right ones.,"
    "What should we change?,Internal ID"
)
GOOD_ROWS = [
    "31/03/2019 14:30,Organisation,Crewe Widgets,Business,Small (10 to 49 people),C,CW1,"
    'boss@crewe.example,With name,Yes,"Skills; Finance",Agree,More apprenticeships,17',
    '2019-03-30,Individual,,,Sole trader,M,CW2,,Anonymously,no,"skills, Other: roads, rail",'
    ",Faster trains,18",
    ",organisation,Cheshire East Council,public sector,LARGE,O,Cheshire East,,Do not publish,"
    "Not sure,,Strongly disagree,,19",
]
SOURCE = "Paper forms at the Crewe business fair"


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    data = "\r\n".join([header, *rows]).encode("utf-8") + b"\r\n"
    return b"\xef\xbb\xbf" + data if bom else data


def with_cell(column: str, value: str, row: int = 0) -> list[str]:
    """GOOD_ROWS with one cell of one row replaced (columns named by header)."""
    names = next(csv.reader([HEADER]))
    rows = [next(csv.reader([line])) for line in GOOD_ROWS]
    rows[row][names.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().splitlines()


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(consultation, step: str = "") -> str:
    name = "consultations:responses_import" + (f"_{step}" if step else "")
    return reverse(name, kwargs={"slug": consultation.slug})


def upload(client, consultation, data: bytes, source: str = SOURCE):
    file = SimpleUploadedFile("survey-export.csv", data, content_type="text/csv")
    return client.post(url(consultation), {"source_name": source, "file": file})


def match_columns(client, consultation, changes: dict[int, str] | None = None):
    """Accept the guessed matching (with any changes by column number) and post it."""
    form = client.get(url(consultation, "columns")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    for index, target in (changes or {}).items():
        data[f"column_{index}"] = target
    return client.post(url(consultation, "columns"), data)


def import_file(client, consultation, data: bytes, **kwargs):
    """Every step: upload, match, check, import. Returns the last response."""
    uploaded = upload(client, consultation, data)
    assert uploaded.status_code == 302, uploaded.content.decode()
    matched = match_columns(client, consultation, kwargs.get("changes"))
    assert matched.status_code == 302, matched.content.decode()
    return client.post(url(consultation, "check"))


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


# Reading the file ----------------------------------------------------------------------------


def test_parse_reads_utf8_with_or_without_a_byte_order_mark() -> None:
    for bom in (False, True):
        parsed = parse_csv(csv_bytes(*GOOD_ROWS, bom=bom))
        assert parsed.headers[0] == "Timestamp"
        assert len(parsed.rows) == 3
        assert parsed.rows[0][2] == "Crewe Widgets"


def test_parse_reads_semicolon_separated_files() -> None:
    parsed = parse_csv(b"Size;Sector\nSmall;C\n")
    assert parsed.headers == ["Size", "Sector"]
    assert parsed.rows == [["Small", "C"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n", "The file is empty."),
        (HEADER.encode() + b"\r\n", "a header row but no responses"),
        (",,\r\nSmall,C,x\r\n", "The first row must name the columns."),
        ("Size\nPetit café\n".encode("cp1252"), "not UTF-8 text (the first character that is not"),
    ],
)
def test_parse_explains_files_it_cannot_read(data, message) -> None:
    if isinstance(data, str):
        data = data.encode()
    with pytest.raises(ImportRejected) as rejected:
        parse_csv(data)
    assert message in str(rejected.value.problems[0])


def test_parse_names_the_line_of_a_non_utf8_character() -> None:
    with pytest.raises(ImportRejected, match="on line 3"):
        parse_csv("Size\nSmall\nPetit café\n".encode("latin-1"))


# Guessing columns ----------------------------------------------------------------------------


def test_guesses_columns_from_a_survey_tools_headings(consultation) -> None:
    questions = list(consultation.questions.order_by("position"))
    targets = guess_targets(parse_csv(csv_bytes(*GOOD_ROWS)).headers, questions)
    assert targets == [
        "submitted_at",
        "responding_as",
        "organisation_name",
        "organisation_type",
        "size_band",
        "sector",
        "location",
        "email",
        "consent",
        *(question_target(q) for q in questions),
        IGNORE,
    ]


def test_guesses_questions_by_number_and_each_target_once(consultation) -> None:
    questions = list(consultation.questions.order_by("position"))
    headers = ["Q1", "Question 2", "Q3. Our priorities", "q4", "Postcode", "Town", "Q9"]
    assert guess_targets(headers, questions) == [
        *(question_target(q) for q in questions),
        "location",
        IGNORE,  # location is already taken
        IGNORE,  # there is no question 9
    ]


def test_guesses_the_columns_of_our_own_export(client, cast, consultation) -> None:
    from tests.consultations.test_staff_responses import respond

    respond(consultation)
    client.force_login(cast.editor)
    export = client.get(reverse("consultations:responses_csv", kwargs={"slug": consultation.slug}))
    headers = parse_csv(b"".join(export.streaming_content)).headers
    questions = list(consultation.questions.order_by("position"))
    targets = dict(zip(headers, guess_targets(headers, questions), strict=True))
    assert targets["Submitted at (UK time)"] == "submitted_at"
    assert targets["Organisation name"] == "organisation_name"
    assert targets["Reference"] == IGNORE
    assert targets["Q4. What should we change?"] == question_target(questions[3])


# Reading values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("organisation_type", "Business", "business"),
        ("organisation_type", "PUBLIC SECTOR", "public-sector"),
        ("organisation_type", "Voluntary, community or civil society", "voluntary"),
        ("organisation_type", "Charity", "voluntary"),
        ("size_band", "Small (10 to 49 people)", "small"),
        ("size_band", "small", "small"),
        ("size_band", "Sole trader", "sole-trader"),
        ("size_band", "250+", "large"),
        ("size_band", "Huge", None),
        ("responding_as", "On behalf of an organisation", "organisation"),
        ("responding_as", "Organization", "organisation"),
        ("responding_as", "individual", "individual"),
        ("sector", "c", "C"),
        ("sector", "Manufacturing", "C"),
        ("sector", "C: Manufacturing", "C"),
        ("sector", "Z", None),
        ("consent", "with-name", "with-name"),
        ("consent", "Publish my response anonymously", "anonymous"),
        ("consent", "Do not publish", "none"),
    ],
)
def test_profile_values_match_labels_or_values_in_any_case(name, value, expected) -> None:
    assert match_profile_choice(name, value) == expected


def test_multiple_choice_cells_split_on_semicolons_or_commas(consultation) -> None:
    multiple = consultation.questions.get(position=2)
    ids = {o.label: str(o.pk) for o in multiple.options.all()}
    assert choice_answer(multiple, "Skills; Finance") == ([ids["Skills"], ids["Finance"]], "")
    assert choice_answer(multiple, "skills,DIGITAL") == ([ids["Skills"], ids["Digital"]], "")
    assert choice_answer(multiple, "Exporting; Other: roads, rail") == (
        [ids["Exporting"], "other"],
        "roads, rail",
    )
    with pytest.raises(ValueError, match="‘Teleporting’ is not an option"):
        choice_answer(multiple, "Skills; Teleporting")


def test_options_containing_commas_are_not_split(consultation) -> None:
    question = services.question_save(
        consultation=consultation,
        kind="multiple",
        text="Who do you work with?",
        options=["Voluntary, community or civil society", "Councils"],
    )
    ids = [str(o.pk) for o in question.options.all()]
    assert choice_answer(question, "Councils, voluntary, community or civil society") == (
        [ids[1], ids[0]],
        "",
    )


def test_dates_are_read_as_uk_time() -> None:
    assert parse_submitted_at("01/07/2024 12:30") == datetime(2024, 7, 1, 11, 30, tzinfo=UTC)
    assert parse_submitted_at("2024-01-15") == datetime(2024, 1, 15, tzinfo=UTC)
    assert parse_submitted_at("2024-07-01T12:30:00+00:00") == datetime(
        2024, 7, 1, 12, 30, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="is not a date"):
        parse_submitted_at("31/02/2019")


# The whole import ----------------------------------------------------------------------------


def test_a_good_file_creates_each_response_marked_with_its_source(
    client, cast, consultation
) -> None:
    client.force_login(cast.editor)
    done = import_file(client, consultation, csv_bytes(*GOOD_ROWS, bom=True))
    assert done.status_code == 302
    assert done["Location"].endswith("?source=import")
    responses = list(Response.objects.order_by("pk"))
    assert len(responses) == 3
    assert {(r.status, r.source, r.source_detail) for r in responses} == {
        ("submitted", "import", SOURCE)
    }
    widgets, individual, council = responses
    assert widgets.organisation_name == "Crewe Widgets"
    assert widgets.respondent_type == "business"
    assert widgets.size_band == "small"
    assert widgets.consent == "with-name"
    assert widgets.email == "boss@crewe.example"
    assert widgets.submitted_at == datetime(2019, 3, 31, 13, 30, tzinfo=UTC)
    assert sorted(a.option.label for a in widgets.answers.filter(option__isnull=False)) == [
        "Agree",
        "Finance",
        "Skills",
        "Yes",
    ]
    assert widgets.answers.get(option__isnull=True).text == "More apprenticeships"
    assert individual.respondent_type == "individual"
    assert individual.answers.get(question__position=2, option__isnull=True).text == "roads, rail"
    assert council.respondent_type == "public-sector"
    assert council.size_band == "large"
    assert council.sector == "O"
    assert council.consent == "none"
    page = client.get(done["Location"])
    assert "3 responses imported from “Paper forms at the Crewe business fair”." in text(page)
    assert text(page).count(SOURCE) >= 3


def test_importing_the_same_file_again_creates_nothing(client, cast, consultation) -> None:
    client.force_login(cast.lead)
    data = csv_bytes(*GOOD_ROWS)
    import_file(client, consultation, data)
    again = import_file(client, consultation, data)
    assert again.status_code == 302
    assert Response.objects.count() == 3
    page = client.get(again["Location"])
    assert "Nothing new was imported" in text(page)


def test_the_check_page_shows_what_will_be_saved_before_anything_is(
    client, cast, consultation
) -> None:
    client.force_login(cast.editor)
    upload(client, consultation, csv_bytes(*GOOD_ROWS))
    match_columns(client, consultation)
    page = client.get(url(consultation, "check"))
    assert page.status_code == 200
    assert "3 responses are ready to import" in text(page)
    assert "Crewe Widgets" in text(page)
    assert "Small (10 to 49 people)" in text(page)
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            with_cell("Do you support our vision?", "Maybe"),
            "Row 2, column ‘Do you support our vision?’: ‘Maybe’ is not an option",
        ),
        (
            with_cell("What would help your business grow?", "Skills; Teleporting", row=1),
            "Row 3, column ‘What would help your business grow?’: ‘Teleporting’ is not an option",
        ),
        (with_cell("Size", "Huge", row=2), "Row 4, column ‘Size’: ‘Huge’ is not a size band"),
        (
            with_cell("Are you responding as", "A robot"),
            "Row 2, column ‘Are you responding as’: ‘A robot’ is not a way of responding",
        ),
        (with_cell("Sector", "Z"), "Row 2, column ‘Sector’: ‘Z’ is not a SIC 2007 section"),
        (
            with_cell("Email address", "not-an-address"),
            "Row 2, column ‘Email address’: ‘not-an-address’ is not an e-mail address",
        ),
        (
            with_cell("Do you support our vision?", "", row=1),
            "Row 3, column ‘Do you support our vision?’: this question must be answered",
        ),
        (
            with_cell("What should we change?", "x" * 1001),
            "Row 2, column ‘What should we change?’: the answer has 1,001 characters; the "
            "question allows at most 1,000",
        ),
        (
            with_cell("Organisation name", "N" * 201),
            "Row 2, column ‘Organisation name’: it has 201 characters; at most 200",
        ),
        (
            with_cell("Timestamp", "31/02/2019"),
            "Row 2, column ‘Timestamp’: ‘31/02/2019’ is not a date",
        ),
        (
            with_cell("Timestamp", "2999-01-01"),
            "Row 2, column ‘Timestamp’: ‘2999-01-01’ is in the future",
        ),
        (
            [*GOOD_ROWS[:2], "2019-03-30,Individual,,,Sole trader,M,CW2,,Anonymously,Yes"],
            "Row 4, column ‘What would help your business grow?’: the row ends before this column",
        ),
        (
            [*GOOD_ROWS[:2], GOOD_ROWS[2] + ",extra,cells"],
            "Row 4: the row has 16 cells but the header row names 14 columns",
        ),
    ],
)
def test_a_bad_row_saves_nothing_and_names_the_row_and_column(
    client, cast, consultation, rows, expected
) -> None:
    client.force_login(cast.editor)
    answer = import_file(client, consultation, csv_bytes(*rows))
    assert answer.status_code == 400
    assert expected in text(answer)
    assert "Nothing was imported: 1 problem to fix" in text(answer)
    assert not Response.objects.exists()


def test_every_problem_is_counted_and_the_first_hundred_listed(client, cast, consultation) -> None:
    bad = with_cell("Size", "Huge")[0]
    client.force_login(cast.editor)
    answer = import_file(client, consultation, csv_bytes(*[bad] * 150))
    page = text(answer)
    assert "Nothing was imported: 150 problems to fix" in page
    assert page.count("is not a size band") == 100
    assert "Row 101, column ‘Size’" in page
    assert "Row 102, column ‘Size’" not in page
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        ("Size,Sector\nPetit café,C\n".encode("cp1252"), "The file is not UTF-8 text"),
        (HEADER.encode(), "The file has a header row but no responses under it."),
    ],
)
def test_an_unreadable_file_is_refused_at_upload(client, cast, consultation, data, message) -> None:
    client.force_login(cast.editor)
    answer = upload(client, consultation, data)
    assert answer.status_code == 400
    assert message in text(answer)
    assert "There is a problem" in text(answer)
    assert client.get(url(consultation, "columns")).status_code == 302  # nothing kept
    assert not Response.objects.exists()


def test_a_file_over_5_mb_is_refused(client, cast, consultation) -> None:
    client.force_login(cast.editor)
    data = csv_bytes(*GOOD_ROWS) + b"x" * (5 * 1024 * 1024)
    answer = upload(client, consultation, data)
    assert answer.status_code == 400
    assert "The file must be 5 MB or smaller." in text(answer)


def test_a_file_with_too_many_rows_is_refused_before_anything_else(
    client, cast, consultation
) -> None:
    client.force_login(cast.editor)
    answer = upload(client, consultation, csv_bytes(*[GOOD_ROWS[0]] * (imports.MAX_ROWS + 1)))
    assert answer.status_code == 400
    assert "The file has 2,001 rows of responses; import at most 2,000 at a time." in text(answer)


def test_upload_needs_a_source_name(client, cast, consultation) -> None:
    client.force_login(cast.editor)
    answer = upload(client, consultation, csv_bytes(*GOOD_ROWS), source="")
    assert answer.status_code == 400
    assert "Enter where the responses come from" in text(answer)


def test_a_required_question_with_no_column_is_refused_when_matching(
    client, cast, consultation
) -> None:
    client.force_login(cast.editor)
    upload(client, consultation, csv_bytes(*GOOD_ROWS))
    answer = match_columns(client, consultation, {9: IGNORE})
    assert answer.status_code == 400
    assert (
        "No column is matched to question 1, ‘Do you support our vision?’, which must be "
        "answered" in text(answer)
    )
    assert client.get(url(consultation, "check")).status_code == 302  # back to matching
    assert not Response.objects.exists()


def test_a_target_matched_twice_is_refused_on_the_second_column(client, cast, consultation) -> None:
    client.force_login(cast.editor)
    upload(client, consultation, csv_bytes(*GOOD_ROWS))
    answer = match_columns(client, consultation, {13: "size_band"})
    assert answer.status_code == 400
    assert "Column 14: Size band is already matched to column ‘Size’" in text(answer)


def test_the_matching_page_shows_the_files_text_escaped(client, cast, consultation) -> None:
    client.force_login(cast.editor)
    data = csv_bytes("<b>bold</b>,x", header="Do you support our vision?,<script>alert(1)</script>")
    upload(client, consultation, data)
    page = text(client.get(url(consultation, "columns")))
    assert "<script>alert(1)" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "For example: &lt;b&gt;bold&lt;/b&gt;" in page


def test_one_failing_row_rolls_back_the_rows_before_it(
    client, cast, consultation, monkeypatch
) -> None:
    real = services.response_create_complete
    calls = []

    def fail_on_third(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise ApplicationError("The database refused it.")
        return real(**kwargs)

    monkeypatch.setattr(imports.services, "response_create_complete", fail_on_third)
    client.force_login(cast.editor)
    answer = import_file(client, consultation, csv_bytes(*GOOD_ROWS))
    assert answer.status_code == 400
    assert "Row 4: The database refused it." in text(answer)
    assert len(calls) == 3
    assert not Response.objects.exists()


def test_a_kept_upload_changed_on_disk_is_not_trusted(
    client, cast, consultation, media: Path
) -> None:
    client.force_login(cast.editor)
    upload(client, consultation, csv_bytes(*GOOD_ROWS))
    match_columns(client, consultation)
    [kept] = (media / "consultation-imports").glob("*.csv")
    kept.write_bytes(csv_bytes(GOOD_ROWS[0].replace("Crewe Widgets", "Forged Ltd")))
    answer = client.post(url(consultation, "check"))
    assert answer.status_code == 302
    assert answer["Location"] == url(consultation)
    assert not Response.objects.exists()


def test_the_kept_file_is_deleted_once_imported(client, cast, consultation, media: Path) -> None:
    client.force_login(cast.editor)
    import_file(client, consultation, csv_bytes(*GOOD_ROWS))
    assert list((media / "consultation-imports").glob("*.csv")) == []
    assert client.get(url(consultation, "check")).status_code == 302


def test_validate_rows_is_usable_without_a_request(consultation) -> None:
    questions = list(consultation.questions.order_by("position").prefetch_related("options"))
    parsed = parse_csv(csv_bytes(*GOOD_ROWS))
    rows = imports.validate_rows(parsed, guess_targets(parsed.headers, questions), questions)
    assert [row.row_number for row in rows] == [2, 3, 4]
    assert rows[1].profile == {
        "responding_as": "individual",
        "size_band": "sole-trader",
        "sector": "M",
        "location": "CW2",
        "consent": "anonymous",
    }
