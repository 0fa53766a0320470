from __future__ import annotations

import socket

from celery import shared_task

from .services import worker_heartbeat_record


@shared_task(name="lepportal.core.tasks.record_worker_heartbeat", ignore_result=False)
def record_worker_heartbeat() -> str:
    """Touch this worker's heartbeat row; scheduled every minute by beat."""
    hostname = record_worker_heartbeat.request.hostname or socket.gethostname()
    worker_heartbeat_record(hostname=hostname)
    return hostname
