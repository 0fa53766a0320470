from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from consultations import abuse
from consultations.models import Consultation, Question, Response

pytestmark = pytest.mark.django_db

PROFILE_POST = {
    "responding_as": "organisation",
    "organisation_name": "Crewe Widgets Ltd",
    "organisation_type": "business",
    "size_band": "small",
    "sector": "C",
    "location": "CW1 2AB",
    "consent": "anonymous",
    "email": "owner@crewe.example",
    "respondent_name": "",
    "website": "",
}


@pytest.fixture(autouse=True)
def no_minimum_time(settings):
    settings.CONSULTATION_MIN_SECONDS_ON_PAGE = 0


def url(name, consultation, **kwargs):
    return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})


def start(client, consultation):
    return client.post(
        url("respond_profile", consultation), {**PROFILE_POST, "started": abuse.started_token()}
    )


def page_posts(consultation):
    questions = list(consultation.questions.prefetch_related("options"))
    single, multiple, scale, free = questions
    return {
        single.pk: {f"q{single.pk}": str(single.options.first().pk)},
        multiple.pk: {
            f"q{multiple.pk}": [str(multiple.options.first().pk), "other"],
            f"q{multiple.pk}_other": "Broadband",
        },
        scale.pk: {f"q{scale.pk}": str(scale.options.first().pk)},
        free.pk: {f"q{free.pk}": "More apprenticeships, please."},
    }


def answer_everything(client, consultation):
    from consultations.selectors_public import question_pages

    posts = page_posts(consultation)
    for page in question_pages(consultation):
        data = {}
        for question in page.questions:
            data.update(posts[question.pk])
        response = client.post(url("respond_questions", consultation, page=page.number), data)
        assert response.status_code == 302, response.content.decode()[:3000]


def test_anonymous_respondent_completes_the_form_and_gets_a_reference_and_receipt(
    client, consultation, django_capture_on_commit_callbacks
) -> None:
    assert client.get(url("respond", consultation)).status_code == 302
    response = start(client, consultation)
    assert response.status_code == 302
    draft = Response.objects.get()
    assert draft.location == "CW1"  # only the first half of a postcode is kept
    answer_everything(client, consultation)
    check = client.get(url("respond_check", consultation))
    assert "Check your answers" in check.content.decode()
    assert "Broadband" in check.content.decode()
    # The receipt is sent by a task queued once the submission has committed.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submitted = client.post(
            url("respond_check", consultation), {"submission_key": str(draft.submission_key)}
        )
    assert submitted.status_code == 302
    assert len(callbacks) == 1
    draft.refresh_from_db()
    assert draft.status == "submitted"
    done = client.get(submitted["Location"])
    assert draft.reference in done.content.decode()
    assert re.fullmatch(r"CW-\d{4}-\d{6}", draft.reference)
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert draft.reference in receipt.subject
    assert "More apprenticeships, please." in receipt.body
    # A double submit gives the same confirmation and makes no second response.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.post(
            url("respond_check", consultation), {"submission_key": str(draft.submission_key)}
        )
    assert callbacks == []
    assert again["Location"] == submitted["Location"]
    assert Response.objects.filter(status="submitted").count() == 1
    assert len(mail.outbox) == 1


