from __future__ import annotations

from celery import shared_task

from .export_services import reset_stale_exports, version_export_build


@shared_task(
    name="strategies.build_version_export",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def build_version_export(export_id: int) -> None:
    """Make the PDF or DOCX of a version (idempotent: claims the row before working)."""
    version_export_build(export_id=export_id)


@shared_task(name="strategies.reset_stale_exports")
def requeue_stale_exports() -> int:
    """Requeue exports left running by a worker that died."""
    return reset_stale_exports()
