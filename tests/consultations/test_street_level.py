from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.constants import RespondentType
from consultations.models import Consultation, Question
from consultations.street_level import street_level_survey_create
from lepportal.core.exceptions import ApplicationError
from strategies import services as strategy_services

pytestmark = pytest.mark.django_db


def url(organisation) -> str:
    return reverse("consultations:street_level_new", kwargs={"org": organisation.slug})


def test_street_level_survey_is_created_in_one_step_with_its_six_questions(
    strategy, version, cast
) -> None:
    before = timezone.now()
    survey = street_level_survey_create(strategy=strategy, version=version, author=cast.editor)

    assert survey.kind == Consultation.Kind.STREET_LEVEL
    assert survey.title == (
        "Help us support small businesses and freelancers in Cheshire and Warrington"
    )
    assert survey.allow_anonymous is True
    assert survey.moderation == Consultation.Moderation.POST
    assert survey.is_open
    assert before <= survey.opens_at <= timezone.now()
    assert survey.closes_at - survey.opens_at == timedelta(weeks=8)
    assert services.word_count(survey.summary) <= 100
    for words in ("public task", "Freedom of Information", "365 days", "rights"):
        assert words in survey.privacy_notice
    questions = list(survey.questions.prefetch_related("options"))
    assert [q.kind for q in questions] == [
        Question.Kind.SINGLE,
        Question.Kind.SINGLE,
        Question.Kind.SINGLE,
        Question.Kind.MULTIPLE,
        Question.Kind.SINGLE,
        Question.Kind.FREE_TEXT,
    ]
    people, _, _, grow, exporting, one_thing = questions
    assert "Just me" in [o.label for o in people.options.all()]
    assert grow.allow_other
    growth_labels = " ".join(o.label for o in grow.options.all()).lower()
    for need in ("skills", "premises", "finance", "digital", "exporting"):
        assert need in growth_labels
    assert "outside the UK" in exporting.text
    assert one_thing.text == "What one thing would help your business most?"
    assert one_thing.max_length == 1000


def test_street_level_survey_takes_dates_when_given(strategy, version, cast) -> None:
    opens = timezone.now() + timedelta(days=7)
    survey = street_level_survey_create(
        strategy=strategy,
        version=version,
        author=cast.editor,
        opens_at=opens,
        closes_at=opens + timedelta(weeks=4),
    )
    assert survey.state == Consultation.State.UPCOMING
    assert survey.closes_at == opens + timedelta(weeks=4)


def test_anyone_can_answer_the_street_level_survey_without_signing_in(
    strategy, version, cast
) -> None:
    survey = street_level_survey_create(strategy=strategy, version=version, author=cast.editor)
    people, sector, _, grow, _, one_thing = survey.questions.prefetch_related("options")
    response, created = services.response_create_complete(
        consultation=survey,
        profile={
            "responding_as": "organisation",
            "organisation_type": "business",
            "size_band": "sole-trader",
            "consent": "anonymous",
        },
        raw_answers={
            people.pk: people.options.get(label="Just me").pk,
            sector.pk: sector.options.all()[0].pk,
            grow.pk: [grow.options.all()[0].pk, "other"],
            one_thing.pk: "Cheaper desk space in Crewe.",
        },
        other_answers={grow.pk: "Childcare"},
        submission_key=uuid.uuid4(),
        source="web",
    )
    assert created
    assert response.respondent is None
    assert response.respondent_type == RespondentType.BUSINESS
    assert response.reference.startswith("CW-")


def test_nothing_is_created_when_the_survey_cannot_be_made(strategy, version, cast) -> None:
    other_strategy = strategy_services.strategy_create(
        organisation=cast.organisation, title="Another strategy", author=cast.editor
    )
    with pytest.raises(ApplicationError):
        street_level_survey_create(strategy=other_strategy, version=version, author=cast.editor)
    now = timezone.now()
    with pytest.raises(ApplicationError, match="closing date"):
        street_level_survey_create(
            strategy=strategy,
            version=version,
            author=cast.editor,
            opens_at=now,
            closes_at=now - timedelta(days=1),
        )
    assert not Consultation.objects.exists()
    assert not Question.objects.exists()


def test_writer_sees_what_will_be_created_then_launches_the_survey(client, cast, version) -> None:
    client.force_login(cast.editor)
    page = client.get(url(cast.organisation))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Help us support small businesses and freelancers in Cheshire and Warrington" in body
    assert "Just me" in body
    assert "Other, please specify" in body
    assert "public task" in body
    assert "Draft for consultation" in body

    response = client.post(url(cast.organisation), {"version": str(version.pk)})

    survey = Consultation.objects.get(kind=Consultation.Kind.STREET_LEVEL)
    assert response.status_code == 302
    assert response["Location"] == survey.get_absolute_url()
    assert survey.version == version
    assert survey.created_by == cast.editor
    assert survey.questions.count() == 6
    assert client.get(response["Location"]).status_code == 200


def test_lead_can_launch_the_survey(client, cast, version) -> None:
    client.force_login(cast.lead)
    response = client.post(url(cast.organisation), {"version": str(version.pk)})
    assert response.status_code == 302
    assert Consultation.objects.filter(kind=Consultation.Kind.STREET_LEVEL).count() == 1


def test_a_version_must_be_chosen_and_be_this_leps_own(client, cast, version) -> None:
    other_strategy = strategy_services.strategy_create(
        organisation=cast.other_organisation, title="Tees Valley LIS", author=cast.other_member
    )
    other_version = strategy_services.version_create(
        strategy=other_strategy, label="Tees draft", author=cast.other_member
    )
    client.force_login(cast.editor)
    response = client.post(url(cast.organisation), {"version": str(other_version.pk)})
    assert response.status_code == 400
    assert "Choose a version of the strategy" in response.content.decode()
    nothing_chosen = client.post(url(cast.organisation), {})
    assert nothing_chosen.status_code == 400
    assert "Choose a version of the strategy" in nothing_chosen.content.decode()
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    "role", ["viewer", "moderator", "respondent", "other_member", "site_moderator"]
)
def test_only_writers_of_the_organisation_may_launch_the_survey(client, cast, version, role):
    client.force_login(getattr(cast, role))
    assert client.get(url(cast.organisation)).status_code == 404
    assert client.post(url(cast.organisation), {"version": str(version.pk)}).status_code == 404
    assert not Consultation.objects.exists()


def test_anonymous_visitors_get_not_found_with_a_sign_in_link(client, cast, version) -> None:
    # Private pages answer 404 to everyone without access, offering to sign in.
    page = client.get(url(cast.organisation))
    assert page.status_code == 404
    assert reverse("accounts:login") in page.content.decode()
    assert client.post(url(cast.organisation), {"version": str(version.pk)}).status_code == 404
    assert not Consultation.objects.exists()


def test_an_organisation_without_a_saved_version_is_told_to_save_one(client, cast) -> None:
    client.force_login(cast.other_member)
    page = client.get(url(cast.other_organisation))
    assert page.status_code == 200
    assert "save a version first" in page.content.decode()
    assert client.post(url(cast.other_organisation), {}).status_code == 400
    assert not Consultation.objects.exists()


def test_unknown_organisation_is_not_found(client, cast) -> None:
    client.force_login(cast.editor)
    response = client.get(reverse("consultations:street_level_new", kwargs={"org": "no-such-lep"}))
    assert response.status_code == 404
