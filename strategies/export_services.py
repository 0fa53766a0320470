"""Making PDF and DOCX files of strategy versions, once each, on a worker."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from lepportal.core.exceptions import ApplicationError

from . import selectors
from .exports import ExportDocument, ExportSection, document_to_docx, document_to_pdf
from .models import StrategyVersion, VersionExport

logger = logging.getLogger(__name__)
State = VersionExport.State

# What publishing a task raises when the broker cannot be reached: kombu wraps the transport's
# connection errors in its OperationalError once its publish retries are spent (about 0.6 s);
# a bare socket error can escape on the way.
BROKER_ERRORS: tuple[type[Exception], ...] = (BrokerOperationalError, ConnectionError)
QUEUE_UNAVAILABLE = "The task queue is not reachable right now: try again in a few minutes."


class TaskQueueUnavailable(ApplicationError):
    """The work could not be queued because the broker is down; nothing was queued."""

    def __init__(self) -> None:
        super().__init__(QUEUE_UNAVAILABLE, code="queue_unavailable", status=503)


def export_document(version: StrategyVersion) -> ExportDocument:
    strategy = version.strategy
    sections = selectors.render_sections(
        selectors.version_sections(version), organisation_id=strategy.organisation_id
    )
    return ExportDocument(
        title=version.strategy_title,
        organisation=strategy.organisation.name,
        version_label=f"Version {version.number}: {version.label}",
        version_date=timezone.localdate(version.created_at),
        status_label=("Published" if strategy.published_version_id == version.pk else "Draft"),
        sections=[
            ExportSection(anchor=s.anchor, title=s.title, html=str(s.html)) for s in sections
        ],
        filename_stem=f"{strategy.organisation.slug}-{strategy.slug}-v{version.number}",
    )


def version_export_request(*, version: StrategyVersion, fmt: str) -> VersionExport:
    """Return the export of ``version`` in ``fmt``, queueing its making if it is not ready.
    A failed export is queued again: asking again is how a user retries."""
    export, created = VersionExport.objects.get_or_create(version=version, format=fmt)
    if not created and export.state == State.FAILED:
        requeued = VersionExport.objects.filter(pk=export.pk, state=State.FAILED).update(
            state=State.QUEUED, error=""
        )
        created = bool(requeued)
    if created:
        transaction.on_commit(lambda: _enqueue_build(export.pk))
    export.refresh_from_db()
    return export


def _enqueue_build(export_id: int) -> None:
    """Send the build task. If the broker is down, nothing is queued: the row is marked failed
    (so that asking again, once the broker is back, queues it again, as for any failed export)
    and TaskQueueUnavailable tells the caller to say "try again later" instead of a 500."""
    from .tasks import build_version_export

    if build_version_export.app.conf.task_always_eager:
        # No broker: the task runs here and records its own failures on the row.
        build_version_export.delay(export_id)
        return
    try:
        build_version_export.delay(export_id)
    except BROKER_ERRORS as error:
        logger.warning("Export %s not queued: the broker is unreachable (%s)", export_id, error)
        VersionExport.objects.filter(pk=export_id, state=State.QUEUED).update(
            state=State.FAILED, error=QUEUE_UNAVAILABLE, finished_at=timezone.now()
        )
        raise TaskQueueUnavailable from error


def version_export_build(*, export_id: int) -> None:
    """Make the file. Idempotent: only the caller that moves the row from queued to running
    does the work; a repeat delivery of the task finds nothing to claim."""
    claimed = VersionExport.objects.filter(pk=export_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    export = VersionExport.objects.select_related("version__strategy__organisation").get(
        pk=export_id
    )
    try:
        document = export_document(export.version)
        content = (
            document_to_pdf(document)
            if export.format == VersionExport.Format.PDF
            else document_to_docx(document)
        )
    except Exception as error:
        logger.exception("Export %s failed", export_id)
        VersionExport.objects.filter(pk=export_id).update(
            state=State.FAILED,
            error=f"{error.__class__.__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return
    with transaction.atomic():
        export.file.save(
            f"{document.filename_stem}.{export.format}", ContentFile(content), save=False
        )
        VersionExport.objects.filter(pk=export_id).update(
            state=State.READY, file=export.file.name, finished_at=timezone.now()
        )


def reset_stale_exports(*, older_than_minutes: int = 30) -> int:
    """Requeue exports whose worker died mid-way (a running row that never finished)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    stale = list(
        VersionExport.objects.filter(state=State.RUNNING, started_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    from .tasks import build_version_export

    for export_id in stale:
        if VersionExport.objects.filter(pk=export_id, state=State.RUNNING).update(
            state=State.QUEUED
        ):
            transaction.on_commit(lambda export_id=export_id: build_version_export.delay(export_id))
    return len(stale)
