"""The compilation record as every step sees it: its states, who may write to it (only the
holder of the current attempt), progress and heartbeats, and the finished reports the pages
read."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from ...models import Compilation, Consultation

Status = Compilation.Status
ACTIVE = (Status.QUEUED, Status.RUNNING)
CHUNK_SIZE = 5000
# Change this when what a compilation produces changes, so that old results are not reused.
HASH_SCHEME = "compile-1"


class Superseded(Exception):
    """This run's attempt is no longer the compilation's current one: stop, write nothing."""


# Reads shared by the pages --------------------------------------------------------------------


def latest_report(consultation: Consultation) -> Compilation | None:
    """The most recently finished compilation of ``consultation``."""
    return (
        consultation.compilations.filter(status=Status.SUCCEEDED)
        .select_related("version")
        .order_by("-finished_at", "-pk")
        .first()
    )


def published_report(consultation: Consultation) -> Compilation | None:
    """The compilation published as the outcome, once the outcome is published."""
    if consultation.outcome_published_at is None:
        return None
    return (
        consultation.compilations.filter(status=Status.SUCCEEDED, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )


def free_text_entry(compilation: Compilation, question_id: int) -> dict[str, Any] | None:
    for entry in compilation.result.get("free_text", []):
        if entry["question_id"] == question_id:
            return entry
    return None


# Progress, only from the current attempt ------------------------------------------------------


def current_attempt(compilation_id: int, attempt: int) -> Any:
    return Compilation.objects.filter(pk=compilation_id, status=Status.RUNNING, attempts=attempt)


def beat(compilation_id: int, attempt: int, **fields: Any) -> None:
    """Record that this attempt is alive (and any progress); raise Superseded when it is no
    longer the current one."""
    if not current_attempt(compilation_id, attempt).update(heartbeat_at=timezone.now(), **fields):
        raise Superseded(compilation_id)


def part_done(compilation_id: int, attempt: int, what: str) -> None:
    if not current_attempt(compilation_id, attempt).update(
        parts_done=F("parts_done") + 1, heartbeat_at=timezone.now()
    ):
        raise Superseded(compilation_id)
    done, total = Compilation.objects.values_list("parts_done", "parts_total").get(
        pk=compilation_id
    )
    progress = 5 + int(75 * done / max(total, done, 1))
    current_attempt(compilation_id, attempt).update(
        progress=Greatest(F("progress"), progress),
        stage=f"Analysed {done} of {max(total, done)} parts, most recently {what}"[:300],
    )


def jsonable(value: Any) -> Any:
    """The value exactly as it comes back from a worker or a JSONField (dates as text, dict
    keys as strings), so that the in-process and the distributed runs see the same data."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
