"""A compilation from start to finish: hashing its input, starting it (or finding the one that
already answers), claiming an attempt, failing in plain words, running it in one process,
and recovering compilations whose worker died."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from billiard.exceptions import WorkerLostError
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db import OperationalError as DatabaseOperationalError
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from lepportal.core.exceptions import ApplicationError

from ...models import Comment, Compilation, Consultation, OutcomeRow, Question, Response, ThemeEdit
from .assemble import compilation_assemble
from .parts import closed_part, compilation_plan, free_text_part
from .record import ACTIVE, CHUNK_SIZE, HASH_SCHEME, Status, Superseded

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BROKER_UNREACHABLE = "The task queue is not reachable right now: try again in a few minutes."
STOPPED_REPEATEDLY = (
    f"The compilation was interrupted {MAX_ATTEMPTS} times (a worker stopped or lost contact) "
    "and has been stopped. Nothing was changed. Try again; if it happens again, tell the site "
    "administrator."
)


# Plain words for failures -------------------------------------------------------------------


def plain_error(error: BaseException) -> str:
    """What went wrong, for the person who started the compilation (details go to the log)."""
    if isinstance(error, ApplicationError):
        return error.message
    if isinstance(error, SoftTimeLimitExceeded | TimeLimitExceeded):
        return (
            "The compilation took longer than it is allowed to and was stopped. Nothing was "
            "changed. Try again; if it happens again, ask the site administrator to add workers."
        )
    if isinstance(error, WorkerLostError):
        return (
            "The worker compiling the report stopped every time it was tried (it may have run "
            "out of memory). Nothing was changed. Tell the site administrator, who can give the "
            "workers more memory."
        )
    if isinstance(error, DatabaseOperationalError):
        return (
            "The database could not be reached while compiling. Nothing was changed. Try again "
            "in a few minutes."
        )
    if isinstance(error, BrokerOperationalError | ConnectionError):
        return (
            "The task queue could not be reached while compiling. Nothing was changed. Try "
            "again in a few minutes."
        )
    if isinstance(error, MemoryError):
        return (
            "The server ran out of memory while compiling. Nothing was changed. Tell the site "
            "administrator, who can give the workers more memory."
        )
    return (
        "Something unexpected went wrong while compiling the report "
        f"({type(error).__name__}). Nothing was changed. Try again; if it happens again, tell "
        "the site administrator."
    )


# Starting ---------------------------------------------------------------------------------------


def _feed(digest: Any, *values: Any) -> None:
    digest.update(("\x1f".join(str(value) for value in values) + "\x1e").encode("utf-8"))


def compilation_input_hash(consultation: Consultation, *, final: bool) -> str:
    """A SHA-256 of everything a compilation reads: equal hashes mean an equal report."""
    digest = hashlib.sha256()
    _feed(digest, HASH_SCHEME, consultation.pk, consultation.version_id, int(final))
    questions = Question.objects.filter(consultation=consultation).order_by("pk")
    for question in questions.values_list("pk", "kind", "text", "section_id"):
        _feed(digest, "q", *question)
    responses = (
        Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .values_list("pk", "updated_at")
    )
    for pk, updated_at in responses.iterator(chunk_size=CHUNK_SIZE):
        _feed(digest, "r", pk, updated_at.isoformat())
    comments = (
        Comment.objects.filter(consultation=consultation, state=Comment.State.APPROVED)
        .order_by("pk")
        .values_list("pk", "updated_at")
    )
    for pk, updated_at in comments.iterator(chunk_size=CHUNK_SIZE):
        _feed(digest, "c", pk, updated_at.isoformat())
    edits = ThemeEdit.objects.filter(consultation=consultation).order_by("question_id", "pk")
    for edit in edits.values_list("question_id", "theme_key", "label", "hidden", "merged_into"):
        _feed(digest, "t", *edit)
    rows = OutcomeRow.objects.filter(consultation=consultation).order_by("key")
    for outcome in rows.values_list("key", "you_said", "we_did"):
        _feed(digest, "o", *outcome)
    return digest.hexdigest()


def compilation_start(*, consultation: Consultation, user: Any, final: bool = False) -> Compilation:
    """Start compiling ``consultation`` (or return the compilation that already answers).

    While the consultation is open the report is a draft; once it has closed every
    compilation is final (``final=True`` asks for that and is refused while it is open).
    Nothing changed since a finished compilation: that compilation is returned. One already
    queued or running: that one is returned. Raises ``ApplicationError`` (503) when the task
    queue cannot be reached, and the new compilation is marked failed."""
    state = consultation.state
    if state == Consultation.State.UPCOMING:
        raise ApplicationError(
            "This consultation has not opened yet, so there is nothing to compile.",
            code="not_open",
            status=409,
        )
    closed = state in {Consultation.State.CLOSED, Consultation.State.OUTCOME}
    if final and not closed:
        raise ApplicationError(
            "The final report can be compiled once the consultation has closed. Compile a "
            "draft report to see the responses so far.",
            code="still_open",
            status=409,
        )
    input_hash = compilation_input_hash(consultation, final=closed)
    reusable = (
        consultation.compilations.filter(
            status=Status.SUCCEEDED, input_hash=input_hash, is_final=closed
        )
        .order_by("-finished_at", "-pk")
        .first()
    )
    if reusable is not None:
        return reusable
    active = consultation.compilations.filter(status__in=ACTIVE).first()
    if active is not None:
        return active
    try:
        with transaction.atomic():
            compilation = Compilation.objects.create(
                consultation=consultation,
                is_final=closed,
                created_by=user if getattr(user, "is_authenticated", False) else None,
                input_hash=input_hash,
                stage="Waiting for a worker to start",
            )
    except IntegrityError:
        # Someone started one between our check and our insert: theirs is the one.
        active = consultation.compilations.filter(status__in=ACTIVE).first()
        if active is None:
            raise ApplicationError(
                "Another compilation has just finished. Try again.", code="busy", status=409
            ) from None
        return active
    compilation_id = compilation.pk
    transaction.on_commit(lambda: _enqueue(compilation_id))
    compilation.refresh_from_db()
    return compilation


def _enqueue(compilation_id: int) -> None:
    """Send the compilation to the workers (or, with no broker, run it now)."""
    from ..tasks import run_compilation

    try:
        run_compilation.delay(compilation_id)
    except (BrokerOperationalError, ConnectionError) as error:
        logger.warning("Could not send compilation %s to the queue: %s", compilation_id, error)
        compilation_fail(compilation_id=compilation_id, error=BROKER_UNREACHABLE)
        raise ApplicationError(BROKER_UNREACHABLE, code="broker_unreachable", status=503) from error


# Claiming and failing -------------------------------------------------------------------------


def compilation_claim(*, compilation_id: int) -> int | None:
    """Move a queued compilation to running; returns the attempt number, or None when it was
    not queued (already claimed by another worker, finished, or gone)."""
    now = timezone.now()
    claimed = Compilation.objects.filter(pk=compilation_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        parts_done=0,
        progress=2,
        stage="Starting",
    )
    if not claimed:
        return None
    return Compilation.objects.values_list("attempts", flat=True).get(pk=compilation_id)


def compilation_fail(
    *, compilation_id: int, error: BaseException | str, attempt: int | None = None
) -> bool:
    """Mark a queued or running compilation failed with the reason in plain words. With
    ``attempt``, only while that attempt is the current one. Returns whether it changed."""
    message = error if isinstance(error, str) else plain_error(error)
    if not isinstance(error, str):
        logger.error("Compilation %s failed", compilation_id, exc_info=error)
    rows = Compilation.objects.filter(pk=compilation_id, status__in=ACTIVE)
    if attempt is not None:
        rows = rows.filter(attempts=attempt)
    now = timezone.now()
    return bool(
        rows.update(
            status=Status.FAILED,
            error=message[:2000],
            stage="Stopped",
            finished_at=now,
            heartbeat_at=now,
        )
    )


def guarded(
    compilation_id: int, attempt: int, work: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run one part; a failure marks the compilation failed (in plain words) and becomes a
    marker the assembly step recognises, so one bad part never leaves it running."""
    try:
        return work()
    except Superseded:
        return {"kind": "superseded"}
    except Exception as error:
        compilation_fail(compilation_id=compilation_id, error=error, attempt=attempt)
        return {"kind": "failed"}


