from __future__ import annotations

import difflib
import re
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import demo_accounts_seed
from consultations import services
from consultations.answers import OTHER, clean_answers
from consultations.constants import Consent, RespondentType, SizeBand
from consultations.demo import (
    CAMPAIGN_NAME,
    DEMO_CONSULTATION_SLUG,
    OFF_TOPIC,
    demo_consultation_seed,
    demo_street_level_seed,
)
from consultations.models import Consultation, Question, Response
from strategies.demo import demo_strategy_seed

pytestmark = pytest.mark.django_db

# Words that show a free-text answer raises one of the eight recurring topics.
TOPIC_WORDS = {
    "skills": r"skill|apprentic|retrain|engineers and technicians",
    "transport": r"HS2|bus|M6|rail|Crewe Hub|congestion|A556",
    "digital": r"broadband|fibre|mobile|digital|connection",
    "net zero": r"net zero|hydrogen|energy|decarbonis|heat pump",
    "premises": r"premises|units?\b|workspace|business rates|rates bill|co-working",
    "finance": r"financ|banks|grant|cash flow|invest",
    "town centres": r"town centre|high street|empty shops|footfall|come into",
    "housing": r"housing|house prices|homes|afford to live|anywhere to rent|flat in",
}


@pytest.fixture
def demo(db) -> Consultation:
    demo_accounts_seed()
    demo_strategy_seed()
    return demo_consultation_seed()


def free_text(consultation: Consultation, position: int) -> dict[int, str]:
    question = consultation.questions.get(position=position)
    return {
        answer.response_id: answer.text
        for answer in question.answers.filter(option__isnull=True).exclude(text="")
    }


def similarity(a: str, b: str) -> float:
    """How alike two texts are, word by word (1 for the same words in the same order)."""
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def test_demo_consultation_is_open_on_the_first_full_draft_with_every_kind_of_question(
    demo,
) -> None:
    assert demo.slug == DEMO_CONSULTATION_SLUG
    assert demo.organisation.name == "Cheshire and Warrington"
    assert demo.version.label == "First full draft"
    assert demo.is_open
    assert demo.allow_anonymous
    assert demo.moderation == Consultation.Moderation.PRE
    assert services.word_count(demo.summary) <= 100
    now = timezone.now()
    assert 20 <= (now - demo.opens_at).days <= 21
    assert 34 <= (demo.closes_at - now).days <= 35
    questions = list(demo.questions.all())
    assert {q.kind for q in questions} == set(Question.Kind)
    assert all(q.section_id is not None for q in questions)
    assert any(q.allow_other for q in questions if q.kind == Question.Kind.MULTIPLE)


def test_demo_seed_is_idempotent(demo) -> None:
    responses = Response.objects.count()
    consultations = Consultation.objects.count()

    again = demo_consultation_seed()

    assert again.pk == demo.pk
    assert Response.objects.count() == responses
    assert Consultation.objects.count() == consultations


def test_demo_responses_come_from_every_kind_of_respondent(demo) -> None:
    responses = demo.responses.filter(status=Response.Status.SUBMITTED)
    assert responses.count() >= 300
    assert set(responses.values_list("respondent_type", flat=True)) == set(RespondentType)
    assert set(SizeBand) <= set(responses.values_list("size_band", flat=True))
    assert set(responses.values_list("consent", flat=True)) == set(Consent)
    assert len(set(responses.exclude(sector="").values_list("sector", flat=True))) >= 10
    locations = set(responses.values_list("location", flat=True))
    assert {"Cheshire East", "Cheshire West and Chester", "Warrington"} <= locations
    assert any(re.fullmatch(r"(CW|WA|CH|SK)\d+", location) for location in locations)
    moments = sorted(responses.values_list("submitted_at", flat=True))
    assert demo.opens_at <= moments[0] and moments[-1] <= timezone.now()
    assert (moments[-1] - moments[0]).days >= 14
    # Individuals' names are never published, so no individual asks to be named.
    assert not responses.filter(respondent_type="individual", consent=Consent.WITH_NAME).exists()
    # The demo respondent sent one while signed in.
    assert responses.filter(respondent__email="respondent@example.org").count() == 1


def test_demo_free_text_raises_the_recurring_topics_in_varied_words(demo) -> None:
    texts = free_text(demo, 6)
    for topic, pattern in TOPIC_WORDS.items():
        raising = [t for t in texts.values() if re.search(pattern, t, re.IGNORECASE)]
        assert len(raising) >= 15, topic
    raising_two = [
        t
        for t in texts.values()
        if sum(bool(re.search(p, t, re.IGNORECASE)) for p in TOPIC_WORDS.values()) >= 2
    ]
    assert len(raising_two) >= 50
    ordinary = [t for t in texts.values() if CAMPAIGN_NAME not in t]
    assert len(set(ordinary)) >= 0.9 * len(ordinary)
    assert any(t in OFF_TOPIC for t in texts.values())
    assert demo.responses.count() - len(texts) >= 10  # left empty


def test_demo_contains_a_campaign_of_near_identical_responses(demo) -> None:
    campaign = [t for t in free_text(demo, 6).values() if CAMPAIGN_NAME in t]
    assert 20 <= len(campaign) <= 30
    assert len(set(campaign)) > 1  # small variations, not one text pasted
    for text in campaign[1:]:
        assert similarity(campaign[0], text) > 0.8
    ordinary = [t for t in free_text(demo, 6).values() if CAMPAIGN_NAME not in t]
    assert max(similarity(campaign[0], text) for text in ordinary) < 0.5


def test_every_demo_response_passes_the_form_validation(demo) -> None:
    questions = list(demo.questions.prefetch_related("options"))
    responses = demo.responses.prefetch_related("answers")
    for response in responses:
        raw: dict[int, list] = defaultdict(list)
        other: dict[int, str] = {}
        for answer in response.answers.all():
            question = next(q for q in questions if q.pk == answer.question_id)
            if answer.option_id is not None:
                raw[question.pk].append(answer.option_id)
            elif question.kind == Question.Kind.FREE_TEXT:
                raw[question.pk] = answer.text  # type: ignore[assignment]
            else:
                raw[question.pk].append(OTHER)
                other[question.pk] = answer.text
        _, errors = clean_answers(questions, raw, other)
        assert errors == {}, response.reference
        response.full_clean(exclude=["consultation", "respondent"])
        assert response.status == Response.Status.SUBMITTED
        assert response.reference.startswith("CW-")
    # References follow the order the responses were submitted in.
    ordered = list(responses.order_by("submitted_at").values_list("reference", flat=True))
    assert ordered == sorted(ordered)


def test_demo_street_level_survey_has_forty_responses_and_is_idempotent(demo) -> None:
    survey = demo_street_level_seed()
    assert survey.kind == Consultation.Kind.STREET_LEVEL
    assert survey.is_open
    assert survey.responses.filter(status=Response.Status.SUBMITTED).count() == 40
    assert set(survey.responses.values_list("size_band", flat=True)) <= {
        SizeBand.SOLE_TRADER,
        SizeBand.MICRO,
        SizeBand.SMALL,
    }
    assert demo_street_level_seed().pk == survey.pk
    assert survey.responses.count() == 40


def test_seed_demo_prints_the_consultation_and_creates_nothing_the_second_time(db) -> None:
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    counts = (Consultation.objects.count(), Response.objects.count())
    call_command("seed_demo", stdout=second)

    assert (Consultation.objects.count(), Response.objects.count()) == counts
    assert counts == (2, 360)
    assert f"/consultations/{DEMO_CONSULTATION_SLUG}/" in second.getvalue()
