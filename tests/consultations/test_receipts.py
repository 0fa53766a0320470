"""The e-mailed receipt of a submitted response: sent by a task queued once the submission has
committed (in the web process when there is no broker), with everything it always said, and
never at the cost of the submission."""

from __future__ import annotations

import smtplib
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerOperationalError

from consultations import services
from consultations.answers import clean_answers
from consultations.models import Response
from consultations.tasks import send_response_receipt_task
from consultations.views import SESSION_DRAFTS
from lepportal.core.exceptions import ApplicationError

from .test_services import PROFILE, answers_for

pytestmark = pytest.mark.django_db


def draft(consultation, **profile) -> Response:
    response = services.response_start(consultation=consultation)
    services.response_save_profile(response=response, profile={**PROFILE, **profile})
    questions, raw, other = answers_for(consultation)
    clean, _ = clean_answers(questions, raw, other)
    services.response_save_answers(response=response, answers=clean, questions=questions)
    return response


def submit(client, consultation, response):
    session = client.session
    session[SESSION_DRAFTS] = {str(consultation.pk): response.pk}
    session.save()
    return client.post(
        reverse("consultations:respond_check", kwargs={"slug": consultation.slug}),
        {"submission_key": str(response.submission_key)},
    )


def test_the_receipt_waits_for_the_commit_then_says_everything(
    client, consultation, django_capture_on_commit_callbacks
) -> None:
    response = draft(consultation)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = submit(client, consultation, response)
    assert answer.status_code == 302
    assert mail.outbox == []  # nothing is sent before the submission is committed
    assert len(callbacks) == 1
    callbacks[0]()
    response.refresh_from_db()
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == ["boss@crewe.example"]
    assert receipt.subject == f"Your response to {consultation.title}: {response.reference}"
    assert f"Your reference number is {response.reference}." in receipt.body
    assert "More help with skills, please." in receipt.body and "Better broadband" in receipt.body
    assert "Responding: On behalf of an organisation for Crewe Widgets Ltd" in receipt.body
    assert "- Do you support our vision?\n  Yes" in receipt.body
    assert f"http://testserver/consultations/{consultation.slug}/" in receipt.body


def test_with_a_broker_the_request_only_queues_the_receipt(
    client, consultation, django_capture_on_commit_callbacks
) -> None:
    response = draft(consultation)
    with (
        mock.patch.object(send_response_receipt_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert submit(client, consultation, response).status_code == 302
    delay.assert_called_once_with(
        response.pk, f"http://testserver/consultations/{consultation.slug}/"
    )
    assert mail.outbox == []


def test_no_address_no_receipt_and_a_double_submit_sends_one(
    client, consultation, django_capture_on_commit_callbacks
) -> None:
    silent = draft(consultation, email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert submit(client, consultation, silent).status_code == 302
    assert callbacks == [] and mail.outbox == []
    response = draft(consultation)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(client, consultation, response)
        second = submit(client, consultation, response)
    assert first["Location"] == second["Location"]
    assert len(mail.outbox) == 1


def test_when_the_broker_is_down_the_receipt_is_sent_at_once(
    client, consultation, django_capture_on_commit_callbacks, caplog
) -> None:
    response = draft(consultation)
    refused = BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379.")
    with (
        mock.patch.object(send_response_receipt_task, "delay", side_effect=refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert submit(client, consultation, response).status_code == 302
    assert len(mail.outbox) == 1 and response.submission_key
    assert "Task queue unreachable" in caplog.text


def test_a_mail_server_failure_never_undoes_the_submission(
    client, consultation, django_capture_on_commit_callbacks, caplog
) -> None:
    response = draft(consultation)
    with (
        mock.patch(
            "consultations.services.send_mail", side_effect=smtplib.SMTPConnectError(421, "busy")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        answer = submit(client, consultation, response)
    assert answer.status_code == 302 and "/done/" in answer["Location"]
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    assert "could not be sent" in caplog.text


def test_on_a_worker_a_mail_server_failure_is_tried_again(consultation) -> None:
    response = draft(consultation)
    services.response_submit(response=response)
    send_response_receipt_task.push_request(retries=0, is_eager=False)
    try:
        with (
            mock.patch(
                "consultations.services.send_mail", side_effect=smtplib.SMTPServerDisconnected()
            ),
            mock.patch.object(send_response_receipt_task, "retry", side_effect=Retry) as retry,
            pytest.raises(Retry),
        ):
            send_response_receipt_task.run(response.pk, "https://portal.example/")
        assert retry.call_args.kwargs["countdown"] == 60
    finally:
        send_response_receipt_task.pop_request()


def test_the_task_sends_nothing_for_a_response_withdrawn_or_gone(consultation) -> None:
    response = draft(consultation)
    services.response_submit(response=response)
    services.response_withdraw(response=response)
    assert send_response_receipt_task.delay(response.pk, "https://portal.example/").get() is False
    assert send_response_receipt_task.delay(10**9, "https://portal.example/").get() is False
    assert mail.outbox == []


def test_submit_claims_a_complete_draft_once_and_explains_an_incomplete_one(
    consultation, django_assert_num_queries
) -> None:
    response = draft(consultation)
    with django_assert_num_queries(1):  # the claim, which also checks the required answers
        submitted, created = services.response_submit(response=response)
    assert created and submitted.status == Response.Status.SUBMITTED
    again, created_again = services.response_submit(response=Response.objects.get(pk=response.pk))
    assert not created_again and again.reference == submitted.reference
    incomplete = services.response_start(consultation=consultation)
    services.response_save_profile(response=incomplete, profile=PROFILE)
    with pytest.raises(ApplicationError, match=r"required question before you submit \(1 to go\)"):
        services.response_submit(response=incomplete)
    incomplete.refresh_from_db()
    assert incomplete.status == Response.Status.DRAFT and not incomplete.reference