# In one process -------------------------------------------------------------------------------


def compilation_run(*, compilation_id: int) -> bool:
    """The whole compilation in this process (the tasks spread the same steps over workers).
    Claims it first, so a second call for the same id does nothing. Returns whether this call
    did the work and it succeeded; a failure is recorded on the compilation in plain words."""
    attempt = compilation_claim(compilation_id=compilation_id)
    if attempt is None:
        return False
    try:
        question_ids = compilation_plan(compilation_id=compilation_id, attempt=attempt)
        parts = [
            guarded(
                compilation_id,
                attempt,
                lambda: closed_part(compilation_id=compilation_id, attempt=attempt),
            )
        ]
        for question_id in question_ids:
            parts.append(
                guarded(
                    compilation_id,
                    attempt,
                    partial(
                        free_text_part,
                        compilation_id=compilation_id,
                        attempt=attempt,
                        question_id=question_id,
                    ),
                )
            )
        return compilation_assemble(compilation_id=compilation_id, attempt=attempt, parts=parts)
    except Superseded:
        return False
    except Exception as error:
        compilation_fail(compilation_id=compilation_id, error=error, attempt=attempt)
        return False


# Recovery and scheduling ----------------------------------------------------------------------


def _send(compilation_id: int) -> None:
    from ..tasks import run_compilation

    try:
        run_compilation.delay(compilation_id)
    except (BrokerOperationalError, ConnectionError):
        # The next sweep sends it again.
        logger.warning("Could not send compilation %s to the queue", compilation_id)


