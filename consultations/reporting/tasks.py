"""Celery tasks of the compile engine. Thin: each takes ids and calls one step of the
``compile`` package; every step is safe to repeat.

``run_compilation`` claims the compilation and fans the work out as a chord: one task for the
overview and closed questions, one per free-text question, so that more workers finish
sooner; their JSON results go to ``assemble_compilation``, which writes the result once (only
while its attempt is the current one). With no broker (``CELERY_TASK_ALWAYS_EAGER``) the same
chord runs in-process and has finished when ``delay()`` returns.

``acks_late``: a task is acknowledged only once it has finished, so a task whose worker is
killed outright stays with Redis, which hands it back after the visibility timeout (an hour).
A compilation does not wait for that: beat's ``sweep_stale_compilations`` queues it again as
a new attempt once its heartbeat is stale, and the old attempt's messages write nothing.

When only a pool process dies (the worker's main process sees it), a part is retried
(``retry_on_worker_lost``) up to ``max_retries`` times and then fails the compilation in plain
words; requeueing it for ever (``reject_on_worker_lost`` alone) would loop on a part that
kills its process every time, such as one that runs out of memory. A part that hits a
passing database or broker error is retried with backoff; any other failure (or the last
retry) marks the compilation failed in plain words. See
docs/decisions/0007-compilation-orchestration.md."""

from __future__ import annotations

import logging
from typing import Any

from billiard.exceptions import WorkerLostError
from celery import Task, chord, shared_task
from celery.signals import task_failure
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from . import compile as engine

logger = logging.getLogger(__name__)

RETRYABLE = (DatabaseOperationalError, BrokerOperationalError, ConnectionError)
PART_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "retry_on_worker_lost": True,
    "default_retry_delay": 5,
    "autoretry_for": RETRYABLE,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 3,
    "soft_time_limit": 10 * 60,
    "time_limit": 11 * 60,
}


def _part(task: Task, compilation_id: int, attempt: int, work: Any) -> dict[str, Any]:
    """Run one part. A passing error is raised for ``autoretry_for`` while retries remain;
    anything else, or the last retry, marks the compilation failed and returns a marker."""
    try:
        result: dict[str, Any] = work()
    except engine.Superseded:
        return {"kind": "superseded"}
    except Exception as error:
        retry = isinstance(error, RETRYABLE) and not task.request.is_eager
        if retry and task.request.retries < (task.max_retries or 0):
            raise
        engine.compilation_fail(compilation_id=compilation_id, error=error, attempt=attempt)
        return {"kind": "failed"}
    return result


@shared_task(
    name="consultations.reporting.run_compilation",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    max_retries=3,
    soft_time_limit=60,
    time_limit=90,
)
def run_compilation(compilation_id: int) -> str:
    """Claim a queued compilation and send its parts to the workers."""
    attempt = engine.compilation_claim(compilation_id=compilation_id)
    if attempt is None:
        return "not claimed: already running, finished or gone"
    try:
        question_ids = engine.compilation_plan(compilation_id=compilation_id, attempt=attempt)
    except engine.Superseded:
        return "superseded"
    except Exception as error:
        engine.compilation_fail(compilation_id=compilation_id, error=error, attempt=attempt)
        return "failed"
    header = [compile_closed_questions.s(compilation_id, attempt)] + [
        compile_free_text_question.s(compilation_id, attempt, question_id)
        for question_id in question_ids
    ]
    chord(header)(assemble_compilation.s(compilation_id, attempt))
    return f"attempt {attempt}: {len(header)} parts sent"


@shared_task(name="consultations.reporting.compile_closed_questions", **PART_OPTIONS)
def compile_closed_questions(self: Task, compilation_id: int, attempt: int) -> dict[str, Any]:
    """Who responded, and counts for every closed question (JSON for the assembly)."""
    return _part(
        self,
        compilation_id,
        attempt,
        lambda: engine.closed_part(compilation_id=compilation_id, attempt=attempt),
    )


@shared_task(name="consultations.reporting.compile_free_text_question", **PART_OPTIONS)
def compile_free_text_question(
    self: Task, compilation_id: int, attempt: int, question_id: int
) -> dict[str, Any]:
    """Themes, quotes and campaigns of one free-text question (JSON for the assembly)."""
    return _part(
        self,
        compilation_id,
        attempt,
        lambda: engine.free_text_part(
            compilation_id=compilation_id, attempt=attempt, question_id=question_id
        ),
    )


@shared_task(name="consultations.reporting.assemble_compilation", **PART_OPTIONS)
def assemble_compilation(
    self: Task, parts: list[dict[str, Any]], compilation_id: int, attempt: int
) -> bool:
    """The chord's callback: write the report, the files and the strategy version once."""
    outcome = _part(
        self,
        compilation_id,
        attempt,
        lambda: {
            "written": engine.compilation_assemble(
                compilation_id=compilation_id, attempt=attempt, parts=parts
            )
        },
    )
    return bool(outcome.get("written"))


@shared_task(name="consultations.reporting.sweep_stale_compilations")
def sweep_stale_compilations() -> dict[str, list[int]]:
    """Queue again (or fail, after three attempts) compilations whose worker stopped."""
    return engine.sweep_stale_compilations()


@shared_task(name="consultations.reporting.compile_closed_consultations")
def compile_closed_consultations() -> list[int]:
    """Start the final report of each consultation that has closed and has none."""
    return engine.compile_closed_consultations()


@task_failure.connect
def fail_compilation_after_lost_workers(
    sender: Task | None = None,
    exception: BaseException | None = None,
    args: Any = None,
    **_: Any,
) -> None:
    """A part whose pool process died on every try (and so never reached ``_part``) fails its
    compilation in plain words at once, rather than leaving it running until the sweep."""
    if not isinstance(exception, WorkerLostError) or sender is None or not args:
        return
    if sender.name == assemble_compilation.name:
        compilation_id, attempt = args[1], args[2]
    elif sender.name in {compile_closed_questions.name, compile_free_text_question.name}:
        compilation_id, attempt = args[0], args[1]
    else:
        return
    engine.compilation_fail(compilation_id=compilation_id, error=exception, attempt=attempt)
