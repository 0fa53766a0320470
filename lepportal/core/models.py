from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per Celery worker host, touched by a periodic task so that the health check can
    tell whether background work is being picked up."""

    hostname = models.CharField(max_length=255, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.hostname} at {self.last_seen:%Y-%m-%d %H:%M:%S}"
