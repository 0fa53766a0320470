from __future__ import annotations

import pytest
from django.urls import reverse

from consultations.models import Consultation, Question
from tests.consultations.test_services import PROFILE, answers_for

pytestmark = pytest.mark.django_db


def create_post(version, **overrides):
    data = {
        "title": "Have your say on our strategy",
        "summary": "Tell us what you think.",
        "body": "",
        "how_to_respond": "Online.",
        "privacy_notice": "Public task.",
        "version": str(version.pk),
        "opens_on_0": "1",
        "opens_on_1": "1",
        "opens_on_2": "2019",
        "opens_at_time": "09:00",
        "closes_on_0": "8",
        "closes_on_1": "3",
        "closes_on_2": "2019",
        "closes_at_time": "23:59",
        "allow_anonymous": "on",
        "moderation": "pre",
    }
    data.update(overrides)
    return data


def create_url(strategy):
    return reverse(
        "consultations:create",
        kwargs={"org": strategy.organisation.slug, "strategy_slug": strategy.slug},
    )


def test_editor_opens_a_version_to_consultation_in_london_time(
    client, cast, strategy, version
) -> None:
    client.force_login(cast.editor)
    response = client.post(create_url(strategy), create_post(version))
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.version == version
    assert consultation.opens_at.isoformat() == "2019-01-01T09:00:00+00:00"  # GMT in winter
    assert consultation.closes_at.isoformat() == "2019-03-08T23:59:00+00:00"


def test_british_summer_time_is_respected(client, cast, strategy, version) -> None:
    client.force_login(cast.editor)
    client.post(create_url(strategy), create_post(version, opens_on_1="6", closes_on_1="7"))
    consultation = Consultation.objects.get()
    assert consultation.opens_at.isoformat() == "2019-06-01T08:00:00+00:00"


def test_summary_over_100_words_keeps_the_text_and_saves_nothing(
    client, cast, strategy, version
) -> None:
    client.force_login(cast.editor)
    long_summary = "word " * 101
    response = client.post(create_url(strategy), create_post(version, summary=long_summary))
    assert response.status_code == 200
    body = response.content.decode()
    assert "100 words or fewer (it has 101)" in body
    assert "word word word" in body
    assert not Consultation.objects.exists()


def test_closing_before_opening_is_refused(client, cast, strategy, version) -> None:
    client.force_login(cast.editor)
    response = client.post(create_url(strategy), create_post(version, closes_on_2="2018"))
    assert "closing date must be after the opening date" in response.content.decode()
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("viewer", 404),
        ("other_member", 404),
        ("respondent", 404),
        ("moderator", 404),
        ("lead", 200),
        ("editor", 200),
    ],
)
def test_only_writers_of_the_organisation_set_up_consultations(
    client, cast, strategy, version, role, status
) -> None:
    client.force_login(getattr(cast, role))
    assert client.get(create_url(strategy)).status_code == status


def test_question_builder_adds_edits_reorders_and_deletes(client, cast, consultation) -> None:
    client.force_login(cast.editor)
    base = {"slug": consultation.slug}
    response = client.post(
        reverse("consultations:questions", kwargs=base),
        {
            "kind": "multiple",
            "text": "Which would help?",
            "hint": "",
            "options": "Grants\nLoans\n",
            "allow_other": "on",
            "max_length": "2000",
            "section": "",
        },
    )
    assert response.status_code == 302
    question = consultation.questions.get(text="Which would help?")
    assert [o.label for o in question.options.all()] == ["Grants", "Loans"]
    assert question.allow_other
    client.post(
        reverse("consultations:question_move", kwargs={**base, "pk": question.pk}),
        {"direction": "up"},
    )
    question.refresh_from_db()
    assert question.position == 4
    delete = reverse("consultations:question_delete", kwargs={**base, "pk": question.pk})
    assert "Are you sure you want to delete question" in client.get(delete).content.decode()
    assert consultation.questions.filter(pk=question.pk).exists()
    client.post(delete)
    assert not consultation.questions.filter(pk=question.pk).exists()
    assert client.get(reverse("consultations:questions_preview", kwargs=base)).status_code == 200


def test_choice_question_needs_two_options(client, cast, consultation) -> None:
    client.force_login(cast.editor)
    response = client.post(
        reverse("consultations:questions", kwargs={"slug": consultation.slug}),
        {
            "kind": "single",
            "text": "Yes?",
            "hint": "",
            "options": "Only one",
            "max_length": "2000",
            "section": "",
        },
    )
    assert "at least two options" in response.content.decode()
    assert consultation.questions.count() == 4


def test_builder_explains_frozen_questions(client, cast, consultation) -> None:
    import uuid

    from consultations import services
    from consultations.models import Response

    _, raw, other = answers_for(consultation)
    services.response_create_complete(
        consultation=consultation,
        profile=PROFILE,
        raw_answers=raw,
        other_answers=other,
        submission_key=uuid.uuid4(),
        source=Response.Source.WEB,
    )
    client.force_login(cast.editor)
    question = consultation.questions.first()
    page = client.get(
        reverse("consultations:questions", kwargs={"slug": consultation.slug})
    ).content.decode()
    assert "the questions are frozen" in page
    response = client.post(
        reverse(
            "consultations:question_edit", kwargs={"slug": consultation.slug, "pk": question.pk}
        ),
        {
            "kind": "free-text",
            "text": "Changed",
            "hint": "",
            "options": "",
            "max_length": "100",
            "section": "",
        },
    )
    assert "can no longer change" in response.content.decode()
    question.refresh_from_db()
    assert question.kind == Question.Kind.SINGLE
