from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.data_protection import (
    erase_due_personal_data,
    personal_data_erase,
    respondent_data_export,
)
from consultations.models import Answer, Comment, CommentReport, Question, Response
from consultations.tasks import (
    erase_consultation_personal_data_task,
    erase_due_personal_data_task,
)
from lepportal.core.exceptions import ApplicationError
from tests.consultations.conftest import make_consultation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INDIVIDUAL = {
    "responding_as": "individual",
    "respondent_name": "Priya Patel",
    "location": "CW1",
    "consent": "anonymous",
    "email": "priya@example.com",
}
FREELANCER = {
    "responding_as": "organisation",
    "respondent_name": "Sam Moss",
    "organisation_name": "Sam Moss Photography",
    "organisation_type": "business",
    "size_band": "sole-trader",
    "sector": "M",
    "location": "Cheshire East",
    "consent": "with-name",
    "email": "sam@example.com",
}
MANUFACTURER = {
    "responding_as": "organisation",
    "respondent_name": "Alan Shaw",
    "organisation_name": "Weaver Valley Chemicals plc",
    "organisation_type": "business",
    "size_band": "large",
    "sector": "C",
    "location": "Cheshire West and Chester",
    "consent": "with-name",
    "email": "alan.shaw@example.com",
}


def consultation_closed(strategy, version, cast, *, days_ago: int, retention_days: int = 365):
    """A consultation that closed ``days_ago`` days ago, with one question of each kind."""
    now = timezone.now()
    consultation = make_consultation(
        strategy,
        version,
        cast.editor,
        title=f"Closed {days_ago} days ago",
        opens_at=now - timedelta(days=days_ago + 60),
        closes_at=now - timedelta(days=days_ago),
        retention_days=retention_days,
    )
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.SINGLE,
        text="Do you support our vision?",
        options=["Yes", "No"],
    )
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.FREE_TEXT,
        text="What should we change?",
        max_length=1000,
    )
    return consultation


def respond(consultation, profile, *, respondent=None, text="More help with skills."):
    single, free = consultation.questions.prefetch_related("options")
    response, _ = services.response_create_complete(
        consultation=consultation,
        profile=profile,
        raw_answers={single.pk: single.options.first().pk, free.pk: text},
        submission_key=uuid.uuid4(),
        source="web",
        respondent=respondent,
        check_open=False,
        submitted_at=consultation.closes_at - timedelta(days=1),
    )
    return response


@pytest.fixture
def due(strategy, version, cast):
    """Closed 400 days ago with a 365-day retention period: erasure is due."""
    return consultation_closed(strategy, version, cast, days_ago=400)


@pytest.fixture
def not_due(strategy, version, cast):
    """Closed 10 days ago: personal data must still be kept."""
    return consultation_closed(strategy, version, cast, days_ago=10)


def test_erasure_removes_names_emails_locations_and_account_links_but_keeps_answers(
    due, cast
) -> None:
    individual = respond(due, INDIVIDUAL, respondent=cast.respondent)
    freelancer = respond(due, FREELANCER)
    manufacturer = respond(due, MANUFACTURER)
    answers_before = sorted(Answer.objects.values_list("response", "question", "option", "text"))

    assert personal_data_erase(consultation=due) == 3

    for response in (individual, freelancer, manufacturer):
        response.refresh_from_db()
        assert response.personal_data_erased
        assert (response.respondent_name, response.email, response.location) == ("", "", "")
        assert response.respondent is None
        assert response.status == Response.Status.SUBMITTED
        assert response.reference
    assert sorted(Answer.objects.values_list("response", "question", "option", "text")) == (
        answers_before
    )
    # The categories analysis is built on stay.
    assert (freelancer.respondent_type, freelancer.size_band, freelancer.sector) == (
        "business",
        "sole-trader",
        "M",
    )
    assert freelancer.consent == "with-name"
    assert individual.respondent_type == "individual"
    # A sole trader's business name is usually their own; a plc's is not personal data.
    assert freelancer.organisation_name == ""
    assert manufacturer.organisation_name == "Weaver Valley Chemicals plc"
    due.refresh_from_db()
    assert due.personal_data_erased_at is not None


def test_erasure_detaches_comment_authors_and_reporters(due, cast) -> None:
    section = due.version.sections.first()
    comment = Comment.objects.create(
        consultation=due, section=section, author=cast.respondent, body="Good plan."
    )
    CommentReport.objects.create(comment=comment, reporter=cast.editor, reason="Off topic")

    personal_data_erase(consultation=due)

    comment.refresh_from_db()
    assert comment.author is None
    assert comment.body == "Good plan."
    assert CommentReport.objects.get().reporter is None


def test_erasing_twice_changes_nothing_the_second_time(due) -> None:
    respond(due, MANUFACTURER)
    assert personal_data_erase(consultation=due) == 1
    due.refresh_from_db()
    erased_at = due.personal_data_erased_at
    snapshot = list(Response.objects.values())

    assert personal_data_erase(consultation=due) == 0

    due.refresh_from_db()
    assert due.personal_data_erased_at == erased_at
    assert list(Response.objects.values()) == snapshot


def test_erasure_is_refused_before_the_retention_period_ends(not_due) -> None:
    response = respond(not_due, INDIVIDUAL)

    with pytest.raises(ApplicationError, match="retention period ends") as error:
        personal_data_erase(consultation=not_due)

    assert error.value.code == "retention_not_passed"
    response.refresh_from_db()
    assert (response.respondent_name, response.email) == ("Priya Patel", "priya@example.com")
    not_due.refresh_from_db()
    assert not_due.personal_data_erased_at is None