def stale_after() -> timedelta:
    """How long a compilation may go without a heartbeat before it is taken for dead."""
    return timedelta(seconds=getattr(settings, "COMPILATION_STALE_AFTER_SECONDS", 15 * 60))


def sweep_stale_compilations(*, older_than: timedelta | None = None) -> dict[str, list[int]]:
    """Recover compilations whose worker died: a running one with no heartbeat for
    ``older_than`` (by default ``COMPILATION_STALE_AFTER_SECONDS``) is queued again as a new
    attempt (or failed after ``MAX_ATTEMPTS`` attempts), and a queued one nobody picked up for
    that long is sent again (claiming makes duplicates harmless)."""
    if older_than is None:
        older_than = stale_after()
    now = timezone.now()
    cutoff = now - older_than
    outcome: dict[str, list[int]] = {"requeued": [], "failed": [], "resent": []}
    stale_running = Compilation.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    for pk, attempts in stale_running.values_list("pk", "attempts"):
        still_stale = Compilation.objects.filter(pk=pk, status=Status.RUNNING, attempts=attempts)
        if attempts >= MAX_ATTEMPTS:
            if still_stale.update(
                status=Status.FAILED,
                error=STOPPED_REPEATEDLY,
                stage="Stopped",
                finished_at=now,
                heartbeat_at=now,
            ):
                outcome["failed"].append(pk)
        elif still_stale.update(
            status=Status.QUEUED,
            stage="Waiting to start again after a worker stopped",
            heartbeat_at=now,
        ):
            outcome["requeued"].append(pk)
            transaction.on_commit(partial(_send, pk))
    waiting = Compilation.objects.filter(status=Status.QUEUED).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    for pk in waiting.values_list("pk", flat=True):
        if Compilation.objects.filter(pk=pk, status=Status.QUEUED).update(heartbeat_at=now):
            outcome["resent"].append(pk)
            transaction.on_commit(partial(_send, pk))
    return outcome


def compile_closed_consultations(*, now: datetime | None = None) -> list[int]:
    """Start the final compilation of every consultation that has closed and has none (run
    by beat). Returns the ids of the compilations started or found."""
    now = now or timezone.now()
    closed = (
        Consultation.objects.filter(
            closes_at__lte=now,
            outcome_published_at__isnull=True,
            personal_data_erased_at__isnull=True,
        )
        .exclude(compilations__is_final=True)
        .select_related("organisation", "strategy", "version")
    )
    started = []
    for consultation in closed:
        try:
            compilation = compilation_start(consultation=consultation, user=None, final=True)
        except ApplicationError as error:
            logger.warning("Not compiling %s: %s", consultation.slug, error.message)
            continue
        started.append(compilation.pk)
    return started
