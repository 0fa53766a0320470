"""Background work for consultations. Tasks take ids, call one service and are safe to repeat
(``acks_late``: a task lost with its worker runs again and finds nothing left to do)."""

from __future__ import annotations

import logging

from celery import shared_task

from lepportal.core.exceptions import ApplicationError

from .data_protection import erase_due_personal_data, personal_data_erase
from .models import Consultation
from .reporting import tasks as reporting_tasks  # noqa: F401

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
