from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from consultations import services
from consultations.answers import clean_answers
from consultations.models import Answer, Question, Response
from lepportal.core.exceptions import ApplicationError
from tests.consultations.conftest import make_consultation

pytestmark = pytest.mark.django_db

PROFILE = {
    "responding_as": "organisation",
    "organisation_name": "Crewe Widgets Ltd",
    "organisation_type": "business",
    "size_band": "small",
    "sector": "C",
    "location": "Cheshire East",
    "consent": "with-name",
    "email": "boss@crewe.example",
}


def answers_for(consultation):
    questions = list(consultation.questions.prefetch_related("options"))
    single, multiple, scale, free = questions
    raw = {
        single.pk: str(single.options.first().pk),
        multiple.pk: [str(o.pk) for o in multiple.options.all()[:2]] + ["other"],
        scale.pk: str(scale.options.last().pk),
        free.pk: "More help with skills, please.",
    }
    return questions, raw, {multiple.pk: "Better broadband"}


def test_summary_over_100_words_is_refused(strategy, version, cast) -> None:
    with pytest.raises(ApplicationError, match="100 words or fewer"):
        make_consultation(strategy, version, cast.editor, summary="word " * 101)


def test_reference_prefix_comes_from_the_lep_name(consultation) -> None:
    assert consultation.reference_prefix == "CW"


def test_multiple_choice_is_stored_one_row_per_option(consultation) -> None:
    response = services.response_start(consultation=consultation)
    services.response_save_profile(response=response, profile=PROFILE)
    questions, raw, other = answers_for(consultation)
    clean, errors = clean_answers(questions, raw, other)
    assert errors == {}
    services.response_save_answers(response=response, answers=clean, questions=questions)
    multiple = questions[1]
    rows = Answer.objects.filter(response=response, question=multiple)
    assert rows.filter(option__isnull=False).count() == 2
    assert rows.get(option__isnull=True).text == "Better broadband"


def test_submit_is_idempotent_and_gives_a_reference(consultation) -> None:
    response = services.response_start(consultation=consultation)
    services.response_save_profile(response=response, profile=PROFILE)
    questions, raw, other = answers_for(consultation)
    clean, _ = clean_answers(questions, raw, other)
    services.response_save_answers(response=response, answers=clean, questions=questions)
    first, created = services.response_submit(response=response)
    again, created_again = services.response_submit(response=response)
    assert created and not created_again
    assert first.reference == again.reference
    year = timezone.localtime(consultation.opens_at).year
    assert first.reference == f"CW-{year}-{response.pk:06d}"
    assert Response.objects.filter(status="submitted").count() == 1


def test_submit_refuses_missing_required_answers(consultation) -> None:
    response = services.response_start(consultation=consultation)
    services.response_save_profile(response=response, profile=PROFILE)
    with pytest.raises(ApplicationError, match="required question"):
        services.response_submit(response=response)
    assert response.status == "draft"


def test_closed_and_upcoming_consultations_refuse_every_write(strategy, version, cast) -> None:
    now = timezone.now()
    closed = make_consultation(
        strategy,
        version,
        cast.editor,
        title="Closed",
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=1),
    )
    with pytest.raises(ApplicationError, match="This consultation closed on"):
        services.response_start(consultation=closed)
    upcoming = make_consultation(
        strategy,
        version,
        cast.editor,
        title="Upcoming",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )
    with pytest.raises(ApplicationError, match="This consultation opens on"):
        services.response_start(consultation=upcoming)


def test_questions_freeze_once_a_response_arrives(consultation) -> None:
    questions, raw, other = answers_for(consultation)
    services.response_create_complete(
        consultation=consultation,
        profile=PROFILE,
        raw_answers=raw,
        other_answers=other,
        submission_key=uuid.uuid4(),
        source=Response.Source.API,
    )
    with pytest.raises(ApplicationError, match="cannot change now that responses have arrived"):
        services.question_save(
            consultation=consultation, kind=Question.Kind.FREE_TEXT, text="New question"
        )
    with pytest.raises(ApplicationError):
        services.question_delete(question=questions[0])
    assert consultation.questions.count() == 4


def test_create_complete_is_idempotent_on_its_key(consultation) -> None:
    _questions, raw, other = answers_for(consultation)
    key = uuid.uuid4()
    first, made = services.response_create_complete(
        consultation=consultation,
        profile=PROFILE,
        raw_answers=raw,
        other_answers=other,
        submission_key=key,
        source=Response.Source.API,
    )
    second, made_again = services.response_create_complete(
        consultation=consultation,
        profile=PROFILE,
        raw_answers=raw,
        other_answers=other,
        submission_key=key,
        source=Response.Source.API,
    )
    assert made and not made_again
    assert first.pk == second.pk
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("index", "value", "message"),
    [
        (0, "999999", "Choose from the options given"),
        (0, ["1", "2"], "Choose one option"),
        (3, "x" * 1001, "1,000 characters or fewer"),
        (1, ["other"], "Say what your other answer is"),
    ],
)
def test_bad_answers_are_refused_with_clear_messages(consultation, index, value, message) -> None:
    questions, raw, other = answers_for(consultation)
    if index == 0 and isinstance(value, list):
        value = [str(o.pk) for o in questions[0].options.all()[:2]]
    raw[questions[index].pk] = value
    if message.startswith("Say what"):
        other = {}
    with pytest.raises(ApplicationError, match=message):
        services.response_create_complete(
            consultation=consultation,
            profile=PROFILE,
            raw_answers=raw,
            other_answers=other,
            submission_key=uuid.uuid4(),
            source=Response.Source.API,
        )
    assert not Response.objects.exists()


def test_bad_profile_values_are_refused(consultation) -> None:
    _questions, raw, other = answers_for(consultation)
    with pytest.raises(ApplicationError, match="size band"):
        services.response_create_complete(
            consultation=consultation,
            profile={**PROFILE, "size_band": "gigantic"},
            raw_answers=raw,
            other_answers=other,
            submission_key=uuid.uuid4(),
            source=Response.Source.API,
        )
    assert not Response.objects.exists()


def test_withdrawn_response_is_kept_but_marked(consultation) -> None:
    _questions, raw, other = answers_for(consultation)
    response, _ = services.response_create_complete(
        consultation=consultation,
        profile=PROFILE,
        raw_answers=raw,
        other_answers=other,
        submission_key=uuid.uuid4(),
        source=Response.Source.WEB,
    )
    services.response_withdraw(response=response)
    assert response.status == "withdrawn"
    assert response.withdrawn_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_of_one_form_make_one_response(consultation) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL's row locking (SQLite serialises writers)")
    response = services.response_start(consultation=consultation)
    services.response_save_profile(response=response, profile=PROFILE)
    questions, raw, other = answers_for(consultation)
    clean, _ = clean_answers(questions, raw, other)
    services.response_save_answers(response=response, answers=clean, questions=questions)
    outcomes: list[bool] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        barrier.wait()
        try:
            _, created = services.response_submit(response=Response.objects.get(pk=response.pk))
            outcomes.append(created)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]
    assert Response.objects.filter(status="submitted").count() == 1
