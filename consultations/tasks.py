"""Background work for consultations. Tasks take ids, call one service and are safe to repeat
(``acks_late``: a task lost with its worker runs again and finds nothing left to do); the
receipt e-mail is the exception, sent at most once (see its task)."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from lepportal.core.exceptions import ApplicationError

from .data_protection import erase_due_personal_data, personal_data_erase
from .models import Consultation
from .reporting import tasks as reporting_tasks  # noqa: F401
from .services import response_receipt_send

logger = logging.getLogger(__name__)


@shared_task(
    name="consultations.erase_due_personal_data",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def erase_due_personal_data_task() -> list[int]:
    """Erase the personal data of every consultation past its retention period (run daily by
    beat); returns the ids of the consultations erased."""
    return erase_due_personal_data()


@shared_task(
    name="consultations.erase_consultation_personal_data",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def erase_consultation_personal_data_task(consultation_id: int) -> int:
    """Erase one consultation's personal data; returns how many responses were erased. A
    consultation that has gone, or whose retention period has not passed, is left alone."""
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return 0
    try:
        return personal_data_erase(consultation=consultation)
    except ApplicationError as error:
        logger.warning("Not erasing consultation %s: %s", consultation_id, error.message)
        return 0


RECEIPT_RETRY_SECONDS = 60


@shared_task(
    bind=True,
    name="consultations.send_response_receipt",
    ignore_result=True,
    max_retries=3,
)
def send_response_receipt_task(self: Any, response_id: int, link: str) -> bool:
    """E-mail a submitted response's receipt (queued after the submission commits). Sent at
    most once: the task is acknowledged when a worker takes it, so a worker lost while sending
    does not send it again, and a mail server that refuses or cannot be reached is tried again
    three times, a minute, two and four later. Run in the web process (no broker), a failure
    is logged and the respondent's submission stands, as it always did."""
    try:
        return response_receipt_send(response_id=response_id, link=link)
    except OSError as error:  # smtplib's errors are OSErrors
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.exception("Receipt for response %s could not be sent", response_id)
            return False
        raise self.retry(
            exc=error, countdown=RECEIPT_RETRY_SECONDS * 2**self.request.retries
        ) from error