def test_validation_error_keeps_what_was_typed(client, consultation) -> None:
    start(client, consultation)
    free = consultation.questions.get(kind=Question.Kind.FREE_TEXT)
    from consultations.selectors_public import question_pages

    page = next(p for p in question_pages(consultation) if free in p.questions)
    too_long = "My long answer. " * 100
    data = {f"q{free.pk}": too_long}
    for question in page.questions:
        if question.required and question != free:
            data[f"q{question.pk}"] = str(question.options.first().pk)
    response = client.post(url("respond_questions", consultation, page=page.number), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "1,000 characters or fewer" in body
    assert "My long answer. My long answer." in body


def test_required_question_left_blank_is_explained(client, consultation) -> None:
    start(client, consultation)
    response = client.post(url("respond_questions", consultation, page=1), {})
    assert response.status_code == 200
    assert "Choose an answer." in response.content.decode()


def test_profile_errors_keep_input_and_save_nothing(client, consultation) -> None:
    data = {**PROFILE_POST, "organisation_name": "", "started": abuse.started_token()}
    response = client.post(url("respond_profile", consultation), data)
    assert response.status_code == 200
    assert "Enter the name of your organisation." in response.content.decode()
    assert 'value="owner@crewe.example"' in response.content.decode()
    assert not Response.objects.exists()


def test_honeypot_and_speed_checks_stop_bots(client, consultation, settings) -> None:
    response = client.post(
        url("respond_profile", consultation),
        {**PROFILE_POST, "website": "http://spam", "started": abuse.started_token()},
    )
    assert "could not be saved" in response.content.decode()
    settings.CONSULTATION_MIN_SECONDS_ON_PAGE = 60
    response = client.post(
        url("respond_profile", consultation), {**PROFILE_POST, "started": abuse.started_token()}
    )
    assert "quicker than we expected" in response.content.decode()
    response = client.post(
        url("respond_profile", consultation), {**PROFILE_POST, "started": "forged"}
    )
    assert "quicker than we expected" in response.content.decode()
    assert not Response.objects.exists()


def test_anonymous_starts_are_rate_limited_per_address(client, consultation, settings) -> None:
    settings.CONSULTATION_ANONYMOUS_STARTS_PER_HOUR = 2
    from django.core.cache import cache

    cache.clear()
    for _ in range(2):
        client.cookies.clear()
        assert start(client, consultation).status_code == 302
    client.cookies.clear()
    response = start(client, consultation)
    assert "Too many responses" in response.content.decode()
    assert Response.objects.count() == 2


def test_consultation_without_anonymous_responses_asks_to_sign_in(
    client, consultation, cast
) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(allow_anonymous=False)
    response = client.get(url("respond_profile", consultation))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(cast.respondent)
    assert client.get(url("respond_profile", consultation)).status_code == 200


def test_closed_consultation_refuses_every_write_with_the_closing_date(
    client, consultation
) -> None:
    start(client, consultation)
    draft = Response.objects.get()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1)
    )
    for name, kwargs in (
        ("respond", {}),
        ("respond_profile", {}),
        ("respond_questions", {"page": 1}),
        ("respond_save", {}),
    ):
        response = client.get(url(name, consultation, **kwargs))
        assert response.status_code == 409, name
        assert "This consultation closed on" in response.content.decode()
    response = client.post(
        url("respond_check", consultation), {"submission_key": str(draft.submission_key)}
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == "draft"
    detail = client.get(consultation.get_absolute_url()) if False else None
    assert detail is None


def test_upcoming_consultation_is_hidden_from_the_public(client, consultation, cast) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() + timedelta(days=2)
    )
    assert client.get(url("respond_profile", consultation)).status_code == 404
    client.force_login(cast.editor)
    response = client.get(url("respond_profile", consultation))
    assert response.status_code == 409
    assert "This consultation opens on" in response.content.decode()


def test_save_and_return_link_brings_the_answers_back(
    client, consultation, django_capture_on_commit_callbacks
) -> None:
    start(client, consultation)
    single = consultation.questions.get(kind=Question.Kind.SINGLE)
    client.post(
        url("respond_questions", consultation, page=1),
        {f"q{single.pk}": str(single.options.last().pk), "save_for_later": "1"},
    )
    response = client.post(url("respond_save", consultation), {"email": "later@example.com"})
    assert "Your answers are saved" in response.content.decode()
    link = re.search(r"http://testserver(\S+/resume/\S+/)", mail.outbox[0].body).group(1)
    other_browser = client.__class__()
    resumed = other_browser.get(link)
    assert resumed.status_code == 302
    page = other_browser.get(url("respond_questions", consultation, page=1)).content.decode()
    assert (
        f'value="{single.options.last().pk}"\n' in page
        or f'value="{single.options.last().pk}"' in page
    )
    assert "checked" in page


