"""UK GDPR duties towards respondents: erase personal data once the retention period has
passed, and show people everything held about their responses (SPEC §3, Data protection).

What is personal data here, and what erasure does to a response:

- ``respondent_name`` and ``email``: blanked.
- ``location``: blanked. Even a local authority narrows a small business or a named
  individual down, and analysis of closed consultations no longer needs it.
- ``organisation_name``: blanked when the respondent answered as an individual or as a sole
  trader or freelancer, whose business name is so often their own name. The name of a larger
  organisation is not personal data and stays, so that published outcomes can still say who
  responded on behalf of which organisation.
- ``respondent`` (the link to the account): removed, so the response can no longer be traced
  to a person through their account.
- Section comments on the consultation lose their author, and reports lose their reporter.

What stays: the answers, and the profile categories analysis is built on (responding as,
organisation type, respondent type, size band, sector, consent). Free-text answers are kept as
written: they are the substance of the consultation, and respondents are asked not to put
personal details in them. Staff accountability records (moderation log, moderator notes) keep
their moderator.

Erasure is idempotent: rows already erased are skipped, and a second run changes nothing."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from lepportal.core.exceptions import ApplicationError

from .constants import RespondingAs, SizeBand
from .models import Answer, Comment, CommentReport, Consultation, Response

logger = logging.getLogger(__name__)


def personal_data_erasure_due_at(consultation: Consultation) -> datetime:
    """When the retention period, counted from closing, ends."""
    return consultation.closes_at + timedelta(days=consultation.retention_days)


def personal_data_erasure_is_due(
    consultation: Consultation, moment: datetime | None = None
) -> bool:
    return (moment or timezone.now()) >= personal_data_erasure_due_at(consultation)


@transaction.atomic
def personal_data_erase(*, consultation: Consultation) -> int:
    """Erase the personal data of every response to ``consultation`` (see the module's
    docstring for exactly what) once its retention period has passed; returns how many
    responses were erased by this call (0 when it had been done already).

    Refuses with an ApplicationError before the retention period has passed."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not personal_data_erasure_is_due(consultation):
        due = timezone.localtime(personal_data_erasure_due_at(consultation))
        raise ApplicationError(
            "Personal data is kept until the retention period ends, "
            f"on {due:%-d %B %Y}; it cannot be erased before then.",
            code="retention_not_passed",
            status=409,
        )
    pending = Response.objects.filter(consultation=consultation, personal_data_erased=False)
    # Names of individuals and sole traders are their own: blank them first, while the
    # profile still says who answered how.
    pending.filter(
        Q(responding_as=RespondingAs.INDIVIDUAL)
        | Q(responding_as="")
        | Q(size_band=SizeBand.SOLE_TRADER)
    ).update(organisation_name="")
    erased = pending.update(
        respondent_name="",
        email="",
        location="",
        respondent=None,
        personal_data_erased=True,
        updated_at=timezone.now(),
    )
    Comment.objects.filter(consultation=consultation, author__isnull=False).update(author=None)
    CommentReport.objects.filter(comment__consultation=consultation, reporter__isnull=False).update(
        reporter=None
    )
    if consultation.personal_data_erased_at is None:
        consultation.personal_data_erased_at = timezone.now()
        consultation.save(update_fields=["personal_data_erased_at"])
    logger.info("Erased personal data of %s responses to consultation %s", erased, consultation.pk)
    return erased


def consultations_due_for_erasure(moment: datetime | None = None) -> list[int]:
    """Ids of closed consultations past their retention period that still hold personal data
    (never erased, or with a response that was not erased, such as a late import)."""
    now = moment or timezone.now()
    unerased = Response.objects.filter(consultation=OuterRef("pk"), personal_data_erased=False)
    candidates = (
        Consultation.objects.filter(closes_at__lte=now)
        .filter(Q(personal_data_erased_at__isnull=True) | Exists(unerased))
        .only("pk", "closes_at", "retention_days")
        .order_by("closes_at", "pk")
    )
    # Few consultations close in any year: the retention arithmetic is done here rather than
    # in SQL, whose date arithmetic differs between SQLite and PostgreSQL.
    return [c.pk for c in candidates if personal_data_erasure_is_due(c, now)]


