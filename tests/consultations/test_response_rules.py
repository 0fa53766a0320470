"""The rules every way of making a whole response (the API, imports) shares, kept in
``services.response_create_complete``: a submission key is never someone else's, and a
signed-in respondent responds once."""

from __future__ import annotations

import uuid

import pytest

from consultations import services
from consultations.models import Response
from lepportal.core.exceptions import ApplicationError
from tests.consultations.test_services import PROFILE, answers_for

pytestmark = pytest.mark.django_db


def create(consultation, *, key=None, respondent=None) -> tuple[Response, bool]:
    _questions, raw, other = answers_for(consultation)
    return services.response_create_complete(
        consultation=consultation,
        profile=PROFILE,
        raw_answers=raw,
        other_answers=other,
        submission_key=key or uuid.uuid4(),
        source=Response.Source.API,
        respondent=respondent,
    )


def test_a_signed_in_respondent_cannot_respond_twice(consultation, cast) -> None:
    create(consultation, respondent=cast.respondent)
    with pytest.raises(ApplicationError) as refused:
        create(consultation, respondent=cast.respondent)
    assert refused.value.code == "already_responded"
    assert refused.value.status == 409
    assert refused.value.message.startswith("You have already responded to this consultation.")
    assert consultation.responses.filter(respondent=cast.respondent).count() == 1


def test_a_retry_of_the_first_response_is_not_a_second_response(consultation, cast) -> None:
    key = uuid.uuid4()
    first, made = create(consultation, key=key, respondent=cast.respondent)
    again, made_again = create(consultation, key=key, respondent=cast.respondent)
    assert made and not made_again
    assert again.pk == first.pk


def test_after_withdrawing_a_respondent_may_respond_again(consultation, cast) -> None:
    first, _ = create(consultation, respondent=cast.respondent)
    services.response_withdraw(response=first)
    second, made = create(consultation, respondent=cast.respondent)
    assert made and second.pk != first.pk


def test_anonymous_responses_are_not_limited_to_one(consultation) -> None:
    create(consultation)
    _, made = create(consultation)
    assert made
    assert consultation.responses.count() == 2


@pytest.mark.parametrize("other", ["editor", "anonymous"])
def test_a_key_used_for_someones_response_is_refused_to_anyone_else(
    consultation, cast, other
) -> None:
    key = uuid.uuid4()
    create(consultation, key=key, respondent=cast.respondent)
    with pytest.raises(ApplicationError) as refused:
        create(consultation, key=key, respondent=getattr(cast, other))
    assert refused.value.code == "key_in_use"
    assert refused.value.status == 409
    assert consultation.responses.count() == 1