def test_open_consultations_are_never_erased(consultation) -> None:
    with pytest.raises(ApplicationError):
        personal_data_erase(consultation=consultation)


def test_daily_task_erases_only_consultations_past_their_retention_period(
    due, not_due, consultation
) -> None:
    due_response = respond(due, INDIVIDUAL)
    kept = respond(not_due, INDIVIDUAL)

    result = erase_due_personal_data_task.delay()

    assert result.get() == [due.pk]
    due_response.refresh_from_db()
    kept.refresh_from_db()
    assert due_response.email == "" and due_response.personal_data_erased
    assert kept.email == "priya@example.com" and not kept.personal_data_erased
    for consultation_ in (not_due, consultation):
        consultation_.refresh_from_db()
        assert consultation_.personal_data_erased_at is None
    # Nothing is left to do the next day.
    assert erase_due_personal_data_task.delay().get() == []


def test_daily_erasure_picks_up_responses_imported_after_the_first_erasure(due) -> None:
    respond(due, INDIVIDUAL)
    assert erase_due_personal_data() == [due.pk]
    late = respond(due, MANUFACTURER)

    assert erase_due_personal_data() == [due.pk]

    late.refresh_from_db()
    assert late.personal_data_erased and late.email == ""


def test_a_short_retention_period_is_honoured(strategy, version, cast) -> None:
    short = consultation_closed(strategy, version, cast, days_ago=40, retention_days=30)
    respond(short, INDIVIDUAL)
    assert erase_due_personal_data() == [short.pk]


def test_erasure_is_scheduled_daily_by_beat() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["erase-personal-data"]
    assert entry["task"] == erase_due_personal_data_task.name
    assert entry["schedule"].hour == {3}
    assert erase_due_personal_data_task.acks_late


def test_single_consultation_task_erases_when_due_and_leaves_the_rest_alone(due, not_due) -> None:
    respond(due, INDIVIDUAL)
    kept = respond(not_due, INDIVIDUAL)

    assert erase_consultation_personal_data_task.delay(due.pk).get() == 1
    assert erase_consultation_personal_data_task.delay(not_due.pk).get() == 0
    assert erase_consultation_personal_data_task.delay(999_999).get() == 0

    kept.refresh_from_db()
    assert kept.email == "priya@example.com"


# Subject access ------------------------------------------------------------------------------


@pytest.fixture
def two_respondents(consultation, cast):
    """The cast's respondent and someone else, each with a response; plus an anonymous one."""
    single, multiple, scale, free = consultation.questions.prefetch_related("options")
    someone_else = UserFactory(email="someone.else@example.com")

    def answer(respondent, profile, text):
        response, _ = services.response_create_complete(
            consultation=consultation,
            profile=profile,
            raw_answers={
                single.pk: single.options.get(label="Yes").pk,
                multiple.pk: [multiple.options.get(label="Premises").pk, "other"],
                scale.pk: scale.options.get(label="Agree").pk,
                free.pk: text,
            },
            other_answers={multiple.pk: "Better buses"},
            submission_key=uuid.uuid4(),
            source="web",
            respondent=respondent,
        )
        return response

    mine = answer(cast.respondent, FREELANCER, "Affordable studios in Crewe, please.")
    theirs = answer(someone_else, MANUFACTURER, "Hydrogen pipeline to our plant.")
    anonymous = answer(None, INDIVIDUAL, "Fix the buses.")
    section = consultation.version.sections.first()
    Comment.objects.create(
        consultation=consultation, section=section, author=cast.respondent, body="My comment."
    )
    Comment.objects.create(
        consultation=consultation, section=section, author=someone_else, body="Their comment."
    )
    return mine, theirs, anonymous


def test_my_data_download_holds_my_responses_and_nobody_elses(
    client, cast, consultation, two_respondents
) -> None:
    mine, theirs, anonymous = two_respondents
    client.force_login(cast.respondent)

    response = client.get(reverse("consultations:my_data"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == cast.respondent.email
    assert [r["reference"] for r in data["responses"]] == [mine.reference]
    held = data["responses"][0]
    assert held["consultation"] == consultation.title
    assert held["status"] == "Submitted"
    assert held["profile"]["organisation_name"] == "Sam Moss Photography"
    assert held["profile"]["size_band"] == "Sole trader or freelancer"
    assert held["profile"]["email"] == "sam@example.com"
    answers = {a["question"]: a for a in held["answers"]}
    assert answers["Do you support our vision?"]["chosen"] == ["Yes"]
    assert answers["What would help your business grow?"]["chosen"] == ["Premises"]
    assert answers["What would help your business grow?"]["text"] == "Better buses"
    assert answers["What should we change?"]["text"] == "Affordable studios in Crewe, please."
    assert [c["body"] for c in data["comments"]] == ["My comment."]
    text = response.content.decode()
    for foreign in (theirs.reference, anonymous.reference, "alan.shaw@example.com", "Their"):
        assert foreign not in text


def test_my_data_export_after_erasure_shows_the_account_no_longer_linked(due, cast) -> None:
    respond(due, FREELANCER, respondent=cast.respondent)
    assert len(respondent_data_export(user=cast.respondent)["responses"]) == 1

    personal_data_erase(consultation=due)

    assert respondent_data_export(user=cast.respondent)["responses"] == []


def test_my_data_sends_anonymous_visitors_to_sign_in(client) -> None:
    response = client.get(reverse("consultations:my_data"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "my-data.json" in response["Location"]
