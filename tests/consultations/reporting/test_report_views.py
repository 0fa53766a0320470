"""The report pages: who may read, start, review and publish; the progress and its status;
downloads; the “You said, we did” form; and the public outcome page."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse

from consultations.models import Compilation, Consultation, OutcomeRow, Question, ThemeEdit
from consultations.reporting import compile as engine
from tests.consultations.reporting.test_compile import close, fill

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "respondent",
    "other_member",
    "moderator",
    "site_moderator",
    "viewer",
    "editor",
    "lead",
    "admin",
]
CAN_READ = {"viewer", "editor", "lead", "admin"}
CAN_MANAGE = {"editor", "lead", "admin"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def filled(consultation: Consultation) -> Consultation:
    fill(consultation)
    return consultation


@pytest.fixture
def compiled(filled: Consultation, cast: Any) -> Compilation:
    with TestCase.captureOnCommitCallbacks(execute=True):
        compilation = engine.compilation_start(consultation=filled, user=cast.editor)
    compilation.refresh_from_db()
    assert compilation.status == Compilation.Status.SUCCEEDED, compilation.error
    return compilation


def login(client: Any, cast: Any, role: str) -> None:
    user = getattr(cast, role)
    if user is not None:
        client.force_login(user)


def url(name: str, consultation: Consultation, **kwargs: Any) -> str:
    return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})


def free_text_question(consultation: Consultation) -> Question:
    return Question.objects.get(consultation=consultation, kind=Question.Kind.FREE_TEXT)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_organisations_staff_read_the_report(
    client: Any, cast: Any, compiled: Compilation, role: str
) -> None:
    consultation = compiled.consultation
    login(client, cast, role)

    page = client.get(url("report", consultation))
    status = client.get(url("report_status", consultation, pk=compiled.pk))
    progress = client.get(url("report_compilation", consultation, pk=compiled.pk))
    download = client.get(url("report_download", consultation, pk=compiled.pk, fmt="xlsx"))

    expected = 200 if role in CAN_READ else 404
    assert [page.status_code, status.status_code, progress.status_code] == [expected] * 3
    assert download.status_code == expected
    if role in CAN_READ:
        assert b"Consultation report" in page.content
        assert status.json()["status"] == "succeeded"
        assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_organisations_editors_and_leads_start_and_review(
    client: Any, cast: Any, compiled: Compilation, role: str
) -> None:
    consultation = compiled.consultation
    question = free_text_question(consultation)
    theme = compiled.result["free_text"][0]["themes"][0]
    login(client, cast, role)

    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post(url("report_start", consultation))
    review = client.get(url("report_themes", consultation, question_pk=question.pk))
    rename = client.post(
        url("report_themes", consultation, question_pk=question.pk),
        {"theme": theme["key"], "action": "rename", "label": "Renamed by " + role},
    )
    table = client.get(url("report_you_said", consultation))
    publish = client.post(url("report_publish", consultation), {"compilation": compiled.pk})

    if role in CAN_MANAGE:
        assert started.status_code == 302
        assert [review.status_code, rename.status_code, table.status_code] == [200, 302, 200]
        assert ThemeEdit.objects.get(theme_key=theme["key"]).label == "Renamed by " + role
        assert publish.status_code == 409, "still open"
    else:
        assert [started.status_code, review.status_code, rename.status_code] == [404] * 3
        assert [table.status_code, publish.status_code] == [404, 404]
        assert not ThemeEdit.objects.exists()


def test_the_report_page_shows_the_tables_themes_and_links(
    client: Any, cast: Any, compiled: Compilation
) -> None:
    consultation = compiled.consultation
    client.force_login(cast.viewer)

    html = client.get(url("report", consultation)).content.decode()

    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "Do you support our vision?" in html
    for theme in compiled.result["free_text"][0]["themes"]:
        assert theme["label"] in html
    compare = reverse(
        "strategies:version_compare",
        kwargs={"org": consultation.strategy.organisation.slug, "slug": consultation.strategy.slug},
    )
    assert f"{compare}?from={consultation.version.number}&amp;to={compiled.version.number}" in html
    # Nothing a Content Security Policy without 'unsafe-inline' would block.
    assert " style=" not in html and " onclick=" not in html
    # A viewer reads; only editors and leads see the buttons.
    assert "Compile draft report" not in html and "Review the themes" not in html


def test_the_comparison_shows_what_the_compilation_changed(
    client: Any, cast: Any, compiled: Compilation
) -> None:
    consultation = compiled.consultation
    strategy = consultation.strategy
    client.force_login(cast.editor)

    compare = client.get(
        reverse(
            "strategies:version_compare",
            kwargs={"org": strategy.organisation.slug, "slug": strategy.slug},
        ),
        {"from": consultation.version.number, "to": compiled.version.number},
    )

    assert compare.status_code == 200
    assert b"What we heard" in compare.content
    assert b"We received 30 responses" in compare.content


def test_starting_shows_the_progress_page_and_nothing_changed_shows_the_report(
    client: Any, cast: Any, filled: Consultation
) -> None:
    client.force_login(cast.editor)

    with TestCase.captureOnCommitCallbacks(execute=True):
        first = client.post(url("report_start", filled))
    compilation = filled.compilations.get()
    assert first.url == url("report_compilation", filled, pk=compilation.pk)
    progress = client.get(first.url).content.decode()
    assert "The report is ready" in progress
    assert '<progress id="compile-progress-bar"' in progress and 'value="100"' in progress
    assert "compile-progress.js" in progress

    with TestCase.captureOnCommitCallbacks(execute=True):
        again = client.post(url("report_start", filled))
    assert again.url == url("report", filled)
    assert filled.compilations.count() == 1


def test_a_running_compilation_offers_a_refresh_link_and_a_failed_one_try_again(
    client: Any, cast: Any, filled: Consultation
) -> None:
    client.force_login(cast.editor)
    running = Compilation.objects.create(
        consultation=filled, status=Compilation.Status.RUNNING, progress=40, stage="Reading"
    )
    html = client.get(url("report_compilation", filled, pk=running.pk)).content.decode()
    assert "40% done: Reading." in html and ">Refresh<" in html
    assert client.get(url("report_status", filled, pk=running.pk)).json() == {
        "status": "running",
        "status_label": "Compiling",
        "progress": 40,
        "stage": "Reading",
        "error": "",
        "finished": False,
        "report_url": url("report", filled),
    }

    Compilation.objects.filter(pk=running.pk).update(
        status=Compilation.Status.FAILED, error="The database could not be reached."
    )
    html = client.get(url("report_compilation", filled, pk=running.pk)).content.decode()
    assert "The database could not be reached." in html
    assert "Try again" in html


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_queue_is_explained_with_a_503(
    client: Any, cast: Any, filled: Consultation, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Outside a test transaction (as in production) the task is sent inside the request.
    from kombu.exceptions import OperationalError

    from consultations.reporting import tasks

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.run_compilation, "delay", unreachable)
    client.force_login(cast.editor)

    response = client.post(url("report_start", filled))

    assert response.status_code == 503
    assert b"The task queue is not reachable right now: try again in a few minutes." in (
        response.content
    )


def test_renaming_with_no_name_is_refused_with_a_message(
    client: Any, cast: Any, compiled: Compilation
) -> None:
    consultation = compiled.consultation
    question = free_text_question(consultation)
    theme = compiled.result["free_text"][0]["themes"][0]
    client.force_login(cast.editor)

    response = client.post(
        url("report_themes", consultation, question_pk=question.pk),
        {"theme": theme["key"], "action": "rename", "label": "   "},
    )

    assert response.status_code == 400
    assert b"Enter a new name for the theme." in response.content
    assert not ThemeEdit.objects.exists()


def test_the_you_said_we_did_form_saves_what_staff_wrote(
    client: Any, cast: Any, compiled: Compilation
) -> None:
    consultation = compiled.consultation
    rows = compiled.result["you_said_we_did"]
    client.force_login(cast.lead)
    data = {}
    for index, row in enumerate(rows):
        data |= {
            f"key_{index}": row["key"],
            f"you_said_{index}": row["you_said"],
            f"we_did_{index}": "",
        }
    data["we_did_0"] = "We added a priority on digital connectivity."

    saved = client.post(url("report_you_said", consultation), data)
    empty = client.post(url("report_you_said", consultation), {**data, "you_said_0": ""})

    assert saved.status_code == 302
    assert OutcomeRow.objects.get(key=rows[0]["key"]).we_did == (
        "We added a priority on digital connectivity."
    )
    assert OutcomeRow.objects.count() == 1, "unchanged rows are not stored"
    assert empty.status_code == 400
    assert "Say what people said about" in empty.content.decode()
    report = client.get(url("report", consultation)).content.decode()
    assert "We added a priority on digital connectivity." in report


def test_the_outcome_page_is_public_only_once_published_and_holds_no_personal_data(
    client: Any, cast: Any, filled: Consultation
) -> None:
    outcome = url("outcome", filled)
    client.force_login(cast.editor)
    assert client.get(outcome).status_code == 404

    close(filled)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url("report_start", filled), {"final": "on"})
    final = filled.compilations.get()
    assert final.is_final and final.status == Compilation.Status.SUCCEEDED
    assert client.get(outcome).status_code == 404, "closed but not yet published"
    published = client.post(url("report_publish", filled), {"compilation": final.pk})
    assert published.url == outcome

    client.logout()
    page = client.get(outcome)
    assert page.status_code == 200
    html = page.content.decode()
    assert "You said, we did" in html and "We asked" in html
    for personal in ("Crewe Widgets", "Jo Bloggs", "boss@crewe.example", "jo@example.com"):
        assert personal not in html
    assert "read the response" not in html, "no links into the staff pages"
    spreadsheet = client.get(url("outcome_download", filled, fmt="xlsx"))
    assert spreadsheet.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(spreadsheet.streaming_content)))
    assert "Themes" in workbook.sheetnames
    # The staff pages stay private.
    assert client.get(url("report", filled)).status_code == 404
    assert client.get(url("outcome_download", filled, fmt="exe")).status_code == 404