def test_tampered_or_foreign_resume_tokens_are_refused(client, consultation) -> None:
    start(client, consultation)
    draft = Response.objects.get()
    good = signing.dumps(
        {"r": draft.pk, "k": str(draft.submission_key)}, salt="consultations.resume"
    )
    assert client.get(url("respond_resume", consultation, token=good + "x")).status_code == 400
    wrong_purpose = signing.dumps({"r": draft.pk, "k": str(draft.submission_key)}, salt="other")
    assert client.get(url("respond_resume", consultation, token=wrong_purpose)).status_code == 400
    wrong_key = signing.dumps(
        {"r": draft.pk, "k": "00000000-0000-0000-0000-000000000000"}, salt="consultations.resume"
    )
    assert client.get(url("respond_resume", consultation, token=wrong_key)).status_code == 400


def test_resume_link_stops_working_at_closing(client, consultation) -> None:
    start(client, consultation)
    draft = Response.objects.get()
    token = signing.dumps(
        {"r": draft.pk, "k": str(draft.submission_key)}, salt="consultations.resume"
    )
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - timedelta(days=20),
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    response = client.get(url("respond_resume", consultation, token=token))
    assert response.status_code == 409
    assert "This consultation closed on" in response.content.decode()


def test_registered_respondent_sees_changes_and_withdraws(client, consultation, cast) -> None:
    client.force_login(cast.respondent)
    start(client, consultation)
    answer_everything(client, consultation)
    draft = Response.objects.get(respondent=cast.respondent)
    client.post(url("respond_check", consultation), {"submission_key": str(draft.submission_key)})
    mine = client.get(url("my_response", consultation))
    assert (
        draft.reference in mine.content.decode()
        or Response.objects.get().reference in mine.content.decode()
    )
    # Changing an answer while open edits the one response.
    free = consultation.questions.get(kind=Question.Kind.FREE_TEXT)
    from consultations.selectors_public import question_pages

    page = next(p for p in question_pages(consultation) if free in p.questions)
    data = {f"q{free.pk}": "Changed my mind: more premises."}
    assert (
        client.post(url("respond_questions", consultation, page=page.number), data).status_code
        == 302
    )
    assert Response.objects.count() == 1
    assert (
        Response.objects.get().answers.get(question=free).text == "Changed my mind: more premises."
    )
    confirm = client.get(url("my_response_withdraw", consultation)).content.decode()
    assert "Are you sure you want to withdraw your response?" in confirm
    assert Response.objects.get().status == "submitted"
    client.post(url("my_response_withdraw", consultation))
    assert Response.objects.get().status == "withdrawn"


def test_someone_elses_confirmation_page_is_not_shown(client, consultation) -> None:
    start(client, consultation)
    answer_everything(client, consultation)
    draft = Response.objects.get()
    client.post(url("respond_check", consultation), {"submission_key": str(draft.submission_key)})
    draft.refresh_from_db()
    stranger = client.__class__()
    assert (
        stranger.get(url("respond_done", consultation, reference=draft.reference)).status_code
        == 404
    )
    assert (
        stranger.post(
            url("respond_check", consultation), {"submission_key": str(draft.submission_key)}
        ).status_code
        == 404
    )


def test_question_text_is_escaped_on_the_form(client, consultation, cast) -> None:
    Question.objects.filter(consultation=consultation, kind=Question.Kind.SINGLE).update(
        text="<script>alert('q')</script>Do you support it?", hint="<img src=x onerror=alert(1)>"
    )
    start(client, consultation)
    body = client.get(url("respond_questions", consultation, page=1)).content.decode()
    assert "<script>alert('q')</script>" not in body
    assert "&lt;script&gt;" in body
    assert "<img src=x" not in body
