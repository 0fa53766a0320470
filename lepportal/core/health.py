"""Health of the services the portal depends on, for /healthz and operators."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.db.utils import Error as DatabaseError
from kombu import Connection


def database_status() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "detail": f"unreachable: {exc.__class__.__name__}"}
    return {"ok": True, "detail": connection.vendor}


def broker_status() -> dict[str, Any]:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "detail": "no broker configured: tasks run in the web process"}
    try:
        # A fresh connection each time: a pooled one could report a broker that has since gone.
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # kombu raises many transport-specific errors
        return {"ok": False, "detail": f"unreachable: {exc.__class__.__name__}"}
    return {"ok": True, "detail": "reachable"}
