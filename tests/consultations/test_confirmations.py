"""Destructive actions ask first: deleting a question and withdrawing a response each have a
GOV.UK confirmation page (a GET that changes nothing) and act only on its POST."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation, Question, Response
from tests.consultations.test_response_rules import create

pytestmark = pytest.mark.django_db


def url(name, consultation, **kwargs):
    return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})


def test_deleting_a_question_asks_before_it_deletes(client, cast, consultation) -> None:
    question = consultation.questions.get(kind=Question.Kind.SCALE)
    client.force_login(cast.editor)
    edit = client.get(url("question_edit", consultation, pk=question.pk)).content.decode()
    delete = url("question_delete", consultation, pk=question.pk)
    assert f'href="{delete}"' in edit
    page = client.get(delete).content.decode()
    assert f"Are you sure you want to delete question {question.position}?" in page
    assert "govuk-warning-text" in page and "You cannot undo this." in page
    assert "Yes, delete this question" in page
    assert consultation.questions.filter(pk=question.pk).exists()
    response = client.post(delete)
    assert response.url == url("questions", consultation)
    assert not consultation.questions.filter(pk=question.pk).exists()


def test_the_question_page_no_longer_deletes_in_one_click(client, cast, consultation) -> None:
    question = consultation.questions.get(kind=Question.Kind.SCALE)
    client.force_login(cast.editor)
    client.post(url("question_edit", consultation, pk=question.pk), {"delete": "1"})
    assert consultation.questions.filter(pk=question.pk).exists()


def test_a_question_cannot_be_deleted_once_responses_arrive(client, cast, consultation) -> None:
    question = consultation.questions.get(kind=Question.Kind.SCALE)
    create(consultation)
    client.force_login(cast.editor)
    delete = url("question_delete", consultation, pk=question.pk)
    page = client.get(delete).content.decode()
    assert "can no longer be deleted" in page
    assert "Yes, delete this question" not in page
    client.post(delete)
    assert consultation.questions.filter(pk=question.pk).exists()


@pytest.mark.parametrize("role", ["viewer", "other_member", "respondent"])
def test_only_writers_may_delete_questions(client, cast, consultation, role) -> None:
    question = consultation.questions.get(kind=Question.Kind.SCALE)
    client.force_login(getattr(cast, role))
    delete = url("question_delete", consultation, pk=question.pk)
    assert client.get(delete).status_code == 404
    assert client.post(delete).status_code == 404
    assert consultation.questions.filter(pk=question.pk).exists()


def test_withdrawing_asks_before_it_withdraws(client, cast, consultation) -> None:
    mine, _ = create(consultation, respondent=cast.respondent)
    client.force_login(cast.respondent)
    withdraw = url("my_response_withdraw", consultation)
    assert f'href="{withdraw}"' in client.get(url("my_response", consultation)).content.decode()
    page = client.get(withdraw).content.decode()
    assert "Are you sure you want to withdraw your response?" in page
    assert mine.reference in page and "You cannot undo this." in page
    mine.refresh_from_db()
    assert mine.status == Response.Status.SUBMITTED
    response = client.post(withdraw)
    assert response.url == url("my_response", consultation)
    mine.refresh_from_db()
    assert mine.status == Response.Status.WITHDRAWN
    # Nothing left to withdraw: back to the response.
    assert client.get(withdraw).url == url("my_response", consultation)


def test_the_response_page_no_longer_withdraws_in_one_click(client, cast, consultation) -> None:
    mine, _ = create(consultation, respondent=cast.respondent)
    client.force_login(cast.respondent)
    assert client.post(url("my_response", consultation), {"withdraw": "1"}).status_code == 405
    mine.refresh_from_db()
    assert mine.status == Response.Status.SUBMITTED


def test_only_the_respondent_can_withdraw_and_only_while_open(client, cast, consultation) -> None:
    mine, _ = create(consultation, respondent=cast.respondent)
    withdraw = url("my_response_withdraw", consultation)
    assert client.get(withdraw).status_code == 302  # to sign in
    client.force_login(cast.editor)
    assert client.post(withdraw).status_code == 404
    client.force_login(cast.respondent)
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    closed = client.post(withdraw)
    assert closed.status_code == 409
    assert "This consultation closed on" in closed.content.decode()
    mine.refresh_from_db()
    assert mine.status == Response.Status.SUBMITTED
