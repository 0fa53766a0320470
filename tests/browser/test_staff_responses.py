"""An editor reads, filters, searches and downloads responses, and imports more, in a real
browser; every page is checked with axe-core."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from consultations import services
from consultations.models import Consultation, Question
from strategies import services as strategy_services
from tests.browser.conftest import assert_accessible, sign_in
from tests.consultations.conftest import make_consultation
from tests.consultations.test_imports import GOOD_ROWS, csv_bytes
from tests.consultations.test_staff_responses import INDIVIDUAL, ORGANISATION, respond
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def consultation(cast: Any) -> Consultation:
    strategy = strategy_services.strategy_create(
        organisation=cast.organisation, title="Local Industrial Strategy", author=cast.editor
    )
    version = strategy_services.version_create(
        strategy=strategy, label="Draft for consultation", author=cast.editor
    )
    consultation = make_consultation(strategy, version, cast.editor)
    for kind, text, options in (
        (Question.Kind.SINGLE, "Do you support our vision?", ["Yes", "No", "Not sure"]),
        (
            Question.Kind.MULTIPLE,
            "What would help your business grow?",
            ["Skills", "Premises", "Finance", "Digital", "Exporting"],
        ),
        (Question.Kind.SCALE, "Our priorities are the right ones.", []),
        (Question.Kind.FREE_TEXT, "What should we change?", []),
    ):
        services.question_save(
            consultation=consultation,
            kind=kind,
            text=text,
            options=options,
            required=kind == Question.Kind.SINGLE,
            allow_other=kind == Question.Kind.MULTIPLE,
            hint="Up to 1,000 characters." if kind == Question.Kind.FREE_TEXT else "",
            max_length=1000,
        )
    respond(
        consultation,
        profile={**ORGANISATION, "organisation_name": "Crewe Widgets Ltd"},
        helps=("Skills",),
        change="Faster broadband on the business park.",
    )
    respond(
        consultation,
        profile={**ORGANISATION, "organisation_name": "Nantwich Cheese", "size_band": "micro"},
        change="Help with exporting, please.",
    )
    respond(consultation, profile=INDIVIDUAL, change="More apprenticeships.")
    return consultation


def test_editor_filters_searches_reads_and_downloads_responses(
    page: Any, cast: Any, consultation: Consultation
) -> None:
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(f"/consultations/{consultation.slug}/responses/")
    assert page.get_by_role("heading", name="Responses", exact=True).is_visible()
    assert_accessible(page)

    page.get_by_label("Size band").select_option(label="Micro (1 to 9 people)")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_role("heading", name="1 response matches").is_visible()
    assert page.get_by_text("Nantwich Cheese").is_visible()
    assert page.get_by_text("Crewe Widgets Ltd").count() == 0
    assert_accessible(page)

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Search answers and organisation names").fill("broadband")
    page.get_by_role("button", name="Apply filters").click()
    assert page.get_by_role("heading", name="1 response matches").is_visible()
    page.locator("table.portal-responses tbody a").first.click()
    assert page.get_by_role("heading", name="About the respondent").is_visible()
    assert page.get_by_text("Faster broadband on the business park.").is_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Reference"
    assert len(rows) == 4
    names = {row[5] for row in rows[1:]}
    assert names == {"Crewe Widgets Ltd", "Nantwich Cheese", None}


def test_editor_imports_a_file_through_accessible_steps(
    page: Any, cast: Any, consultation: Consultation, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(f"/consultations/{consultation.slug}/responses/")
    page.get_by_role("link", name="Import responses").click()
    assert_accessible(page)

    page.get_by_role("button", name="Upload and continue").click()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    page.get_by_label("Where the responses come from").fill("Paper forms at the Crewe fair")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "export.csv", "mimeType": "text/csv", "buffer": csv_bytes(*GOOD_ROWS)}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    assert page.get_by_role("heading", name="Match the columns").is_visible()
    assert page.get_by_label("Column 5: Size").input_value() == "size_band"
    assert_accessible(page)

    # Matching a field twice is refused with an accessible error.
    page.get_by_label("Column 14: Internal ID").select_option("size_band")
    page.get_by_role("button", name="Check every row").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Column 14: Internal ID").select_option("ignore")
    page.get_by_role("button", name="Check every row").click()

    assert page.get_by_text("3 responses are ready to import").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 3 responses").click()
    assert page.get_by_text("3 responses imported from").is_visible()
    assert page.get_by_role("heading", name="3 responses match").is_visible()
    assert_accessible(page)


def test_a_file_with_bad_rows_shows_every_problem_accessibly(
    page: Any, cast: Any, consultation: Consultation, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(f"/consultations/{consultation.slug}/responses/import/")
    bad = [GOOD_ROWS[0].replace("Small (10 to 49 people)", "Huge"), GOOD_ROWS[1]]
    page.get_by_label("Where the responses come from").fill("Chamber survey")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": csv_bytes(*bad)}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("button", name="Check every row").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_text("Row 2, column ‘Size’: ‘Huge’ is not a size band").is_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)
