"""The “You said, we did” table staff complete, and publishing a final report as the
consultation's outcome."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from lepportal.core.exceptions import ApplicationError

from ...models import Compilation, Consultation, OutcomeRow
from .lifecycle import compilation_input_hash
from .record import Status

logger = logging.getLogger(__name__)

OUTCOME_TEXT_MAX = 2000


def outcome_rows(consultation: Consultation, compilation: Compilation) -> list[dict[str, Any]]:
    """The “You said, we did” rows of ``compilation`` with what staff have written since."""
    stored = {row.key: row for row in OutcomeRow.objects.filter(consultation=consultation)}
    rows = []
    for row in compilation.result.get("you_said_we_did", []):
        saved = stored.get(row["key"])
        rows.append(
            {
                **row,
                "you_said": saved.you_said if saved else row["you_said"],
                "we_did": saved.we_did if saved else row["we_did"],
            }
        )
    return rows


@transaction.atomic
def outcome_rows_save(
    *,
    consultation: Consultation,
    compilation: Compilation,
    texts: dict[str, tuple[str, str]],
    user: Any,
) -> int:
    """Keep what staff wrote in the “You said, we did” table: ``texts`` maps a row's key to
    (you said, we did). Returns how many rows changed."""
    if compilation.consultation_id != consultation.pk or compilation.status != Status.SUCCEEDED:
        raise ApplicationError("Complete the table of a finished report of this consultation.")
    rows = {row["key"]: row for row in outcome_rows(consultation, compilation)}
    changed = 0
    for key, (you_said, we_did) in texts.items():
        row = rows.get(key)
        if row is None:
            raise ApplicationError(
                "The table has changed since you opened it. Reload the page and try again.",
                status=409,
            )
        you_said, we_did = you_said.strip(), we_did.strip()
        if not you_said:
            raise ApplicationError(f"Say what people said about “{row['topic']}”.")
        if len(you_said) > OUTCOME_TEXT_MAX or len(we_did) > OUTCOME_TEXT_MAX:
            raise ApplicationError(
                f"Keep each entry about “{row['topic']}” to {OUTCOME_TEXT_MAX:,} characters or "
                "fewer."
            )
        if (you_said, we_did) == (row["you_said"], row["we_did"]):
            continue
        OutcomeRow.objects.update_or_create(
            consultation=consultation,
            key=key,
            defaults={
                "topic": row["topic"][:300],
                "you_said": you_said,
                "we_did": we_did,
                "edited_by": user,
            },
        )
        changed += 1
    return changed


@transaction.atomic
def outcome_publish(*, consultation: Consultation, compilation: Compilation, user: Any) -> None:
    """Publish ``compilation`` as the consultation's outcome (“We asked, you said, we did”).
    Only after closing, and only from a finished final compilation."""
    if compilation.consultation_id != consultation.pk:
        raise ApplicationError("That report belongs to another consultation.")
    if consultation.state not in {Consultation.State.CLOSED, Consultation.State.OUTCOME}:
        raise ApplicationError(
            "The outcome can be published once the consultation has closed.",
            code="still_open",
            status=409,
        )
    if compilation.status != Status.SUCCEEDED or not compilation.is_final:
        raise ApplicationError(
            "Publish the outcome from a final report: compile the report again now that the "
            "consultation has closed.",
            code="not_final",
            status=409,
        )
    if compilation_input_hash(consultation, final=True) != compilation.input_hash:
        # The public page and the downloads must say the same: both come from the compilation.
        raise ApplicationError(
            "Something has changed since this report was compiled: the “You said, we did” "
            "table, a theme or a comment that passed moderation. Compile the final report "
            "again so that the downloads say the same as the outcome page, then publish it.",
            code="out_of_date",
            status=409,
        )
    now = timezone.now()
    Compilation.objects.filter(pk=compilation.pk).update(published_at=now)
    Consultation.objects.filter(pk=consultation.pk, outcome_published_at__isnull=True).update(
        outcome_published_at=now
    )
    logger.info(
        "Outcome of %s published from compilation %s by %s",
        consultation.slug,
        compilation.pk,
        getattr(user, "pk", None),
    )
    compilation.published_at = now
    consultation.refresh_from_db(fields=["outcome_published_at"])