def erase_due_personal_data() -> list[int]:
    """Erase personal data of every consultation whose retention period has passed; returns
    the ids of the consultations erased. Each is erased in its own transaction, so one
    failure does not undo the others, and a rerun picks up whatever is left."""
    erased: list[int] = []
    for consultation_id in consultations_due_for_erasure():
        consultation = Consultation.objects.filter(pk=consultation_id).first()
        if consultation is None:
            continue
        personal_data_erase(consultation=consultation)
        erased.append(consultation_id)
    return erased


# Subject access ------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _answers(response: Response) -> list[dict[str, Any]]:
    """One entry per question answered, in question order, options by their labels."""
    by_question: dict[int, dict[str, Any]] = {}
    for answer in sorted(
        response.answers.all(), key=lambda a: (a.question.position, a.question.pk, a.pk)
    ):
        question = answer.question
        entry = by_question.setdefault(
            question.pk,
            {
                "question": question.text,
                "kind": question.get_kind_display(),
                "chosen": [],
                "text": "",
            },
        )
        if answer.option is not None:
            entry["chosen"].append(answer.option.label)
        else:
            entry["text"] = answer.text
    return list(by_question.values())


def respondent_data_export(*, user: Any) -> dict[str, Any]:
    """Everything held about ``user``'s responses and comments, across all consultations, for
    a subject access download. Responses sent without signing in cannot be tied to the
    account and are not included."""
    responses = (
        Response.objects.filter(respondent=user)
        .select_related("consultation", "consultation__organisation")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question", "option"),
            )
        )
        .order_by("created_at", "pk")
    )
    comments = (
        Comment.objects.filter(author=user)
        .select_related("consultation", "section")
        .order_by("created_at", "pk")
    )
    reports = (
        CommentReport.objects.filter(reporter=user)
        .select_related("comment__consultation")
        .order_by("created_at", "pk")
    )
    return {
        "generated_at": _when(timezone.now()),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "joined": _when(user.date_joined),
        },
        "responses": [
            {
                "consultation": r.consultation.title,
                "organisation": r.consultation.organisation.name,
                "consultation_url": r.consultation.get_absolute_url(),
                "reference": r.reference,
                "status": r.get_status_display(),
                "started_at": _when(r.created_at),
                "submitted_at": _when(r.submitted_at),
                "withdrawn_at": _when(r.withdrawn_at),
                "personal_data_erased": r.personal_data_erased,
                "profile": {
                    "responding_as": r.get_responding_as_display() if r.responding_as else "",
                    "name": r.respondent_name,
                    "organisation_name": r.organisation_name,
                    "organisation_type": (
                        r.get_organisation_type_display() if r.organisation_type else ""
                    ),
                    "size_band": r.get_size_band_display() if r.size_band else "",
                    "sector": r.get_sector_display() if r.sector else "",
                    "location": r.location,
                    "consent_to_publish": r.get_consent_display() if r.consent else "",
                    "email": r.email,
                },
                "answers": _answers(r),
            }
            for r in responses
        ],
        "comments": [
            {
                "consultation": c.consultation.title,
                "section": c.section.title,
                "body": c.body,
                "state": c.get_state_display(),
                "reason_given": c.moderation_reason,
                "reply_to": c.parent_id,
                "written_at": _when(c.created_at),
            }
            for c in comments
        ],
        "reports": [
            {
                "consultation": report.comment.consultation.title,
                "comment": report.comment_id,
                "reason": report.reason,
                "reported_at": _when(report.created_at),
            }
            for report in reports
        ],
    }
