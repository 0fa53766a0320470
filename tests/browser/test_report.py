"""Compiling a consultation's report in a real browser: an editor compiles a draft report and
sees its progress, reads the report, renames a theme and compiles again, downloads the data,
opens the comparison with the consulted version, then — once the consultation has closed —
compiles the final report and publishes the outcome, which an anonymous visitor can read.
The progress, review, report and outcome pages are checked with axe."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations import services
from consultations.models import Compilation, Consultation, Question
from consultations.reporting import compile as engine
from strategies import services as strategy_services
from tests.browser.conftest import PageProbe, assert_accessible, sign_in
from tests.consultations.conftest import make_consultation
from tests.consultations.reporting.test_compile import fill
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def consultation(cast: Any) -> Consultation:
    strategy = strategy_services.strategy_create(
        organisation=cast.organisation, title="Local Industrial Strategy", author=cast.editor
    )
    for section in strategy.sections.all()[:3]:
        strategy_services.section_revise(
            section=section,
            title=section.title,
            body=f"What we plan for **{section.title}**.",
            author=cast.editor,
            base_revision=None,
        )
    version = strategy_services.version_create(
        strategy=strategy, label="Draft for consultation", author=cast.editor
    )
    consultation = make_consultation(strategy, version, cast.editor)
    sections = list(version.sections.order_by("position"))
    for kind, text, options, section in (
        (Question.Kind.SINGLE, "Do you support our vision?", ["Yes", "No", "Not sure"], 0),
        (
            Question.Kind.MULTIPLE,
            "What would help your business grow?",
            ["Skills", "Premises", "Finance", "Digital", "Exporting"],
            None,
        ),
        (Question.Kind.SCALE, "Our priorities are the right ones.", [], 1),
        (Question.Kind.FREE_TEXT, "What should we change?", [], None),
    ):
        services.question_save(
            consultation=consultation,
            kind=kind,
            text=text,
            options=options,
            hint="Up to 1,000 characters." if kind == Question.Kind.FREE_TEXT else "",
            max_length=1000,
            section_id=sections[section].pk if section is not None else None,
        )
    fill(consultation, 30)
    return consultation


def compile_and_open_report(page: Any, button: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", name="The report is ready")).to_be_visible()
    expect(page.locator("#compile-progress-bar")).to_have_attribute("value", "100")
    expect(page.get_by_role("status")).to_contain_text("100% done")


def test_editor_compiles_reviews_downloads_and_publishes_the_outcome(
    page: Any, browser: Any, live_server: Any, cast: Any, consultation: Consultation
) -> None:
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(f"/consultations/{consultation.slug}/report/")
    expect(page.get_by_text("No report has been compiled yet.")).to_be_visible()

    compile_and_open_report(page, "Compile draft report")
    assert_accessible(page)

    page.get_by_role("link", name="Read the report").click()
    expect(page.get_by_role("heading", name="The draft report", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Answers to question 1")).to_be_visible()
    first = Compilation.objects.get(consultation=consultation)
    theme = first.result["free_text"][0]["themes"][0]
    expect(page.get_by_role("rowheader", name=theme["label"], exact=True)).to_be_visible()
    assert_accessible(page)

    # Review the themes: rename the first one, then compile again with the reviewed set.
    page.get_by_role("link", name="Review the themes of question 4").first.click()
    expect(page.get_by_role("heading", name="Review the themes of question 4")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(f"New name for “{theme['label']}”").fill("Faster broadband")
    page.get_by_role("button", name=f"Rename “{theme['label']}”").click()
    expect(page.get_by_text("The theme will be called “Faster broadband”.")).to_be_visible()
    expect(page.get_by_text("It will be renamed “Faster broadband”")).to_be_visible()
    assert_accessible(page)

    compile_and_open_report(page, "Compile again")
    page.get_by_role("link", name="Read the report").click()
    renamed = page.get_by_role("rowheader", name="Faster broadband Edited")
    expect(renamed).to_be_visible()
    expect(renamed.locator(".govuk-tag")).to_have_text("Edited")
    expect(page.get_by_text(f"“{theme['label']}” was renamed “Faster broadband”")).to_be_visible()

    # The data behind the tables.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the data as XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    themes = list(workbook["Themes"].iter_rows(values_only=True))
    assert themes[0][:2] == ("Question", "Theme")
    assert any(row[1] == "Faster broadband" and row[2] == "Yes" for row in themes[1:])

    # What the compiled version changed in the strategy.
    page.get_by_role("link", name="Compare it with the version consulted on").click()
    expect(page.get_by_text("What we heard").first).to_be_visible()
    expect(page.get_by_text("We received 30 responses").first).to_be_visible()

    # The consultation closes; the final report is compiled and published.
    services.consultation_update(
        consultation=consultation,
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    page.goto(f"/consultations/{consultation.slug}/report/")
    compile_and_open_report(page, "Compile final report")
    page.get_by_role("link", name="Read the report").click()
    expect(page.get_by_role("heading", name="The final report", exact=True)).to_be_visible()
    page.get_by_role("button", name="Publish outcome").click()
    expect(page.get_by_text("The outcome is published.")).to_be_visible()
    expect(page.get_by_role("heading", name=consultation.title, level=1)).to_be_visible()

    # Anyone can read the outcome now.
    visitor = browser.new_context(base_url=live_server.url)
    public = visitor.new_page()
    public.probe = PageProbe(public)
    public.goto(f"/consultations/{consultation.slug}/outcome/")
    expect(public.get_by_role("heading", name="You said, we did")).to_be_visible()
    expect(public.get_by_role("rowheader", name="Faster broadband Edited")).to_be_visible()
    assert public.get_by_text("Crewe Widgets Ltd").count() == 0
    assert_accessible(public)
    visitor.close()


def test_the_progress_page_follows_a_running_compilation_and_opens_the_report(
    page: Any, cast: Any, consultation: Consultation
) -> None:
    finished = Compilation.objects.create(consultation=consultation, input_hash="old")
    assert engine.compilation_run(compilation_id=finished.pk)
    finished.refresh_from_db()
    running = Compilation.objects.create(
        consultation=consultation,
        status=Compilation.Status.RUNNING,
        progress=40,
        stage="Reading the answers",
        created_by=cast.editor,
    )
    sign_in(page, cast.viewer.email, TEST_PASSWORD)
    page.goto(f"/consultations/{consultation.slug}/report/compilations/{running.pk}/")
    status = page.get_by_role("status")
    expect(status).to_have_text("40% done: Reading the answers.")
    expect(page.get_by_role("link", name="Refresh the progress")).to_be_visible()
    assert_accessible(page)

    Compilation.objects.filter(pk=running.pk).update(progress=70, stage="Finding themes")
    expect(status).to_have_text("70% done: Finding themes.", timeout=10_000)
    expect(page.locator("#compile-progress-bar")).to_have_attribute("value", "70")

    Compilation.objects.filter(pk=running.pk).update(
        status=Compilation.Status.SUCCEEDED,
        progress=100,
        result=finished.result,
        finished_at=timezone.now(),
        version=finished.version,
    )
    page.wait_for_url(f"**/consultations/{consultation.slug}/report/", timeout=10_000)
    expect(page.get_by_role("heading", name="Consultation report")).to_be_visible()
    assert page.probe.console_errors == []
